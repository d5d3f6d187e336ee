// Records an incoming Opus stream to an Ogg Opus file as it arrives, packets kept as they came (no
// re-encoding), and follows the speaker's level on the way so the PBX can end a voicemail message
// on silence. Decoding for the level costs ~20 µs a packet; the file never depends on it.
import { OpusDecoder } from '../codec/opus.ts';
import { OggOpusWriter } from '../rtp/ogg-opus-writer.ts';

export interface RecorderOptions {
  /** Silence this long fires `onSilence` once. */
  silenceSeconds: number;
  /** Below this level (dBFS of a 20 ms frame's RMS) a frame counts as silence. Default -45. */
  silenceThresholdDbfs?: number;
  /** Ogg comments, e.g. { TITLE: 'Voicemail' }. */
  comments?: Record<string, string>;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
}

export interface RecorderResult {
  durationMs: number;
  /** The silence at the end of the recording, in ms (0 if the speaker talked until the end). */
  trailingSilenceMs: number;
}

/** Pages are written at least this often, so a crash loses at most this much audio. */
const PAGE_MS = 500;
const CHECK_EVERY_MS = 100;
/** Even when packets stop coming, what was received reaches the disk within this time. */
const FLUSH_EVERY_MS = 1000;

export class Recorder {
  readonly #writer: OggOpusWriter;
  /** Made only if a packet comes without its sound (see `push`). */
  #decoder: OpusDecoder | undefined;
  readonly #silenceThreshold: number;
  readonly #silenceMs: number;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  #lastVoiceAt: number;
  /** Recording position (ms) at the end of the last frame that had voice. */
  #lastVoicePositionMs = 0;
  #silenceListeners: (() => void)[] = [];
  #silenceFired = false;
  #lastFlushAt: number;
  #closed: Promise<RecorderResult> | null = null;

  private constructor(writer: OggOpusWriter, options: RecorderOptions) {
    this.#writer = writer;
    this.#silenceThreshold = 10 ** ((options.silenceThresholdDbfs ?? -45) / 20);
    this.#silenceMs = options.silenceSeconds * 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#lastVoiceAt = this.#lastFlushAt = this.#now();
    // Silence is checked on a timer too: a phone that sends nothing at all is silent as well.
    this.#timer = setInterval(() => this.#tick(), CHECK_EVERY_MS);
  }

  static async toFile(path: string, options: RecorderOptions): Promise<Recorder> {
    const writer = await OggOpusWriter.createFile(path, { pageDurationMs: PAGE_MS, comments: options.comments });
    return new Recorder(writer, options);
  }

  get closed(): boolean {
    return this.#closed !== null;
  }

  get elapsedMs(): number {
    return this.#writer.durationMs;
  }

  onSilence(listener: () => void): void {
    this.#silenceListeners.push(listener);
  }

  /**
   * One Opus packet as received, with its RTP timestamp (gaps become concealed silence in the file),
   * and its sound when the caller decoded it already for something else (then it is not decoded twice).
   */
  push(payload: Uint8Array, rtpTimestamp: number, decoded?: Float32Array): void {
    if (this.#closed) return;
    if (!this.#writer.writePacket(payload, rtpTimestamp)) return;
    const pcm = decoded ?? (this.#decoder ??= new OpusDecoder()).decode(payload);
    let sum = 0;
    for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
    if (Math.sqrt(sum / Math.max(1, pcm.length)) >= this.#silenceThreshold) {
      this.#lastVoiceAt = this.#now();
      this.#lastVoicePositionMs = this.#writer.durationMs;
    }
  }

  /** Stops, writes the last page and closes the file. Idempotent. */
  close(): Promise<RecorderResult> {
    this.#closed ??= (async () => {
      clearInterval(this.#timer);
      this.#decoder?.close();
      await this.#writer.close();
      const durationMs = this.#writer.durationMs;
      return { durationMs, trailingSilenceMs: Math.max(0, durationMs - this.#lastVoicePositionMs) };
    })();
    return this.#closed;
  }

  #tick(): void {
    if (this.#now() - this.#lastFlushAt >= FLUSH_EVERY_MS) {
      this.#lastFlushAt = this.#now();
      this.#writer.flush().catch(() => {});
    }
    this.#checkSilence();
  }

  #checkSilence(): void {
    if (this.#silenceFired || this.#now() - this.#lastVoiceAt < this.#silenceMs) return;
    this.#silenceFired = true;
    for (const listener of this.#silenceListeners) listener();
  }
}
