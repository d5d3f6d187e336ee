// A carrier adapter as the tests play it: POSTs an SMS to the webhook, signed with the shared
// secret the way docs/API.md says (HMAC-SHA256 over "<timestamp>.<raw body>"), or signed wrongly.
import { signSmsWebhook } from '../../server/sms/webhook-signature.ts';

export interface WebhookOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead. */
  secret?: string;
  /** Send this signature header instead of the right one; null: none. */
  signature?: string | null;
  /** null: no timestamp header. */
  timestampHeader?: string | null;
  contentType?: string | null;
  /** Sign this body but send `body` (a body changed on the way). */
  signedBody?: string;
}

export interface WebhookAnswer {
  status: number;
  body: any;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A request ready to send, so a test can send the very same one again (a replay). */
export interface SignedSmsRequest {
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** `body`: an object sent as JSON, or a string or bytes sent as they are. */
export function signedSmsRequest(secret: string, body: unknown, options: WebhookOptions = {}): SignedSmsRequest {
  const raw = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? nowSeconds();
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'application/json';
  if (options.timestampHeader !== null) headers['X-Switchboard-Timestamp'] = options.timestampHeader ?? String(timestamp);
  const signature = options.signature === undefined ? signSmsWebhook(options.secret ?? secret, timestamp, options.signedBody ?? raw) : options.signature;
  if (signature !== null) headers['X-Switchboard-Signature'] = signature;
  return { headers, body: raw };
}

export async function postSignedSms(baseUrl: string, request: SignedSmsRequest): Promise<WebhookAnswer> {
  const response = await fetch(`${baseUrl}/api/sms/inbound`, { method: 'POST', headers: request.headers, body: typeof request.body === 'string' ? request.body : Buffer.from(request.body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

export function sendSms(baseUrl: string, secret: string, body: unknown, options: WebhookOptions = {}): Promise<WebhookAnswer> {
  return postSignedSms(baseUrl, signedSmsRequest(secret, body, options));
}
