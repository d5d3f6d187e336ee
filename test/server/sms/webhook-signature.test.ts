// The webhook's signature: HMAC-SHA256 over "<timestamp>.<raw body>" as openssl computes it, and
// every way a request is refused (missing, malformed, wrong, stale, from the future).
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSmsWebhookSignature, REPLAY_WINDOW_MS, signSmsWebhook } from '../../../server/sms/webhook-signature.ts';

const test = suite('sms/webhook-signature');
const SECRET = 'shared-secret-0123456789';
const BODY = Buffer.from('{"from":"+33612345678","to":"+33100000101","text":"Hé 😀"}');
const AT = 1_790_000_000;
const now = new Date(AT * 1000);

test('the signature is what openssl gives for the documented recipe', () => {
  const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', SECRET, '-hex'], { input: Buffer.concat([Buffer.from(`${AT}.`), BODY]) })
    .toString()
    .trim()
    .replace(/^.*= /, '');
  assert.is(signSmsWebhook(SECRET, AT, BODY), `sha256=${openssl}`);
});

test('a good request passes; its key is its signature, replayable until 5 minutes after signing', () => {
  const signature = signSmsWebhook(SECRET, AT, BODY);
  const check = checkSmsWebhookSignature(SECRET, { timestamp: String(AT), signature, rawBody: BODY }, new Date(now.getTime() + 60_000));
  assert.ok(check.ok);
  if (!check.ok) return;
  assert.is(check.requestKey, signature.slice(7));
  assert.is(check.replayableUntil.getTime(), AT * 1000 + REPLAY_WINDOW_MS);
  assert.ok(checkSmsWebhookSignature(SECRET, { timestamp: String(AT), signature: signature.toUpperCase().replace('SHA256=', 'sha256='), rawBody: BODY }, now).ok, 'hex in capitals too');
});

test('refusals say why', () => {
  const signature = signSmsWebhook(SECRET, AT, BODY);
  const problem = (request: { timestamp?: string; signature?: string; rawBody?: Uint8Array }, at = now) => {
    const check = checkSmsWebhookSignature(SECRET, { timestamp: String(AT), signature, rawBody: BODY, ...request }, at);
    return check.ok ? 'accepted' : check.problem;
  };
  assert.match(problem({ timestamp: '' }), /Missing X-Switchboard-Timestamp/);
  assert.match(problem({ signature: '' }), /Missing X-Switchboard-Signature/);
  assert.match(problem({ timestamp: '12.5' }), /Unix time in seconds/);
  assert.match(problem({ signature: signature.slice(7) }), /sha256= followed by 64 hex digits/);
  assert.match(problem({ signature: `${signature}00` }), /sha256= followed by 64 hex digits/);
  assert.is(problem({ signature: signSmsWebhook('another-secret-000000', AT, BODY) }), 'Bad signature');
  assert.is(problem({ rawBody: Buffer.from(BODY.toString().replace('Hé', 'He')) }), 'Bad signature');
  assert.is(problem({ timestamp: String(AT + 1) }), 'Bad signature');
  assert.is(problem({}, new Date(now.getTime() + REPLAY_WINDOW_MS)), 'accepted', 'exactly 5 minutes old');
  assert.match(problem({}, new Date(now.getTime() + REPLAY_WINDOW_MS + 1000)), /Timestamp too old/);
  assert.match(problem({}, new Date(now.getTime() - REPLAY_WINDOW_MS - 1000)), /in the future/);
});

test.run();
