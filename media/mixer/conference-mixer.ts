// One conference room's audio: every participant's Opus decoded once per frame, and each listener
// sent the sum of the others (N−1, never itself), encoded by an encoder of its own that keeps its
// state from frame to frame. A participant who sends nothing (DTX, loss) or only near-silence adds
// nothing; listeners who add nothing themselves all hear the same sum, so it is encoded once for
// them. Driven by a clock (mixer-clock.ts) calling tick() every 20 ms.
import { OPUS_FRAME_SAMPLES, OpusDecoder, OpusEncoder } from '../codec/opus.ts';

/** Receives one Opus frame (20 ms) of a listener's mix. */
export type MixSink = (frame: Uint8Array) => void;

export interface ConferenceMixerOptions {
  /** Encoder settings for the mixes: 32 kb/s, complexity 5. */
  bitrate?: number;
  complexity?: number;
}

/**
 * The mixes are encoded CELT-only (libopus's restricted low-delay mode): at 32 kb/s it costs a
 * quarter of the voice mode's SILK/hybrid encoding (~40 µs a frame against ~150 µs for speech,
 * measured with this build) and adds 4 ms less delay to a path that already decodes and
 * re-encodes; SILK's advantage is at low bitrates, not at 32 kb/s.
 */
const MIX_APPLICATION = 'restricted_lowdelay';

export interface MixerStats {
  participants: number;
  /** Frames encoded in the last tick: one per talking listener, plus one shared by all the others. */
  encodesLastTick: number;
}

/**
 * A frame whose RMS is below this (−50 dBFS) is not speech: a muted or silent microphone's noise
 * floor after the browser's noise suppression is far below it; the quietest syllables are above.
 */
const TALK_THRESHOLD = 32768 * 10 ** (-50 / 20);
const TALK_THRESHOLD_SQUARED_SUM = TALK_THRESHOLD * TALK_THRESHOLD * OPUS_FRAME_SAMPLES;
/** Once talking, a participant stays in the mix this many frames after its last loud one (300 ms): word endings are not cut. */
const TALK_HANGOVER_FRAMES = 15;
/** Received audio waiting to be mixed, at most (120 ms): beyond it the oldest is dropped, so a burst cannot add lasting delay. */
const MAX_BUFFERED_SAMPLES = OPUS_FRAME_SAMPLES * 6;
/** Every this many frames (1 s), audio that never ran below two frames is trimmed by one frame. */
const TRIM_EVERY_FRAMES = 50;

class Participant {
  readonly decoder = new OpusDecoder();
  /** Its own encoder, for its own mix (the others without itself) while it talks. */
  readonly encoder: OpusEncoder;
  /** Decoded audio not mixed yet (a ring). */
  readonly #ring = new Int16Array(MAX_BUFFERED_SAMPLES);
  #ringStart = 0;
  #ringLength = 0;
  #lowestFill = Infinity;
  #framesSinceTrim = 0;
  /** This frame's audio, when it contributes. */
  readonly frame = new Int16Array(OPUS_FRAME_SAMPLES);
  contributes = false;
  #quietFrames = TALK_HANGOVER_FRAMES;
  /** Whether its mix is sent to it (off while it hears something else, e.g. music while alone). */
  listening = true;
  #lastSequenceNumber = -1;

  constructor(
    readonly id: string,
    readonly send: MixSink,
    options: Required<ConferenceMixerOptions>,
  ) {
    this.encoder = new OpusEncoder({ application: MIX_APPLICATION, bitrate: options.bitrate, complexity: options.complexity });
  }

  /** A packet received: decoded at once into the ring (late and duplicate packets are dropped). */
  receive(payload: Uint8Array, sequenceNumber: number | undefined): void {
    if (sequenceNumber !== undefined) {
      if (this.#lastSequenceNumber >= 0 && ((((sequenceNumber - this.#lastSequenceNumber) << 16) >> 16) <= 0)) return;
      this.#lastSequenceNumber = sequenceNumber;
    }
    let pcm: Int16Array;
    try {
      pcm = this.decoder.decodePcm16(payload);
    } catch {
      return; // a packet libopus refuses adds nothing
    }
    this.#write(pcm);
  }

  #write(pcm: Int16Array): void {
    const ring = this.#ring;
    let source = pcm;
    if (source.length > ring.length) source = source.subarray(source.length - ring.length);
    const overflow = this.#ringLength + source.length - ring.length;
    if (overflow > 0) this.#drop(overflow);
    let end = (this.#ringStart + this.#ringLength) % ring.length;
    let offset = 0;
    while (offset < source.length) {
      const count = Math.min(source.length - offset, ring.length - end);
      ring.set(source.subarray(offset, offset + count), end);
      offset += count;
      end = (end + count) % ring.length;
    }
    this.#ringLength += source.length;
  }

  #drop(samples: number): void {
    this.#ringStart = (this.#ringStart + samples) % this.#ring.length;
    this.#ringLength -= samples;
  }

  /** Takes this tick's 20 ms, if there is a whole frame, and decides whether it is heard. */
  take(): void {
    this.#trimLastingDelay();
    if (this.#ringLength < OPUS_FRAME_SAMPLES) {
      // Nothing arrived (DTX, loss, a late packet): no contribution, and nobody waits for it.
      this.contributes = false;
      this.#quietFrames = TALK_HANGOVER_FRAMES;
      return;
    }
    const ring = this.#ring;
    const frame = this.frame;
    let energy = 0;
    let index = this.#ringStart;
    for (let i = 0; i < OPUS_FRAME_SAMPLES; i++) {
      const sample = ring[index]!;
      frame[i] = sample;
      energy += sample * sample;
      index = index + 1 === ring.length ? 0 : index + 1;
    }
    this.#drop(OPUS_FRAME_SAMPLES);
    this.#quietFrames = energy >= TALK_THRESHOLD_SQUARED_SUM ? 0 : this.#quietFrames + 1;
    this.contributes = this.#quietFrames <= TALK_HANGOVER_FRAMES;
  }

  /** A participant whose audio arrives in bursts keeps the delay of its worst burst: trim it once it is steady. */
  #trimLastingDelay(): void {
    this.#lowestFill = Math.min(this.#lowestFill, this.#ringLength);
    if (++this.#framesSinceTrim < TRIM_EVERY_FRAMES) return;
    if (this.#lowestFill >= 2 * OPUS_FRAME_SAMPLES) this.#drop(OPUS_FRAME_SAMPLES);
    this.#lowestFill = Infinity;
    this.#framesSinceTrim = 0;
  }

  close(): void {
    this.decoder.close();
    this.encoder.close();
  }
}

/** A short sound (join, leave) mixed into every listener's audio but one's. */
interface Announcement {
  pcm: Int16Array;
  position: number;
  /** The participant who does not hear it (the one joining or leaving). */
  except: string | undefined;
}

export class ConferenceMixer {
  readonly #participants = new Map<string, Participant>();
  readonly #options: Required<ConferenceMixerOptions>;
  /** Encodes the sum of everyone, for every listener who adds nothing itself: one encode for all of them. */
  readonly #sharedEncoder: OpusEncoder;
  readonly #announcements: Announcement[] = [];
  readonly #total = new Int32Array(OPUS_FRAME_SAMPLES);
  readonly #announced = new Int32Array(OPUS_FRAME_SAMPLES);
  readonly #out = new Int16Array(OPUS_FRAME_SAMPLES);
  #encodesLastTick = 0;
  #closed = false;

  constructor(options: ConferenceMixerOptions = {}) {
    this.#options = { bitrate: options.bitrate ?? 32_000, complexity: options.complexity ?? 5 };
    this.#sharedEncoder = new OpusEncoder({ application: MIX_APPLICATION, ...this.#options });
  }

  get size(): number {
    return this.#participants.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): MixerStats {
    return { participants: this.#participants.size, encodesLastTick: this.#encodesLastTick };
  }

  has(id: string): boolean {
    return this.#participants.has(id);
  }

  /** Adds a participant: its audio goes to the others, and the others' to `send`. */
  add(id: string, send: MixSink): void {
    if (this.#closed) throw new Error('ConferenceMixer: closed');
    if (this.#participants.has(id)) throw new Error(`ConferenceMixer: ${id} is already in the room`);
    this.#participants.set(id, new Participant(id, send, this.#options));
  }

  remove(id: string): void {
    const participant = this.#participants.get(id);
    if (!participant) return;
    this.#participants.delete(id);
    participant.close();
  }

  /** A packet `id`'s phone sent (its sequence number, when known, drops late and repeated packets). */
  receive(id: string, payload: Uint8Array, sequenceNumber?: number): void {
    this.#participants.get(id)?.receive(payload, sequenceNumber);
  }

  /** Whether `id` is sent its mix; it stays in the others' mix either way. */
  setListening(id: string, listening: boolean): void {
    const participant = this.#participants.get(id);
    if (participant) participant.listening = listening;
  }

  /** Mixes `pcm` (48 kHz mono) into every listener's audio but `except`'s, from the next frame on. */
  announce(pcm: Int16Array, except?: string): void {
    if (pcm.length > 0) this.#announcements.push({ pcm, position: 0, except });
  }

  /** One 20 ms frame for everyone. */
  tick(): void {
    this.#encodesLastTick = 0;
    const participants = [...this.#participants.values()];
    const total = this.#total;
    total.fill(0);
    for (const participant of participants) {
      participant.take();
      if (!participant.contributes) continue;
      const frame = participant.frame;
      for (let i = 0; i < OPUS_FRAME_SAMPLES; i++) total[i]! += frame[i]!;
    }
    const announcing = this.#mixAnnouncements();

    let shared: Uint8Array | undefined;
    for (const listener of participants) {
      // Alone, there is nobody to hear: the listener hears something else (music) meanwhile.
      if (!listener.listening || participants.length < 2) continue;
      const hearsAnnouncements = announcing && !this.#announcements.some((a) => a.except === listener.id);
      if (!listener.contributes && (hearsAnnouncements || !announcing)) {
        shared ??= this.#encode(this.#sharedEncoder, undefined, announcing);
        listener.send(shared);
      } else {
        listener.send(this.#encode(listener.encoder, listener.contributes ? listener.frame : undefined, hearsAnnouncements));
      }
    }
    this.#advanceAnnouncements();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const participant of this.#participants.values()) participant.close();
    this.#participants.clear();
    this.#sharedEncoder.close();
  }

  /** The sum of everyone, less `own`, plus the announcements if heard, clipped to 16 bits, encoded. */
  #encode(encoder: OpusEncoder, own: Int16Array | undefined, withAnnouncements: boolean): Uint8Array {
    const total = this.#total;
    const announced = this.#announced;
    const out = this.#out;
    for (let i = 0; i < OPUS_FRAME_SAMPLES; i++) {
      let sample = total[i]!;
      if (own) sample -= own[i]!;
      if (withAnnouncements) sample += announced[i]!;
      // Summing in 32 bits cannot wrap; the clip is the only distortion, and only when voices are loud together.
      out[i] = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample;
    }
    this.#encodesLastTick++;
    return encoder.encodePcm16(out);
  }

  /** This frame of every announcement still playing, summed; false when none plays. */
  #mixAnnouncements(): boolean {
    if (this.#announcements.length === 0) return false;
    const announced = this.#announced;
    announced.fill(0);
    for (const announcement of this.#announcements) {
      const { pcm, position } = announcement;
      const end = Math.min(pcm.length, position + OPUS_FRAME_SAMPLES);
      for (let i = position; i < end; i++) announced[i - position]! += pcm[i]!;
    }
    return true;
  }

  #advanceAnnouncements(): void {
    for (let i = this.#announcements.length - 1; i >= 0; i--) {
      const announcement = this.#announcements[i]!;
      announcement.position += OPUS_FRAME_SAMPLES;
      if (announcement.position >= announcement.pcm.length) this.#announcements.splice(i, 1);
    }
  }
}
