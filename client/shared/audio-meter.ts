// Measures what a stream sounds like (loudest frequency, level at chosen frequencies, overall level)
// with WebAudio. The softphone uses it for its "hearing" indicator; browser tests use it to check
// that each party really hears the other.

export interface AudioSnapshot {
  /** The loudest frequency, in Hz (to the analyser's bin width, ~5.9 Hz). */
  peakHz: number;
  /** Its level, in dB. */
  peakDb: number;
  /** The level (dB) near each frequency asked about, in the same order. */
  probes: number[];
  /** Overall level of the waveform: RMS in dBFS (-Infinity for digital silence). */
  rmsDb: number;
  /** When it was taken (the page's performance.now()): polling drifts on a busy machine. */
  atMs: number;
}

/** The analyser's window, in samples at 48 kHz (171 ms): each snapshot measures the last this many. */
export const FFT_SIZE = 8192;

export class AudioMeter {
  readonly #context: AudioContext;
  readonly #analyser: AnalyserNode;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #bins: Float32Array<ArrayBuffer>;
  readonly #wave: Float32Array<ArrayBuffer>;
  #closed = false;

  constructor(stream: MediaStream) {
    this.#context = new AudioContext({ sampleRate: 48_000 });
    this.#source = this.#context.createMediaStreamSource(stream);
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = FFT_SIZE;
    this.#analyser.smoothingTimeConstant = 0;
    this.#source.connect(this.#analyser);
    this.#bins = new Float32Array(this.#analyser.frequencyBinCount);
    this.#wave = new Float32Array(FFT_SIZE);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What the stream sounds like now. */
  snapshot(probesHz: readonly number[] = []): AudioSnapshot {
    if (this.#context.state === 'suspended') void this.#context.resume();
    this.#analyser.getFloatFrequencyData(this.#bins);
    this.#analyser.getFloatTimeDomainData(this.#wave);
    const binHz = this.#context.sampleRate / FFT_SIZE;
    let best = 1;
    for (let i = 2; i < this.#bins.length; i++) if (this.#bins[i]! > this.#bins[best]!) best = i;
    const levelNear = (hz: number) => {
      const center = Math.round(hz / binHz);
      let max = -Infinity;
      for (let i = Math.max(1, center - 2); i <= Math.min(this.#bins.length - 1, center + 2); i++) max = Math.max(max, this.#bins[i]!);
      return max;
    };
    let sum = 0;
    for (const sample of this.#wave) sum += sample * sample;
    const rms = Math.sqrt(sum / this.#wave.length);
    return { peakHz: best * binHz, peakDb: this.#bins[best]!, probes: probesHz.map(levelNear), rmsDb: 20 * Math.log10(rms), atMs: performance.now() };
  }

  /** Takes a snapshot every 100 ms for `ms` milliseconds. */
  async listen(ms: number, probesHz: readonly number[] = []): Promise<AudioSnapshot[]> {
    await this.#context.resume();
    const snapshots: AudioSnapshot[] = [];
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The call may end while we listen: keep what was heard until then.
      if (this.#closed) break;
      snapshots.push(this.snapshot(probesHz));
    }
    return snapshots;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#source.disconnect();
    void this.#context.close().catch(() => undefined);
  }
}
