// The shape of a sound over time, to compare what was said with what came out the other end.

/** RMS per window of `windowMs`; with `decibels`, in dB (quiet stretches then weigh as much as loud ones). */
export function loudnessEnvelope(samples: Float32Array, sampleRate: number, windowMs: number, options: { decibels?: boolean } = {}): number[] {
  const window = Math.round((sampleRate * windowMs) / 1000);
  const levels: number[] = [];
  for (let start = 0; start + window <= samples.length; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += samples[i]! * samples[i]!;
    levels.push(options.decibels ? 10 * Math.log10(sum / window + 1e-9) : Math.sqrt(sum / window));
  }
  return levels;
}

/** Pearson correlation over the shorter of the two. */
export function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const mean = (x: number[]) => x.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
