// The softphone/caller-page signaling protocol over socket.io: one typed event map shared by the
// browser apps and the server, and the zod schemas every incoming event is checked against.
import { z } from 'zod';

export const CallId = z.string().regex(/^c-[A-Za-z0-9_-]{1,40}$/, 'a call id');
export type CallId = z.infer<typeof CallId>;
/** An SDP offer as RTCPeerConnection.createOffer() gives it (with its candidates gathered). */
export const Sdp = z.string().min(10).max(20_000).startsWith('v=0', 'an SDP description');

export const DialRequest = z.object({
  /** An extension (softphone only) or an incoming number in E.164. */
  to: z.string().trim().min(1).max(32).regex(/^\+?[0-9*#]+$/, 'digits, *, # and a leading +'),
  offer: Sdp,
});
export type DialRequest = z.infer<typeof DialRequest>;

export const AnswerRequest = z.object({ callId: CallId, offer: Sdp });
export type AnswerRequest = z.infer<typeof AnswerRequest>;

export const CallRequest = z.object({ callId: CallId });
export type CallRequest = z.infer<typeof CallRequest>;

export const HoldRequest = z.object({ callId: CallId, hold: z.boolean() });
export type HoldRequest = z.infer<typeof HoldRequest>;

export type Result<T> = ({ ok: true } & T) | { ok: false; error: string };

export interface Party {
  name: string;
  /** Extension, incoming number, or "web" for the public caller page. */
  number: string;
}

export type CallState = 'ringing' | 'connected' | 'held' | 'ended';

export type EndReason =
  | 'hangup'
  | 'remote-hangup'
  | 'rejected'
  | 'busy'
  | 'no-answer'
  | 'not-in-service'
  | 'unavailable'
  | 'answered-elsewhere'
  | 'cancelled'
  | 'connection-lost'
  | 'error';

export interface CallUpdate {
  callId: CallId;
  state: CallState;
  /** Set with state "ended". */
  reason?: EndReason;
  /** Set with state "held": who put the call on hold ("you" or "them"). */
  heldBy?: 'you' | 'them';
  /** The other party, once known. */
  peer?: Party;
}

export interface IncomingCall {
  callId: CallId;
  from: Party;
  /** What the caller dialled: the extension or the incoming number. */
  to: string;
}

export interface ServerToClientEvents {
  incoming: (call: IncomingCall) => void;
  'call-update': (update: CallUpdate) => void;
  /** The phone's call history changed (a call ended): fetch it again. */
  'history-changed': () => void;
  /** The user's voicemail box changed (a message arrived, was heard or deleted): the message-waiting count. */
  'voicemail-changed': (summary: { newMessages: number }) => void;
  /** A refused event: only the sender is told, nothing else changes. */
  'signaling-error': (message: string) => void;
}

export interface ClientToServerEvents {
  dial: (request: DialRequest, ack: (result: Result<{ callId: CallId; answer: string }>) => void) => void;
  answer: (request: AnswerRequest, ack: (result: Result<{ answer: string }>) => void) => void;
  reject: (request: CallRequest) => void;
  hangup: (request: CallRequest) => void;
  hold: (request: HoldRequest, ack: (result: Result<object>) => void) => void;
}
