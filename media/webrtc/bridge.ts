// Two browser legs talking to each other: Opus packets relayed as they come, never decoded. Each
// leg renumbers what it sends into its own stream, so a leg that heard ringback or a prompt
// before goes on seamlessly with the other party, and back.
import { EventEmitter } from 'node:events';
import type { Leg, OpusPacket } from './leg.ts';

const FRAME_SAMPLES = 960;
/** A timestamp jump beyond this (5 s) is a new stream at the sender, not a pause: count one frame. */
const MAX_TIMESTAMP_STEP = 48_000 * 5;

export interface RelayStats {
  /** Packets passed on. */
  relayed: number;
  /** Late or duplicate packets dropped (they would put the timestamps out of order). */
  dropped: number;
}

/**
 * One direction: what `from`'s browser says, `to`'s browser hears. The sender's timestamp steps
 * are kept (a pause or a DTMF tone at the sender stays as long for the listener).
 */
export class Relay {
  readonly #from: Leg;
  readonly #to: Leg;
  /** The last packet passed on (-1: none yet). */
  #lastSequenceNumber = -1;
  #lastTimestamp = 0;
  #closed = false;
  readonly #stats: RelayStats = { relayed: 0, dropped: 0 };

  constructor(from: Leg, to: Leg) {
    this.#from = from;
    this.#to = to;
    from.on('rtp', this.#onRtp);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): Readonly<RelayStats> {
    return { ...this.#stats };
  }

  /** Stops relaying; both legs stay as they are. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#from.off('rtp', this.#onRtp);
  }

  readonly #onRtp = (packet: OpusPacket): void => {
    let increment = FRAME_SAMPLES;
    if (this.#lastSequenceNumber >= 0) {
      const ahead = ((packet.sequenceNumber - this.#lastSequenceNumber) << 16) >> 16;
      if (ahead <= 0) {
        this.#stats.dropped++;
        return;
      }
      const step = (packet.timestamp - this.#lastTimestamp) >>> 0;
      if (step > 0 && step <= MAX_TIMESTAMP_STEP) increment = step;
    }
    this.#lastSequenceNumber = packet.sequenceNumber;
    this.#lastTimestamp = packet.timestamp;
    if (this.#to.sendOpus(packet.payload, { timestampIncrement: increment })) this.#stats.relayed++;
  };
}

export interface BridgeEvents {
  /** The bridge stopped: close() was called (`local`) or one of its legs closed (`leg-closed`). */
  closed: [reason: 'local' | 'leg-closed'];
}

export interface BridgeStats {
  aToB: RelayStats;
  bToA: RelayStats;
}

/** Both directions between two legs. Closing the bridge leaves the legs open; a leg closing ends the bridge. */
export class Bridge extends EventEmitter<BridgeEvents> {
  readonly a: Leg;
  readonly b: Leg;
  readonly #aToB: Relay;
  readonly #bToA: Relay;
  #closed = false;

  static create(a: Leg, b: Leg): Bridge {
    return new Bridge(a, b);
  }

  private constructor(a: Leg, b: Leg) {
    super();
    if (a === b) throw new Error('Bridge: a leg cannot be bridged to itself');
    this.a = a;
    this.b = b;
    this.#aToB = new Relay(a, b);
    this.#bToA = new Relay(b, a);
    a.once('closed', this.#onLegClosed);
    b.once('closed', this.#onLegClosed);
    if (a.closed || b.closed) this.#close('leg-closed');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): BridgeStats {
    return { aToB: this.#aToB.stats, bToA: this.#bToA.stats };
  }

  /** Stops relaying; both legs stay open. Idempotent. */
  close(): void {
    this.#close('local');
  }

  readonly #onLegClosed = (): void => this.#close('leg-closed');

  #close(reason: 'local' | 'leg-closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#aToB.close();
    this.#bToA.close();
    this.a.off('closed', this.#onLegClosed);
    this.b.off('closed', this.#onLegClosed);
    this.emit('closed', reason);
  }
}
