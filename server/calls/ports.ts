// What the call engine needs from the world, as small interfaces: the media plane (legs that hear
// sources and report digits), the phones (signaling endpoints) and the call history. The real
// implementations live in media/ and server/signaling/; tests pass fakes.
import type { CallRecord } from '../../data/call-history.ts';
import type { CallUpdate, IncomingCall } from '../signaling/protocol.ts';

export type { CallRecord };

/** The voice prompts the engine can ask for; the media side speaks them in the global language. */
export const PROMPTS = ['not-in-service', 'busy', 'not-available', 'not-available-yet', 'goodbye'] as const;
export type PromptName = (typeof PROMPTS)[number];

/** What a leg's browser hears. Switching is seamless: the leg owns its RTP numbering. */
export type LegSource =
  | { type: 'silence' }
  | { type: 'ringback' }
  | { type: 'music-on-hold' }
  /** The other party of a bridge: its Opus packets are relayed, not decoded. */
  | { type: 'party'; leg: CallLeg };

export interface CallLeg {
  readonly id: string;
  readonly closed: boolean;
  hear(source: LegSource): void;
  /** Plays a prompt once, then silence. Resolves when it has finished or was replaced (hear, close). */
  play(prompt: PromptName): Promise<void>;
  /**
   * Keys pressed on the phone (RFC 4733 events). With `inBand`, tones sent as sound are detected
   * too, which costs decoding: ask for it only while waiting for keys (menus, voicemail).
   */
  onDigit(listener: (digit: string) => void, options?: { inBand?: boolean }): () => void;
  /** Plays DTMF digits to the browser as RFC 4733 events. */
  sendDigits(digits: string): void;
  /** The media path was lost: the browser vanished or closed its connection. */
  onLost(listener: (reason: string) => void): () => void;
  close(): void;
}

export interface MediaPlane {
  /** A new leg for the browser that sent `offer`, and the SDP answer to send back to it. */
  answer(offer: string): Promise<{ leg: CallLeg; answer: string }>;
}

/** One signaling connection: a softphone tab logged in as an extension, or a public caller page. */
export interface PhoneEndpoint {
  readonly id: string;
  /** The extension it is logged in as; null for the public caller page. */
  readonly extension: string | null;
  /** The user it is logged in as; null for the public caller page. */
  readonly userId: string | null;
  /** Remote address, for the public caller page's limits. */
  readonly address: string;
  incoming(call: IncomingCall): void;
  update(update: CallUpdate): void;
  historyChanged(): void;
}

export interface CallHistorySink {
  record(call: CallRecord): Promise<void>;
}
