// The ring of an incoming call, made with WebAudio oscillators (no audio file): two tones mixed,
// rung twice then a pause, like a desk phone.

const CYCLE_SECONDS = 3;
/** [start, end] of each burst within a cycle, in seconds. */
const BURSTS: [number, number][] = [
  [0, 0.4],
  [0.6, 1.0],
];
const FREQUENCIES_HZ = [440, 480];
const VOLUME = 0.12;
/** Cycles scheduled ahead, so the ring keeps its rhythm even when the tab's timers are throttled. */
const CYCLES_AHEAD = 2;

export class Ringtone {
  #context: AudioContext | null = null;
  #gain: GainNode | null = null;
  #oscillators: OscillatorNode[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #scheduledUntil = 0;

  get playing(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.playing) return;
    const context = (this.#context ??= new AudioContext());
    void context.resume().catch(() => undefined);
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    this.#oscillators = FREQUENCIES_HZ.map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    this.#gain = gain;
    this.#scheduledUntil = context.currentTime + 0.05;
    this.#schedule();
    this.#timer = setInterval(() => this.#schedule(), 500);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    for (const oscillator of this.#oscillators) {
      oscillator.stop();
      oscillator.disconnect();
    }
    this.#oscillators = [];
    this.#gain?.disconnect();
    this.#gain = null;
  }

  #schedule(): void {
    const context = this.#context;
    const gain = this.#gain?.gain;
    if (!context || !gain) return;
    while (this.#scheduledUntil < context.currentTime + CYCLES_AHEAD * CYCLE_SECONDS) {
      const start = this.#scheduledUntil;
      for (const [on, off] of BURSTS) {
        // Short ramps instead of steps: no clicks.
        gain.setValueAtTime(0, start + on);
        gain.linearRampToValueAtTime(VOLUME, start + on + 0.02);
        gain.setValueAtTime(VOLUME, start + off - 0.02);
        gain.linearRampToValueAtTime(0, start + off);
      }
      this.#scheduledUntil = start + CYCLE_SECONDS;
    }
  }
}
