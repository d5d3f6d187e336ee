// Sequence numbers and timestamps of the one RTP stream a leg sends to its browser. The leg owns
// them, not the source: ringback, a prompt, the other party and hold music all feed the same
// stream, and the browser's jitter buffer must see one continuous stream across the switches.
import { randomInt } from 'node:crypto';

export interface OutgoingRtpStreamOptions {
  clockRate: number;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
  /**
   * A pause in the source longer than this (beyond the frame's own increment) moves the
   * timestamp on by the wall-clock time that passed and marks a new talkspurt, so the browser
   * does not take the resumed audio for late packets.
   */
  maxGapMs?: number;
  /** First sequence number and timestamp; random by default (RFC 3550). */
  initialSequenceNumber?: number;
  initialTimestamp?: number;
}

export interface RtpPosition {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
}

export class OutgoingRtpStream {
  readonly clockRate: number;
  readonly #now: () => number;
  readonly #maxGapSamples: number;
  #nextSequenceNumber: number;
  #lastTimestamp: number | undefined;
  readonly #initialTimestamp: number;
  #lastWallMs = 0;
  #markNext = true;

  constructor(options: OutgoingRtpStreamOptions) {
    this.clockRate = options.clockRate;
    this.#now = options.now ?? (() => performance.now());
    this.#maxGapSamples = Math.round(((options.maxGapMs ?? 100) * options.clockRate) / 1000);
    this.#nextSequenceNumber = options.initialSequenceNumber ?? randomInt(0, 0x10000);
    this.#initialTimestamp = options.initialTimestamp ?? randomInt(0, 0x7fffffff);
  }

  /** Position of the next media frame, `increment` samples after the previous one. */
  nextFrame(increment: number): RtpPosition {
    const timestamp = this.#advance(increment);
    const marker = this.#markNext;
    this.#markNext = false;
    return { sequenceNumber: this.#takeSequenceNumber(), timestamp, marker };
  }

  /**
   * A telephone event starts now, where the next media frame (`increment` samples on) would
   * have been: its timestamp, shared by all of its packets.
   */
  beginEvent(increment: number): number {
    return this.#advance(increment);
  }

  /** Sequence number for one packet of an event (events share the stream's numbering). */
  eventPacket(): number {
    return this.#takeSequenceNumber();
  }

  /** The event that started at `eventTimestamp` lasted `durationSamples`; media resumes after it. */
  endEvent(eventTimestamp: number, durationSamples: number): void {
    this.#lastTimestamp = (eventTimestamp + durationSamples) >>> 0;
    this.#lastWallMs = this.#now();
    this.#markNext = true;
  }

  #advance(increment: number): number {
    const now = this.#now();
    let timestamp: number;
    if (this.#lastTimestamp === undefined) {
      timestamp = this.#initialTimestamp;
    } else {
      const elapsed = Math.round(((now - this.#lastWallMs) * this.clockRate) / 1000);
      if (elapsed - increment > this.#maxGapSamples) {
        timestamp = (this.#lastTimestamp + elapsed) >>> 0;
        this.#markNext = true;
      } else {
        timestamp = (this.#lastTimestamp + increment) >>> 0;
      }
    }
    this.#lastTimestamp = timestamp;
    this.#lastWallMs = now;
    return timestamp;
  }

  #takeSequenceNumber(): number {
    const sequenceNumber = this.#nextSequenceNumber;
    this.#nextSequenceNumber = (sequenceNumber + 1) & 0xffff;
    return sequenceNumber;
  }
}
