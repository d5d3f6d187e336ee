// Energy at single frequencies, cheaper than an FFT when only a handful matter (DTMF, test tones).

/**
 * Power of one frequency over `length` samples from `start`, scaled so that a sine of amplitude A
 * at exactly that frequency reads A²/2, i.e. the same unit as `meanPower`.
 */
export function goertzelPower(
  samples: Float32Array,
  frequencyHz: number,
  sampleRate: number,
  start = 0,
  length = samples.length - start,
): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  const end = start + length;
  for (let i = start; i < end; i++) {
    const current = samples[i]! + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const magnitudeSquared = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * magnitudeSquared) / (length * length);
}

/** Mean of the squared samples: a full-scale sine reads 0.5. */
export function meanPower(samples: Float32Array, start = 0, length = samples.length - start): number {
  let sum = 0;
  const end = start + length;
  for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
  return length > 0 ? sum / length : 0;
}
