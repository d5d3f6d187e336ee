// Calls the PBX places itself (to record an audio message by phone): the user's phones ring as for
// any call, and once answered a service (a voice menu) runs on the answered leg. The PBX is the
// caller, so its side of the call has no browser: an endpoint and a leg that do nothing.
import type { CallId, EndReason, Party } from '../signaling/protocol.ts';
import type { Side } from './call.ts';
import type { RingOutcome } from './flow.ts';
import type { CallLeg, PhoneEndpoint } from './ports.ts';

/** What runs once the user answers; the PBX hangs up when it returns. */
export type PbxService = (call: AnsweredPbxCall) => Promise<void>;

export interface AnsweredPbxCall {
  readonly leg: CallLeg;
  readonly ended: boolean;
  /** Runs `listener` when the call ends (at once if it already has). */
  onEnded(listener: () => void): void;
  /** The engine's timers (tests run them faster). */
  startTimer(callback: () => void, ms: number): () => void;
}

export interface OriginateRequest {
  userId: string;
  /** How the PBX shows itself on the ringing phone, e.g. "Switchboard — message Welcome". */
  from: Party;
  /** What the call history says was dialled: the user's extension. */
  dialled: string;
  ringSeconds: number;
  service: PbxService;
}

export type Origination =
  /** Nothing rang: the user is on another call, or signed in on no phone. */
  | { rang: false; outcome: 'busy' | 'unavailable' }
  | {
      rang: true;
      callId: CallId;
      /** 'answered', or why not: 'busy' when a phone declined, 'no-answer' after the ring time. */
      outcome: Promise<RingOutcome>;
      /** Why the call ended, once it has. */
      ended: Promise<EndReason>;
      /** The PBX hangs up (stops ringing, or ends the service). */
      hangUp(): void;
    };

const pbxEndpoint: PhoneEndpoint = {
  id: 'pbx',
  extension: null,
  userId: null,
  address: 'pbx',
  incoming: () => {},
  update: () => {},
  historyChanged: () => {},
  voicemailChanged: () => {},
};

/** The PBX's own leg: it hears nothing and sends nothing; the answered leg is where the audio is. */
class PbxLeg implements CallLeg {
  readonly id = 'pbx';
  closed = false;
  hear(): void {}
  async play(): Promise<void> {}
  async playItem(): Promise<boolean> {
    return false;
  }
  record(): never {
    throw new Error('the PBX side of a call records nothing');
  }
  onDigit(): () => void {
    return () => {};
  }
  sendDigits(): void {}
  onLost(): () => void {
    return () => {};
  }
  close(): void {
    this.closed = true;
  }
}

/** The caller's side of a call the PBX places. */
export function pbxSide(party: Party): Side {
  return { endpoint: pbxEndpoint, leg: new PbxLeg(), party, userId: null };
}
