// One call through the PBX: the caller's side, the callee's side once someone answers, and what is
// ringing meanwhile. The engine changes it; this class only holds the state and derives from it.
import type { CallId, CallState, EndReason, Party } from '../signaling/protocol.ts';
import type { CallLeg, PhoneEndpoint } from './ports.ts';
import type { RingOutcome } from './flow.ts';
import type { PbxService } from './pbx-call.ts';

export type Role = 'caller' | 'callee';

export interface Side {
  endpoint: PhoneEndpoint;
  leg: CallLeg;
  party: Party;
  userId: string | null;
}

/** Phones of one user ringing for this call; the first to answer wins. */
export interface Ringing {
  userId: string;
  endpoints: Set<PhoneEndpoint>;
  /** Set as soon as a phone answers, before its media is ready, so a second answer loses. */
  answeredBy: PhoneEndpoint | null;
  finish(outcome: RingOutcome): void;
}

export class Call {
  callee: Side | null = null;
  ringing: Ringing | null = null;
  readonly rangUserIds = new Set<string>();
  readonly held = new Set<Role>();
  answeredAt: Date | null = null;
  endReason: EndReason | null = null;
  /** Set on calls the PBX places itself: what runs on the answered leg instead of a bridge. */
  service: PbxService | null = null;
  readonly #endListeners: (() => void)[] = [];

  constructor(
    readonly id: CallId,
    readonly caller: Side,
    readonly dialled: string,
    readonly startedAt: Date,
  ) {}

  get ended(): boolean {
    return this.endReason !== null;
  }

  /** Runs `listener` when the call ends (at once if it already has). */
  onEnded(listener: () => void): void {
    if (this.ended) listener();
    else this.#endListeners.push(listener);
  }

  /** Marks the call ended and tells whoever waits on it. */
  markEnded(reason: EndReason): void {
    if (this.ended) return;
    this.endReason = reason;
    for (const listener of this.#endListeners.splice(0)) listener();
  }

  get connected(): boolean {
    return this.callee !== null && !this.ended;
  }

  side(role: Role): Side | null {
    return role === 'caller' ? this.caller : this.callee;
  }

  roleOf(endpoint: PhoneEndpoint): Role | null {
    if (this.caller.endpoint === endpoint) return 'caller';
    if (this.callee?.endpoint === endpoint) return 'callee';
    return null;
  }

  involvesUser(userId: string): boolean {
    return this.caller.userId === userId || this.callee?.userId === userId;
  }

  /** The state as one side sees it. */
  stateFor(role: Role): CallState {
    if (this.ended) return 'ended';
    if (!this.connected) return 'ringing';
    return this.held.size > 0 ? 'held' : 'connected';
  }

  heldByFor(role: Role): 'you' | 'them' | undefined {
    if (this.held.size === 0) return undefined;
    return this.held.has(role) ? 'you' : 'them';
  }
}
