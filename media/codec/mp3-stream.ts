// An MP3 made while the audio is still coming: 16-bit samples at the MP3's rate are appended as
// they arrive and handed to LAME once they are safe from trimming, so that when the audio ends only
// its last seconds are left to encode. What may still be cut from the end (a caller's trailing
// silence, the tone of the key that ended a message) is held back: LAME cannot take samples back.
// Same encoder and settings as encodeMp3 (mono, MP3_DEFAULTS), so the file is the same kind.
import { Mp3Encoder } from '@breezystack/lamejs';
import { withInfoTag } from './mp3-info-tag.ts';
import { MP3_DEFAULTS, MP3_SAMPLE_RATES, type Mp3Options } from './mp3-encoder.ts';

export interface Mp3StreamOptions extends Mp3Options {
  /**
   * Samples kept back from LAME behind the newest one, at least: what is left to encode at the
   * end. Smaller means a quicker end, at the price of encoding while the audio is being made.
   */
  backlogSamples: number;
}

/** Samples handed to LAME at a time: ten MPEG-2 granules' worth of 1152-sample calls. */
const ENCODE_CHUNK = 1152 * 10;

export class Mp3Stream {
  readonly sampleRate: number;
  readonly #encoder: Mp3Encoder;
  readonly #backlog: number;
  /** Samples not yet given to LAME, oldest first. */
  #pending: Int16Array[] = [];
  #pendingSamples = 0;
  #encodedSamples = 0;
  #chunks: Uint8Array[] = [];
  #finished = false;

  constructor(options: Mp3StreamOptions) {
    const { sampleRate, bitrateKbps } = { ...MP3_DEFAULTS, ...options };
    if (!MP3_SAMPLE_RATES.includes(sampleRate)) throw new RangeError(`MP3 cannot be ${sampleRate} Hz`);
    this.sampleRate = sampleRate;
    this.#encoder = new Mp3Encoder(1, sampleRate, bitrateKbps);
    this.#backlog = options.backlogSamples;
  }

  /** Samples appended so far. */
  get totalSamples(): number {
    return this.#encodedSamples + this.#pendingSamples;
  }

  /** Samples already given to LAME: the audio cannot end before this. */
  get encodedSamples(): number {
    return this.#encodedSamples;
  }

  /**
   * Appends samples; then encodes what lies both before `safeEnd` (a sample index: nothing before
   * it will be trimmed) and more than the backlog behind the newest sample.
   */
  append(samples: Int16Array, safeEnd: number): void {
    if (this.#finished) throw new Error('Mp3Stream is finished');
    if (samples.length > 0) {
      this.#pending.push(samples);
      this.#pendingSamples += samples.length;
    }
    const target = Math.min(safeEnd, this.totalSamples - this.#backlog);
    // Whole chunks only: LAME's calls cost the same however few samples they carry.
    const chunks = Math.floor((target - this.#encodedSamples) / ENCODE_CHUNK);
    if (chunks > 0) this.#encodeUpTo(this.#encodedSamples + chunks * ENCODE_CHUNK);
  }

  /**
   * Ends the MP3 after `endSample` samples (what is past it is dropped) and returns the file. Throws
   * a RangeError if samples past `endSample` were encoded already: then encode from the source.
   */
  finish(endSample: number): Uint8Array {
    if (this.#finished) throw new Error('Mp3Stream is finished');
    this.#finished = true;
    const end = Math.min(Math.max(0, Math.round(endSample)), this.totalSamples);
    if (end < this.#encodedSamples) throw new RangeError(`the MP3 was encoded up to sample ${this.#encodedSamples}, past the end asked for (${end})`);
    this.#encodeUpTo(end);
    this.#pending = [];
    this.#chunks.push(copy(this.#encoder.flush()));
    const out = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    this.#chunks = [];
    return withInfoTag(out, end / this.sampleRate);
  }

  #encodeUpTo(end: number): void {
    while (this.#encodedSamples < end) {
      const head = this.#pending[0]!;
      const take = Math.min(head.length, end - this.#encodedSamples, ENCODE_CHUNK);
      this.#chunks.push(copy(this.#encoder.encodeBuffer(head.subarray(0, take))));
      this.#encodedSamples += take;
      this.#pendingSamples -= take;
      if (take === head.length) this.#pending.shift();
      else this.#pending[0] = head.subarray(take);
    }
  }
}

/** LAME may reuse its output buffer: keep a copy of what it gave. */
function copy(bytes: Uint8Array | Int8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}
