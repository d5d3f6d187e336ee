// How a carrier adapter proves that an SMS webhook request comes from it: an HMAC-SHA256, with the
// shared secret SMS_WEBHOOK_SECRET, over "<timestamp>.<raw body>", sent as
//   X-Switchboard-Timestamp: <Unix time in seconds>
//   X-Switchboard-Signature: sha256=<hex>
// (the scheme Stripe and Slack use). The timestamp is inside the signed material, so a captured
// request can only be replayed while it is fresh: 5 minutes, after which it is refused; within
// them, the signature names the request, and the store answers a replay with the SMS it made.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Switchboard-Timestamp';
export const SIGNATURE_HEADER = 'X-Switchboard-Signature';
/** How far a request's timestamp may be from the PBX's clock, either way. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export function signSmsWebhook(secret: string, timestamp: number | string, rawBody: Uint8Array | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

export type SignatureCheck =
  | {
      ok: true;
      /** When the request was signed. */
      signedAt: Date;
      /** Names this exact request (same timestamp, same body): its signature. */
      requestKey: string;
      /** Until when a replay of it would still be accepted, so must be recognised. */
      replayableUntil: Date;
    }
  | { ok: false; problem: string };

export interface SignedRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Uint8Array;
}

export function checkSmsWebhookSignature(secret: string, request: SignedRequest, now: Date): SignatureCheck {
  if (!request.timestamp) return { ok: false, problem: `Missing ${TIMESTAMP_HEADER} header (Unix time in seconds)` };
  if (!request.signature) return { ok: false, problem: `Missing ${SIGNATURE_HEADER} header (sha256=<hex>)` };
  if (!/^\d{1,12}$/.test(request.timestamp)) return { ok: false, problem: `${TIMESTAMP_HEADER} must be a Unix time in seconds` };
  const given = /^sha256=([0-9a-fA-F]{64})$/.exec(request.signature.trim());
  if (!given) return { ok: false, problem: `${SIGNATURE_HEADER} must be sha256= followed by 64 hex digits` };
  const expected = Buffer.from(signSmsWebhook(secret, request.timestamp, request.rawBody).slice('sha256='.length), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given[1]!, 'hex'))) return { ok: false, problem: 'Bad signature' };
  const signedAt = new Date(Number(request.timestamp) * 1000);
  const age = now.getTime() - signedAt.getTime();
  if (age > REPLAY_WINDOW_MS) return { ok: false, problem: 'Timestamp too old (more than 5 minutes): the request is refused as a possible replay' };
  if (age < -REPLAY_WINDOW_MS) return { ok: false, problem: 'Timestamp more than 5 minutes in the future: check the clock of the sender' };
  return {
    ok: true,
    signedAt,
    requestKey: expected.toString('hex'),
    replayableUntil: new Date(signedAt.getTime() + REPLAY_WINDOW_MS),
  };
}
