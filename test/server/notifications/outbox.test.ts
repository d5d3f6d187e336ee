// The outbox with a scripted transport (what each attempt does is decided by the test) and with a
// real SMTP server on loopback: down then up, a connection cut mid-message, a restart.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  NOT_CONFIGURED,
  Outbox,
  PermanentMailError,
  retryDelay,
  smtpTransport,
  type MailTransport,
  type Notice,
  type OutgoingMail,
} from '../../../server/notifications/outbox.ts';
import { freePort } from '../../support/server.ts';
import { startCuttingProxy, startSmtpServer } from '../../support/smtp.ts';

const test = suite('notifications/outbox');
const dirs: string[] = [];
const logger = pino({ level: 'silent' });
/** Fast retries for tests: 30 ms doubling to 120 ms. */
const FAST = { firstDelayMs: 30, maxDelayMs: 120 };

test.after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-outbox-'));
  dirs.push(dir);
  return dir;
}

/** A transport whose attempts follow a script: 'ok', an Error to throw, or a permanent refusal. */
function scriptedTransport(script: ('ok' | 'fail' | 'permanent')[]) {
  const attempts: { at: number; mail: OutgoingMail }[] = [];
  const transport: MailTransport = {
    async send(mail) {
      attempts.push({ at: performance.now(), mail });
      const step = script[Math.min(attempts.length - 1, script.length - 1)];
      if (step === 'fail') throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      if (step === 'permanent') throw new PermanentMailError('550 5.1.1 No such user');
      return { response: '250 OK queued' };
    },
  };
  return { transport, attempts };
}

async function until<T>(what: string, read: () => T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const voicemailNotice = (id = 'voicemail-msg-1') => ({
  id,
  kind: 'voicemail',
  subjectId: 'msg-1',
  to: 'alice@example.com',
  subject: 'New voicemail from Jean Dupont (0:42)',
  text: 'You have a new voicemail message.',
  attachments: [{ filename: 'voicemail.mp3', contentType: 'audio/mpeg', content: new Uint8Array([0xff, 0xf3, 1, 2, 3]) }],
});

const onDisk = async (dir: string, id: string): Promise<Notice> => JSON.parse(await readFile(join(dir, 'outbox', `${id}.json`), 'utf8'));

test('retry delays: 5 s doubling to 5 min', () => {
  assert.equal([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelay(n) / 1000), [5, 10, 20, 40, 80, 160, 300, 300, 300]);
});

test('enqueue: attachments then the notice file; asking twice makes one notice', async () => {
  const dir = await freshDir();
  const outbox = await Outbox.open(dir, { transport: null, from: 'Switchboard <pbx@switchboard.example>', logger });
  const notice = await outbox.enqueue(voicemailNotice());
  assert.is(notice.status, 'pending');
  assert.is(notice.messageId, '<voicemail-msg-1@switchboard.example>');
  assert.equal(notice.attachments, [{ filename: 'voicemail.mp3', contentType: 'audio/mpeg', file: '1.mp3', size: 5 }]);
  assert.equal(await onDisk(dir, notice.id), notice);
  const { path } = outbox.attachmentPath(notice.id, 0);
  assert.equal([...(await readFile(path))], [0xff, 0xf3, 1, 2, 3]);
  const again = await outbox.enqueue({ ...voicemailNotice(), subject: 'something else' });
  assert.equal(again, notice);
  assert.equal(outbox.list().map((n) => n.id), ['voicemail-msg-1']);
  assert.throws(() => outbox.attachmentPath(notice.id, 1));
  await outbox.enqueue(voicemailNotice('../escape')).then(
    () => assert.unreachable('ids are plain names'),
    () => undefined,
  );
  await outbox.close();
});

test('no SMTP server configured: notices wait, saying so; a later start with one delivers them once', async () => {
  const dir = await freshDir();
  const waiting = await Outbox.open(dir, { transport: null, from: 'pbx@localhost', logger });
  assert.not.ok(waiting.smtpConfigured);
  await waiting.enqueue(voicemailNotice());
  await new Promise((r) => setTimeout(r, 50));
  const notice = waiting.get('voicemail-msg-1')!;
  assert.equal([notice.status, notice.attempts, notice.lastError], ['pending', 0, NOT_CONFIGURED]);
  await waiting.close();

  const { transport, attempts } = scriptedTransport(['ok']);
  const sending = await Outbox.open(dir, { transport, from: 'pbx@localhost', logger, retry: FAST });
  await until('sent', () => sending.get('voicemail-msg-1')!.status, (s) => s === 'sent');
  await new Promise((r) => setTimeout(r, 100));
  assert.is(attempts.length, 1);
  assert.is((await onDisk(dir, 'voicemail-msg-1')).status, 'sent');
  await sending.close();
});

test('failures retry with growing delays, the same Message-ID and Date each time, then it is sent once', async () => {
  const dir = await freshDir();
  const { transport, attempts } = scriptedTransport(['fail', 'fail', 'fail', 'fail', 'ok']);
  const outbox = await Outbox.open(dir, { transport, from: 'pbx@localhost', logger, retry: FAST });
  await outbox.enqueue(voicemailNotice());
  const sent = await until('sent', () => outbox.get('voicemail-msg-1')!, (n) => n.status === 'sent');
  assert.is(sent.attempts, 5);
  assert.is(sent.lastError, null);
  assert.is(sent.smtpResponse, '250 OK queued');
  assert.type(sent.sentAt, 'string');
  const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
  // 30, 60, 120, 120 ms: timers fire late on a busy machine, never early.
  for (const [i, expected] of [30, 60, 120, 120].entries()) assert.ok(gaps[i]! >= expected - 2 && gaps[i]! < expected + 400, `gap ${i}: ${gaps[i]} ms for ${expected}`);
  assert.is(new Set(attempts.map((a) => a.mail.messageId)).size, 1);
  assert.is(new Set(attempts.map((a) => a.mail.date.toISOString())).size, 1);
  assert.equal(attempts[0]!.mail.headers, { 'X-Switchboard-Notice': 'voicemail-msg-1' });
  outbox.retryAll();
  await new Promise((r) => setTimeout(r, 100));
  assert.is(attempts.length, 5, 'a sent notice is never sent again');
  await outbox.close();
});

test('a permanent refusal (5xx) stops the retries; so does age', async () => {
  const dir = await freshDir();
  const refused = scriptedTransport(['permanent']);
  const outbox = await Outbox.open(dir, { transport: refused.transport, from: 'pbx@localhost', logger, retry: FAST });
  await outbox.enqueue(voicemailNotice());
  const failed = await until('failed', () => outbox.get('voicemail-msg-1')!, (n) => n.status === 'failed');
  assert.match(failed.lastError!, /550/);
  await new Promise((r) => setTimeout(r, 150));
  assert.is(refused.attempts.length, 1);
  await outbox.close();

  let clock = Date.parse('2026-03-02T10:00:00Z');
  const down = scriptedTransport(['fail']);
  const old = await Outbox.open(await freshDir(), { transport: down.transport, from: 'pbx@localhost', logger, retry: { ...FAST, giveUpAfterMs: 24 * 3600_000 }, now: () => new Date(clock) });
  await old.enqueue(voicemailNotice());
  await until('first attempt', () => down.attempts.length, (n) => n >= 1);
  assert.is(old.get('voicemail-msg-1')!.status, 'pending', 'still trying within 24 h');
  clock += 24 * 3600_000 + 1;
  await until('given up', () => old.get('voicemail-msg-1')!.status, (s) => s === 'failed', 5000);
  await old.close();
});

test('start-up: unreadable notices are left aside, half-written attachment folders removed, old sent notices purged', async () => {
  const dir = await freshDir();
  await mkdir(join(dir, 'outbox', 'voicemail-orphan'), { recursive: true });
  await writeFile(join(dir, 'outbox', 'voicemail-orphan', '1.mp3'), 'partial');
  await writeFile(join(dir, 'outbox', 'broken.json'), '{"id": "broken"');
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const first = await Outbox.open(dir, { transport: scriptedTransport(['ok']).transport, from: 'pbx@localhost', logger, now: () => new Date(clock) });
  assert.not.ok(existsSync(join(dir, 'outbox', 'voicemail-orphan')));
  await first.enqueue(voicemailNotice('voicemail-old'));
  await until('sent', () => first.get('voicemail-old')!.status, (s) => s === 'sent');
  await first.close();
  clock += 31 * 24 * 3600_000;
  const later = await Outbox.open(dir, { transport: null, from: 'pbx@localhost', logger, now: () => new Date(clock) });
  assert.equal(later.list(), []);
  assert.equal((await readdir(join(dir, 'outbox'))).sort(), ['broken.json']);
  await later.close();
});

// --- a real SMTP server ---

test('SMTP down for a while, then up: exactly one e-mail', async () => {
  const dir = await freshDir();
  const port = await freePort();
  const outbox = await Outbox.open(dir, { transport: smtpTransport(`smtp://127.0.0.1:${port}`), from: 'Switchboard <pbx@switchboard.example>', logger, retry: FAST });
  await outbox.enqueue(voicemailNotice());
  await until('three failed attempts', () => outbox.get('voicemail-msg-1')!.attempts, (n) => n >= 3);
  assert.match(outbox.get('voicemail-msg-1')!.lastError!, /ECONNREFUSED/);
  const smtp = await startSmtpServer(port);
  try {
    await until('sent', () => outbox.get('voicemail-msg-1')!.status, (s) => s === 'sent');
    await new Promise((r) => setTimeout(r, 400));
    assert.is(smtp.messages.length, 1);
    const mail = smtp.messages[0]!;
    assert.is(mail.messageId, '<voicemail-msg-1@switchboard.example>');
    assert.is(mail.subject, 'New voicemail from Jean Dupont (0:42)');
    assert.equal(mail.attachments.map((a) => [a.filename, a.contentType, [...a.content]]), [['voicemail.mp3', 'audio/mpeg', [0xff, 0xf3, 1, 2, 3]]]);
  } finally {
    await outbox.close();
    await smtp.close();
  }
});

test('the connection drops in the middle of the message: retried, arrives once', async () => {
  const dir = await freshDir();
  const smtp = await startSmtpServer();
  // Past the envelope, inside the base64 of the attachment.
  const proxy = await startCuttingProxy(smtp.port, { cutConnections: 1, afterBytes: 600 });
  const outbox = await Outbox.open(dir, { transport: smtpTransport(`smtp://127.0.0.1:${proxy.port}`), from: 'pbx@localhost', logger, retry: FAST });
  try {
    await outbox.enqueue({ ...voicemailNotice(), attachments: [{ filename: 'voicemail.mp3', contentType: 'audio/mpeg', content: new Uint8Array(20_000).fill(7) }] });
    const sent = await until('sent', () => outbox.get('voicemail-msg-1')!, (n) => n.status === 'sent');
    await new Promise((r) => setTimeout(r, 400));
    assert.is(proxy.cuts(), 1);
    assert.is(sent.attempts, 2);
    assert.is(smtp.connections(), 2);
    assert.is(smtp.messages.length, 1, 'the cut message was never accepted; the retry was');
    assert.is(smtp.messages[0]!.attachments[0]!.content.length, 20_000);
  } finally {
    await outbox.close();
    await proxy.close();
    await smtp.close();
  }
});

test('a restart with a notice pending: delivered once, by the new process', async () => {
  const dir = await freshDir();
  const port = await freePort();
  const before = await Outbox.open(dir, { transport: smtpTransport(`smtp://127.0.0.1:${port}`), from: 'pbx@localhost', logger, retry: { firstDelayMs: 60_000 } });
  await before.enqueue(voicemailNotice());
  await until('an attempt', () => before.get('voicemail-msg-1')!.attempts, (n) => n >= 1);
  await before.close();
  const smtp = await startSmtpServer(port);
  const after = await Outbox.open(dir, { transport: smtpTransport(`smtp://127.0.0.1:${port}`), from: 'pbx@localhost', logger, retry: { firstDelayMs: 60_000 } });
  try {
    // Due again only in a minute, but a start tries everything pending at once.
    const sent = await until('sent', () => after.get('voicemail-msg-1')!, (n) => n.status === 'sent', 5000);
    assert.is(sent.attempts, 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.is(smtp.messages.length, 1);
  } finally {
    await after.close();
    await smtp.close();
  }
});

test.run();
