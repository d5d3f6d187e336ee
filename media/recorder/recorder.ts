// Records an incoming Opus stream to an Ogg Opus file as it arrives, packets kept as they came (no
// re-encoding), and follows the speaker's level on the way so the PBX can end a voicemail message
// on silence. With an Mp3Streams, the sound also goes to an MP3 made as the caller speaks, so that
// little is left to encode when the message ends. The file never depends on the decoded sound.
import type { Mp3StreamInput, Mp3Streams } from '../codec/mp3-streams.ts';
import { OpusDecoder } from '../codec/opus.ts';
import { OggOpusWriter } from '../rtp/ogg-opus-writer.ts';

/** The rate the recorder wants the sound at (push's `sound`): the voicemail MP3's own. */
export const RECORDER_SOUND_RATE = 24000;

export interface RecorderOptions {
  /** Silence this long fires `onSilence` once. */
  silenceSeconds: number;
  /** Below this level (dBFS of a 20 ms frame's RMS) a frame counts as silence. Default -45. */
  silenceThresholdDbfs?: number;
  /** Ogg comments, e.g. { TITLE: 'Voicemail' }. */
  comments?: Record<string, string>;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
  /** Where to make the MP3 as the recording goes, under the recording's path (see Mp3Streams). */
  mp3Streams?: Mp3Streams;
}

export interface RecorderResult {
  durationMs: number;
  /** The silence at the end of the recording, in ms (0 if the speaker talked until the end). */
  trailingSilenceMs: number;
  /**
   * How much of the end is the tone of a key pressed as sound (see keyToneHeard), from the tone's
   * start: 0 unless the recording ends on such a key.
   */
  keyToneMs: number;
}

/** Pages are written at least this often, so a crash loses at most this much audio. */
const PAGE_MS = 500;
const CHECK_EVERY_MS = 100;
/** Even when packets stop coming, what was received reaches the disk within this time. */
const FLUSH_EVERY_MS = 1000;
/** libopus encoders' lookahead, the Ogg stream's pre-skip (RFC 7845), at 48 kHz. */
const PRE_SKIP = 312;
/**
 * Audio this recent is kept from the MP3 encoder, however loud: the tone of a key that ends the
 * message, which may be cut, is heard in full within this time.
 */
const MP3_HOLD_MS = 1000;
/** A key's tone heard longer ago than this before the end is not what ended the recording. */
const KEY_AT_END_MS = 500;

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
  /** Where the last key's tone began and when it was heard (recording positions, ms). */
  #keyTone: { startMs: number; heardAtMs: number } | undefined;
  readonly #mp3: Mp3StreamInput | undefined;
  /** Samples (at RECORDER_SOUND_RATE) given to the MP3 so far, gaps included. */
  #mp3Samples = 0;

  private constructor(writer: OggOpusWriter, options: RecorderOptions, path: string) {
    this.#writer = writer;
    const streams = options.mp3Streams?.sampleRate === RECORDER_SOUND_RATE ? options.mp3Streams : undefined;
    this.#mp3 = streams?.open(path, { skipSamples: (PRE_SKIP * RECORDER_SOUND_RATE) / 48000 });
    // Compared with the RMS of 16-bit samples.
    this.#silenceThreshold = 32768 * 10 ** ((options.silenceThresholdDbfs ?? -45) / 20);
    this.#silenceMs = options.silenceSeconds * 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#lastVoiceAt = this.#lastFlushAt = this.#now();
    // Silence is checked on a timer too: a phone that sends nothing at all is silent as well.
    this.#timer = setInterval(() => this.#tick(), CHECK_EVERY_MS);
  }

  static async toFile(path: string, options: RecorderOptions): Promise<Recorder> {
    const writer = await OggOpusWriter.createFile(path, { pageDurationMs: PAGE_MS, preSkip: PRE_SKIP, comments: options.comments });
    return new Recorder(writer, options, path);
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
   * and its sound at RECORDER_SOUND_RATE when the caller decoded it already for something else (then
   * it is not decoded twice).
   */
  push(payload: Uint8Array, rtpTimestamp: number, sound?: Int16Array): void {
    if (this.#closed) return;
    if (!this.#writer.writePacket(payload, rtpTimestamp)) return;
    const pcm = sound ?? (this.#decoder ??= new OpusDecoder({ sampleRate: RECORDER_SOUND_RATE })).decodePcm16(payload);
    let sum = 0;
    for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
    if (Math.sqrt(sum / Math.max(1, pcm.length)) >= this.#silenceThreshold) {
      this.#lastVoiceAt = this.#now();
      this.#lastVoicePositionMs = this.#writer.durationMs;
    }
    if (this.#mp3) this.#feedMp3(pcm);
  }

  /**
   * A key was heard as sound (in-band DTMF) in the packet just pushed, its tone sounding for
   * `soundingMs` so far: should the recording end on it, its tone is not part of the message.
   */
  keyToneHeard(soundingMs: number): void {
    const heardAtMs = this.#writer.durationMs;
    this.#keyTone = { startMs: Math.max(0, heardAtMs - soundingMs), heardAtMs };
  }

  /** Stops, writes the last page and closes the file. Idempotent. */
  close(): Promise<RecorderResult> {
    this.#closed ??= (async () => {
      clearInterval(this.#timer);
      this.#decoder?.close();
      this.#mp3?.end();
      await this.#writer.close();
      const durationMs = this.#writer.durationMs;
      const keyTone = this.#keyTone;
      const keyToneMs = keyTone && durationMs - keyTone.heardAtMs <= KEY_AT_END_MS ? durationMs - keyTone.startMs : 0;
      return { durationMs, trailingSilenceMs: Math.max(0, durationMs - this.#lastVoicePositionMs), keyToneMs };
    })();
    return this.#closed;
  }

  /**
   * The MP3 follows the file's time: a gap the writer filled is silence in it too. What might yet
   * be trimmed (the silence since the last voice, the last second) is marked as not safe to encode.
   */
  #feedMp3(pcm: Int16Array): void {
    const mp3 = this.#mp3!;
    const positionMs = this.#writer.durationMs;
    const end = Math.round((positionMs * mp3.sampleRate) / 1000);
    const gap = end - pcm.length - this.#mp3Samples;
    if (gap > 0) mp3.push(new Int16Array(gap), this.#safeMp3EndMs(positionMs));
    const overlap = Math.max(0, -gap);
    if (overlap < pcm.length) mp3.push(overlap > 0 ? pcm.subarray(overlap) : pcm, this.#safeMp3EndMs(positionMs));
    this.#mp3Samples = end;
  }

  #safeMp3EndMs(positionMs: number): number {
    return Math.min(this.#lastVoicePositionMs, positionMs - MP3_HOLD_MS);
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
