// Measuring and evening out levels so that prompts, speech and music play at one loudness.

/** Level of a full-scale square wave is 0 dBFS; a full-scale sine measures -3 dBFS RMS, 0 dBFS peak. */
export function toDbfs(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}

export function fromDbfs(db: number): number {
  return 10 ** (db / 20);
}

export function peakLevel(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const magnitude = Math.abs(samples[i]!);
    if (magnitude > peak) peak = magnitude;
  }
  return peak;
}

const GATE_WINDOW_SAMPLES = 960;
const GATE_DBFS = -50;

/**
 * RMS over the windows (20 ms at 48 kHz) that are louder than -50 dBFS, so the pauses between
 * words do not make a sentence look quiet; 0 for a buffer that is silent throughout.
 */
export function activeRmsLevel(samples: Float32Array): number {
  const gate = fromDbfs(GATE_DBFS) ** 2;
  let sum = 0;
  let counted = 0;
  for (let start = 0; start < samples.length; start += GATE_WINDOW_SAMPLES) {
    const end = Math.min(samples.length, start + GATE_WINDOW_SAMPLES);
    let windowSum = 0;
    for (let i = start; i < end; i++) windowSum += samples[i]! * samples[i]!;
    if (windowSum / (end - start) >= gate) {
      sum += windowSum;
      counted += end - start;
    }
  }
  return counted > 0 ? Math.sqrt(sum / counted) : 0;
}

export type LoudnessTarget =
  /** Scale so the loudest sample reaches targetDbfs. */
  | { mode: 'peak'; targetDbfs: number }
  /** Scale so the active RMS reaches targetDbfs, never letting peaks pass ceilingDbfs (default -1). */
  | { mode: 'rms'; targetDbfs: number; ceilingDbfs?: number };

/** Gain that `normalizeLoudness` would apply (1 for silence). */
export function loudnessGain(samples: Float32Array, target: LoudnessTarget): number {
  const peak = peakLevel(samples);
  if (peak === 0) return 1;
  if (target.mode === 'peak') return fromDbfs(target.targetDbfs) / peak;
  const level = activeRmsLevel(samples);
  if (level === 0) return 1;
  // A hard ceiling instead of a limiter: better a little quieter than clipped.
  return Math.min(fromDbfs(target.targetDbfs) / level, fromDbfs(target.ceilingDbfs ?? -1) / peak);
}

/** A scaled copy of the samples. */
export function normalizeLoudness(samples: Float32Array, target: LoudnessTarget): Float32Array {
  const gain = loudnessGain(samples, target);
  return samples.map((v) => v * gain);
}
