// Band-limited resampling (windowed sinc, Kaiser window, polyphase table), e.g. eSpeak's 22.05 kHz
// or a WAV upload's 8/16/44.1 kHz to the 48 kHz that Opus and the mixer work at.

export interface ResamplerOptions {
  /** Sinc zero crossings kept each side of the centre: more means a steeper low-pass. */
  zeroCrossings?: number;
  /** Pass band edge as a fraction of the lower Nyquist frequency, leaving room for the transition band. */
  cutoff?: number;
  /** Kaiser window beta: 8 gives about 80 dB of stop band attenuation. */
  kaiserBeta?: number;
}

// Beyond this many phases (rates with a tiny common divisor) a table costs more than it saves.
const MAX_TABLE_PHASES = 1024;

/** Converts whole buffers from one sample rate to another; build once per rate pair and reuse. */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly upFactor: number;
  private readonly downFactor: number;
  private readonly halfTaps: number;
  private readonly halfWidth: number;
  private readonly cutoffPerInputSample: number;
  private readonly beta: number;
  private readonly table: Float32Array | undefined;

  constructor(fromRate: number, toRate: number, options: ResamplerOptions = {}) {
    if (!(fromRate > 0 && toRate > 0 && Number.isInteger(fromRate) && Number.isInteger(toRate))) {
      throw new RangeError(`sample rates must be positive integers, got ${fromRate} -> ${toRate}`);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    const divisor = gcd(fromRate, toRate);
    this.upFactor = toRate / divisor;
    this.downFactor = fromRate / divisor;
    const scale = Math.min(1, toRate / fromRate);
    const zeroCrossings = options.zeroCrossings ?? 32;
    this.cutoffPerInputSample = 0.5 * (options.cutoff ?? 0.9) * scale;
    this.beta = options.kaiserBeta ?? 8;
    // When downsampling the kernel stretches by 1/scale so that it still spans zeroCrossings lobes.
    this.halfWidth = zeroCrossings / scale;
    this.halfTaps = Math.ceil(this.halfWidth);
    if (this.upFactor <= MAX_TABLE_PHASES) {
      const taps = 2 * this.halfTaps + 1;
      this.table = new Float32Array(this.upFactor * taps);
      for (let phase = 0; phase < this.upFactor; phase++) {
        this.fillKernel(phase / this.upFactor, this.table.subarray(phase * taps, (phase + 1) * taps));
      }
    }
  }

  /** Number of output samples for an input of the given length. */
  outputLength(inputLength: number): number {
    return Math.round((inputLength * this.upFactor) / this.downFactor);
  }

  resample(input: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return input.slice();
    const output = new Float32Array(this.outputLength(input.length));
    const taps = 2 * this.halfTaps + 1;
    const scratch = this.table ? undefined : new Float32Array(taps);
    for (let n = 0; n < output.length; n++) {
      // Exact integer arithmetic for the position: no drift over long inputs.
      const numerator = n * this.downFactor;
      const centre = Math.floor(numerator / this.upFactor);
      const phase = numerator - centre * this.upFactor;
      let kernel: Float32Array;
      let offset = 0;
      if (this.table) {
        kernel = this.table;
        offset = phase * taps;
      } else {
        kernel = scratch!;
        this.fillKernel(phase / this.upFactor, kernel);
      }
      const first = centre - this.halfTaps;
      let sum = 0;
      const start = Math.max(0, -first);
      const end = Math.min(taps, input.length - first);
      for (let j = start; j < end; j++) sum += input[first + j]! * kernel[offset + j]!;
      output[n] = sum;
    }
    return output;
  }

  // Kernel for an output sample lying `fraction` of an input sample after input sample `centre`;
  // tap j weighs input sample centre - halfTaps + j. Normalised to unit gain at DC.
  private fillKernel(fraction: number, kernel: Float32Array): void {
    const taps = kernel.length;
    const fc = this.cutoffPerInputSample;
    const besselOfBeta = besselI0(this.beta);
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const distance = fraction - (j - this.halfTaps);
      const relative = distance / this.halfWidth;
      let value = 0;
      if (Math.abs(relative) < 1) {
        const window = besselI0(this.beta * Math.sqrt(1 - relative * relative)) / besselOfBeta;
        value = 2 * fc * sinc(2 * fc * distance) * window;
      }
      kernel[j] = value;
      sum += value;
    }
    for (let j = 0; j < taps; j++) kernel[j] = kernel[j]! / sum;
  }
}

/** One-off conversion; prefer a kept `Resampler` when converting many buffers at the same rates. */
export function resample(input: Float32Array, fromRate: number, toRate: number, options?: ResamplerOptions): Float32Array {
  return new Resampler(fromRate, toRate, options).resample(input);
}

/**
 * The same result as `resample`, computed slice by slice with `pause` awaited between slices (to
 * give the event loop back during a long conversion). Each slice starts on an input sample that
 * falls exactly on an output sample and carries enough neighbours for the filter, so the seams
 * are exact.
 */
export async function resampleInSlices(
  input: Float32Array,
  fromRate: number,
  toRate: number,
  options: ResamplerOptions = {},
  pause: () => Promise<void> = async () => undefined,
  sliceSamples = 48000,
): Promise<Float32Array> {
  const resampler = new Resampler(fromRate, toRate, options);
  if (fromRate === toRate) return input.slice();
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor;
  const down = fromRate / divisor;
  const output = new Float32Array(resampler.outputLength(input.length));
  // The kernel reaches zeroCrossings / scale input samples each side; padding is a multiple of `down`.
  const reach = Math.ceil((options.zeroCrossings ?? 32) / Math.min(1, toRate / fromRate)) + 2;
  const padding = Math.ceil(reach / down) * down;
  const slice = Math.max(1, Math.round(sliceSamples / down)) * down;
  for (let start = 0; start < input.length; start += slice) {
    const end = Math.min(input.length, start + slice);
    const paddedStart = Math.max(0, start - padding);
    const local = resampler.resample(input.subarray(paddedStart, Math.min(input.length, end + padding)));
    const outputStart = (start / down) * up;
    const outputEnd = end === input.length ? output.length : (end / down) * up;
    const localStart = outputStart - (paddedStart / down) * up;
    output.set(local.subarray(localStart, localStart + (outputEnd - outputStart)), outputStart);
    await pause();
  }
  return output;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

// Modified Bessel function of the first kind, order 0, by its power series.
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
