// What the PBX needs of a leg, wherever its peer connection lives: a Leg on this thread, or a
// RemoteLeg whose Leg runs on the media worker thread (media-worker.ts). The call side holds
// MediaLegs and asks a LegFactory for them, so it works the same either way.
import type { EventEmitter } from 'node:events';
import { Relay } from './bridge.ts';
import { Leg, type LegCloseReason, type LegEvents, type LegOptions, type SendDtmfOptions, type SendOpusOptions } from './leg.ts';

export interface MediaLeg extends EventEmitter<LegEvents> {
  readonly closed: boolean;
  readonly connected: boolean;
  readonly closeReason: LegCloseReason | undefined;
  acceptOffer(offerSdp: string): Promise<string>;
  createOffer(): Promise<string>;
  acceptAnswer(answerSdp: string): Promise<void>;
  sendOpus(payload: Uint8Array, options?: SendOpusOptions): boolean;
  sendDtmf(digits: string, options?: SendDtmfOptions): Promise<void>;
  close(): Promise<void>;
}

/** One direction of relayed audio (see Relay): what `from`'s browser says, `to`'s browser hears. */
export interface RelayHandle {
  close(): void;
}

export interface LegFactory {
  create(): MediaLeg;
  /** Relays `from` to `to`; both legs come from this factory. */
  relay(from: MediaLeg, to: MediaLeg): RelayHandle;
}

/** Legs on this thread: what tests use, and what the media worker uses inside itself. */
export class LocalLegs implements LegFactory {
  constructor(private readonly options: LegOptions = {}) {}

  create(): Leg {
    return Leg.create(this.options);
  }

  relay(from: MediaLeg, to: MediaLeg): RelayHandle {
    if (!(from instanceof Leg) || !(to instanceof Leg)) throw new Error('LocalLegs: both legs must be local');
    return new Relay(from, to);
  }
}
