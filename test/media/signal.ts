// Signal helpers shared by the media tests: deterministic noise, levels, frequency estimates.
import { goertzelPower, meanPower } from '../../media/dsp/goertzel.ts';
import { concatFloat32 } from '../../media/dsp/samples.ts';

/** Small seeded PRNG (mulberry32) so that noisy fixtures are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian white noise of the given RMS level. */
export function whiteNoise(length: number, rms: number, seed = 1): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    // Box-Muller gives two independent normal samples per pair of uniforms.
    const radius = Math.sqrt(-2 * Math.log(1 - random())) * rms;
    const angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** Adds white noise so that signal power / noise power = snrDb (signal power measured over the whole buffer). */
export function withNoise(signal: Float32Array, snrDb: number, seed = 1): Float32Array {
  const noiseRms = Math.sqrt(meanPower(signal) / 10 ** (snrDb / 10));
  const noise = whiteNoise(signal.length, noiseRms, seed);
  return signal.map((value, i) => value + noise[i]!);
}

export function rms(samples: Float32Array, start = 0, length = samples.length - start): number {
  return Math.sqrt(meanPower(samples, start, length));
}

/** Strongest frequency between fromHz and toHz in stepHz steps, by Goertzel scan (fine for test tones). */
export function dominantFrequency(samples: Float32Array, sampleRate: number, fromHz = 50, toHz = sampleRate / 2 - 50, stepHz = 5): number {
  let best = fromHz;
  let bestPower = -1;
  for (let f = fromHz; f <= toHz; f += stepHz) {
    const power = goertzelPower(samples, f, sampleRate);
    if (power > bestPower) {
      bestPower = power;
      best = f;
    }
  }
  return best;
}

/** Fraction of the buffer's power that lies at one frequency (1 for a pure sine). */
export function toneShare(samples: Float32Array, frequencyHz: number, sampleRate: number): number {
  return goertzelPower(samples, frequencyHz, sampleRate) / meanPower(samples);
}

export function concat(...parts: Float32Array[]): Float32Array {
  return concatFloat32(parts);
}
