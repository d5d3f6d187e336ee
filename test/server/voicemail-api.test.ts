// Voicemail and outbox routes against the real server (its own DATA_DIR, a real SMTP server on
// loopback): messages made through the store before the server starts, one of them cut by a
// "crash"; who may read what; e-mails sent exactly once, across a restart with one pending.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { setUpUsers, waitFor } from '../support/phone-pages.ts';
import { freePort, startServer, type RunningServer } from '../support/server.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { seedVoicemail } from '../support/voicemail-fixtures.ts';

interface Context {
  dataDir: string;
  smtp: TestSmtpServer;
  server: RunningServer;
  admin: ApiClient;
  alice: ApiClient;
  bob: ApiClient;
  /** Alice's two messages, Bob's one, Alice's interrupted one. */
  ids: { aliceOld: string; aliceNew: string; bob: string; interrupted: string; tooShort: string };
}

const test = suite<Context>('voicemail API');
const PASSWORDS = { '101': 'alice-secret', '102': 'bob-secret' };

test.before(async (ctx) => {
  ctx.dataDir = await mkdtemp(join(tmpdir(), 'switchboard-voicemail-api-'));
  const [aliceOld, aliceNew, bob, interrupted, tooShort] = await seedVoicemail(ctx.dataDir, [
    { boxId: 'vm-u101', callerName: 'Jean Dupont', callerNumber: '+33612345678', dialled: '+33100000101', startedAt: '2026-03-01T08:00:00.000Z', seconds: 3, toneHz: 500 },
    { boxId: 'vm-u101', callerName: 'Bob Durand', callerNumber: '102', dialled: '101', startedAt: '2026-03-02T09:30:00.000Z', seconds: 2, toneHz: 700 },
    { boxId: 'vm-u102', callerName: 'Alice Martin', callerNumber: '101', dialled: '102', startedAt: '2026-03-02T10:00:00.000Z', seconds: 2, toneHz: 900 },
    { boxId: 'vm-u101', callerName: 'Crash Caller', callerNumber: '+33699999999', dialled: '101', startedAt: '2026-03-03T11:00:00.000Z', seconds: 4, toneHz: 600, state: 'interrupted' },
    { boxId: 'vm-u101', callerName: 'Too Short', callerNumber: '+33688888888', dialled: '101', startedAt: '2026-03-03T12:00:00.000Z', seconds: 1, toneHz: 600, state: 'interrupted' },
  ]);
  ctx.ids = { aliceOld: aliceOld!, aliceNew: aliceNew!, bob: bob!, interrupted: interrupted!, tooShort: tooShort! };
  ctx.smtp = await startSmtpServer();
  ctx.server = await startServer({ dataDir: ctx.dataDir, env: { SMTP_URL: `smtp://127.0.0.1:${ctx.smtp.port}`, PUBLIC_URL: 'https://pbx.example', MAIL_FROM: 'PBX <pbx@pbx.example>' } });
  ctx.admin = new ApiClient(ctx.server.url);
  assert.is((await ctx.admin.loginAdmin(ctx.server.adminPassword)).status, 200);
  await setUpUsers(ctx.admin, PASSWORDS);
  ctx.alice = new ApiClient(ctx.server.url);
  ctx.bob = new ApiClient(ctx.server.url);
  assert.is((await ctx.alice.post('/api/phone/session', { extension: '101', password: PASSWORDS['101'] })).status, 200);
  assert.is((await ctx.bob.post('/api/phone/session', { extension: '102', password: PASSWORDS['102'] })).status, 200);
});

test.after(async (ctx) => {
  await ctx.server?.stop();
  await ctx.smtp?.close();
});

test('at start: the interrupted recording is repaired and kept, the too short one dropped; every message gets one e-mail', async ({ smtp, ids, server }) => {
  const mails = await smtp.waitForMessages(4);
  await new Promise((r) => setTimeout(r, 500));
  assert.is(smtp.messages.length, 4, 'one e-mail per message, none for the dropped one');
  const byTo = (address: string) => mails.filter((m) => m.to && 'text' in m.to && m.to.text === address).map((m) => m.subject).sort();
  assert.equal(byTo('alice@example.com'), ['New voicemail from Bob Durand (0:02)', 'New voicemail from Crash Caller (0:04)', 'New voicemail from Jean Dupont (0:03)']);
  assert.equal(byTo('bob@example.com'), ['New voicemail from Alice Martin (0:02)']);
  const crash = mails.find((m) => m.subject?.includes('Crash Caller'))!;
  assert.ok(crash.text!.includes('recovered after the PBX restarted'));
  assert.ok(crash.text!.includes(`https://pbx.example/phone/#voicemail/${ids.interrupted}`));
  assert.is(crash.attachments[0]!.contentType, 'audio/mpeg');
  assert.ok(server.output().includes('voicemail recovered'));
});

test('no session: 401 everywhere; a softphone user on admin routes: 403; an admin on the softphone routes: 403', async ({ server, alice, admin, ids }) => {
  const stranger = new ApiClient(server.url);
  const routes: [string, string][] = [
    ['GET', '/api/phone/voicemail'],
    ['GET', `/api/phone/voicemail/${ids.aliceNew}/audio`],
    ['POST', `/api/phone/voicemail/${ids.aliceNew}/heard`],
    ['DELETE', `/api/phone/voicemail/${ids.aliceNew}`],
    ['GET', '/api/voicemail/counts'],
    ['GET', '/api/voicemail/boxes/vm-u101/messages'],
    ['GET', `/api/voicemail/messages/${ids.aliceNew}/audio`],
    ['GET', '/api/outbox'],
    ['POST', '/api/outbox/retry'],
    ['GET', `/api/outbox/voicemail-${ids.aliceNew}`],
    ['GET', `/api/outbox/voicemail-${ids.aliceNew}/attachments/0`],
  ];
  for (const [method, path] of routes) assert.is((await stranger.request(method, path)).status, 401, `${method} ${path}`);
  for (const [method, path] of routes.filter(([, p]) => !p.startsWith('/api/phone'))) {
    assert.is((await alice.request(method, path)).status, 403, `user: ${method} ${path}`);
  }
  for (const [method, path] of routes.filter(([, p]) => p.startsWith('/api/phone'))) {
    assert.is((await admin.request(method, path)).status, 403, `admin: ${method} ${path}`);
  }
});

test('a user lists the own box: newest first, with counts', async ({ alice, ids }) => {
  const response = await alice.get('/api/phone/voicemail');
  assert.is(response.status, 200);
  assert.equal(response.body.box, { id: 'vm-u101', name: 'Alice Martin' });
  assert.equal(response.body.counts, { new: 3, heard: 0 });
  assert.equal(response.body.messages.map((m: { id: string }) => m.id), [ids.interrupted, ids.aliceNew, ids.aliceOld]);
  const [crash, fresh] = response.body.messages;
  assert.equal(fresh, {
    id: ids.aliceNew,
    boxId: 'vm-u101',
    callerName: 'Bob Durand',
    callerNumber: '102',
    dialled: '101',
    startedAt: '2026-03-02T09:30:00.000Z',
    durationMs: 2000,
    status: 'new',
    heardAt: null,
    recovered: false,
    audioUrl: `/api/phone/voicemail/${ids.aliceNew}/audio`,
  });
  assert.ok(crash.recovered);
  assert.ok(crash.durationMs > 3000 && crash.durationMs < 4000, `${crash.durationMs} ms kept of 4 s`);
});

test('audio: the Ogg file inline or as a download, nosniff, byte ranges', async ({ alice, server, ids, dataDir }) => {
  const path = `/api/phone/voicemail/${ids.aliceNew}/audio`;
  const response = await fetch(server.url + path, { headers: { cookie: alice.cookie } });
  assert.is(response.status, 200);
  assert.is(response.headers.get('content-type'), 'audio/ogg');
  assert.is(response.headers.get('x-content-type-options'), 'nosniff');
  assert.is(response.headers.get('content-disposition'), 'inline; filename="voicemail-20260302-0930-102.ogg"');
  const body = Buffer.from(await response.arrayBuffer());
  assert.ok(body.equals(await readFile(join(dataDir, 'voicemail', 'vm-u101', `${ids.aliceNew}.ogg`))));
  assert.is(body.subarray(0, 4).toString(), 'OggS');
  const download = await fetch(`${server.url}${path}?download=1`, { headers: { cookie: alice.cookie } });
  assert.is(download.headers.get('content-disposition'), 'attachment; filename="voicemail-20260302-0930-102.ogg"');
  await download.arrayBuffer();
  const range = await fetch(server.url + path, { headers: { cookie: alice.cookie, range: 'bytes=0-99' } });
  assert.is(range.status, 206, 'players seek with ranges');
  assert.is((await range.arrayBuffer()).byteLength, 100);
});

test("a user never reaches another user's messages: 404, and nothing changes", async ({ alice, bob, admin, ids }) => {
  for (const [method, path] of [
    ['GET', `/api/phone/voicemail/${ids.bob}/audio`],
    ['POST', `/api/phone/voicemail/${ids.bob}/heard`],
    ['DELETE', `/api/phone/voicemail/${ids.bob}`],
    ['GET', '/api/phone/voicemail/msg-does-not-exist/audio'],
    ['GET', '/api/phone/voicemail/..%2F..%2Fvoicemail%2Fmessages.json/audio'],
  ] as const) {
    const response = await alice.request(method, path);
    assert.is(response.status, 404, `${method} ${path}`);
    assert.not.ok(JSON.stringify(response.body).includes('Alice Martin'), 'nothing of the message shows');
  }
  assert.equal((await bob.get('/api/phone/voicemail')).body.counts, { new: 1, heard: 0 });
  assert.equal((await bob.get('/api/phone/voicemail')).body.messages.map((m: { id: string }) => m.id), [ids.bob]);
  assert.is((await bob.get(`/api/phone/voicemail/${ids.aliceNew}/audio`)).status, 404);
  assert.is((await admin.get(`/api/voicemail/messages/${ids.bob}/audio`)).status, 200);
});

test('heard and delete: counts follow; a deleted message is gone with its file', async ({ alice, ids, dataDir }) => {
  const heard = await alice.post(`/api/phone/voicemail/${ids.aliceOld}/heard`, {});
  assert.is(heard.status, 200);
  assert.is(heard.body.message.status, 'heard');
  assert.type(heard.body.message.heardAt, 'string');
  assert.equal(heard.body.counts, { new: 2, heard: 1 });
  const removed = await alice.delete(`/api/phone/voicemail/${ids.aliceNew}`);
  assert.is(removed.status, 200);
  assert.equal(removed.body.counts, { new: 1, heard: 1 });
  assert.not.ok(existsSync(join(dataDir, 'voicemail', 'vm-u101', `${ids.aliceNew}.ogg`)));
  assert.is((await alice.get(`/api/phone/voicemail/${ids.aliceNew}/audio`)).status, 404);
  assert.is((await alice.delete(`/api/phone/voicemail/${ids.aliceNew}`)).status, 404);
});

test('admin: counts of every box, a box’s messages, listening', async ({ admin, ids }) => {
  const counts = await admin.get('/api/voicemail/counts');
  assert.equal(counts.body.counts, { 'vm-u101': { new: 1, heard: 1 }, 'vm-u102': { new: 1, heard: 0 } });
  const box = await admin.get('/api/voicemail/boxes/vm-u101/messages');
  assert.equal(box.body.box, { id: 'vm-u101', name: 'Alice Martin' });
  assert.equal(box.body.messages.map((m: { id: string; audioUrl: string }) => [m.id, m.audioUrl]), [
    [ids.interrupted, `/api/voicemail/messages/${ids.interrupted}/audio`],
    [ids.aliceOld, `/api/voicemail/messages/${ids.aliceOld}/audio`],
  ]);
  const audio = await admin.request('GET', `/api/voicemail/messages/${ids.aliceOld}/audio?download=1`);
  assert.is(audio.headers.get('content-type'), 'audio/ogg');
  assert.match(audio.headers.get('content-disposition')!, /^attachment; filename="voicemail-20260301-0800-33612345678\.ogg"$/);
  assert.is((await admin.get('/api/voicemail/boxes/vm-nope/messages')).status, 404);
  assert.is((await admin.get('/api/voicemail/messages/msg-nope/audio')).status, 404);
});

test('admin outbox: the notices with status and attempts, one in full, its MP3', async ({ admin, ids }) => {
  const list = await admin.get('/api/outbox');
  assert.is(list.body.smtpConfigured, true);
  assert.is(list.body.notices.length, 4);
  const notice = list.body.notices.find((n: { id: string }) => n.id === `voicemail-${ids.aliceOld}`);
  assert.equal([notice.to, notice.status, notice.attempts, notice.lastError, notice.kind, notice.subjectId], ['alice@example.com', 'sent', 1, null, 'voicemail', ids.aliceOld]);
  assert.equal(notice.attachments, [
    { filename: 'voicemail-20260301-0800-33612345678.mp3', contentType: 'audio/mpeg', size: notice.attachments[0].size, index: 0, url: `/api/outbox/voicemail-${ids.aliceOld}/attachments/0` },
  ]);
  assert.not.ok('text' in notice, 'the list is light; the body comes with the notice');
  const full = await admin.get(`/api/outbox/voicemail-${ids.aliceOld}`);
  assert.ok(full.body.text.includes('Jean Dupont (+33612345678)'));
  assert.is(full.body.messageId, `<voicemail-${ids.aliceOld}@pbx.example>`);
  assert.match(full.body.smtpResponse, /^250/);
  const mp3 = await admin.request('GET', notice.attachments[0].url);
  assert.is(mp3.status, 200);
  assert.is(mp3.headers.get('content-type'), 'audio/mpeg');
  assert.is(mp3.headers.get('content-disposition'), 'inline; filename="voicemail-20260301-0800-33612345678.mp3"');
  assert.is((await admin.get(`/api/outbox/voicemail-${ids.aliceOld}/attachments/1`)).status, 404);
  assert.is((await admin.get('/api/outbox/voicemail-nope')).status, 404);
  assert.is((await admin.post('/api/outbox/retry', {})).status, 200);
});

test("Voicemail: No disables Alice's box: the softphone shows none, the messages stay; Yes brings them back", async ({ admin, alice, ids }) => {
  const setVoicemail = async (on: boolean) => {
    const user = (await admin.get('/api/draft/users')).body.find((u: { id: string }) => u.id === 'u101');
    assert.is((await admin.put('/api/draft/users/u101', { ...user, voicemail: on, password: '' })).status, 200);
    assert.is((await admin.post('/api/draft/apply')).status, 200);
  };
  await setVoicemail(false);
  const none = await alice.get('/api/phone/voicemail');
  assert.equal([none.body.box, none.body.messages, none.body.counts], [null, [], { new: 0, heard: 0 }]);
  assert.is((await alice.get(`/api/phone/voicemail/${ids.aliceOld}/audio`)).status, 404);
  assert.equal((await admin.get('/api/voicemail/counts')).body.counts['vm-u101'], { new: 1, heard: 1 }, 'kept');
  await setVoicemail(true);
  assert.is((await alice.get('/api/phone/voicemail')).body.messages.length, 2);
});

test('restart with a notice pending (SMTP down, then the PBX killed): delivered once by the next start', async (ctx) => {
  await ctx.server.stop();
  const before = ctx.smtp.messages.length;
  const [late] = await seedVoicemail(ctx.dataDir, [
    { boxId: 'vm-u102', callerName: 'Late Caller', callerNumber: '+33677777777', dialled: '102', startedAt: '2026-03-04T10:00:00.000Z', seconds: 2, toneHz: 800 },
  ]);
  const downPort = await freePort();
  const env = { SMTP_URL: `smtp://127.0.0.1:${downPort}`, PUBLIC_URL: 'https://pbx.example', MAIL_FROM: 'PBX <pbx@pbx.example>' };
  let server = await startServer({ dataDir: ctx.dataDir, env });
  const admin = new ApiClient(server.url);
  await admin.loginAdmin(server.adminPassword);
  const pending = await waitFor(
    'a failed attempt',
    async () => (await admin.get(`/api/outbox/voicemail-${late}`)).body,
    (notice) => notice?.attempts >= 1 && notice.lastError !== null,
  );
  assert.is(pending.status, 'pending');
  assert.match(pending.lastError, /ECONNREFUSED/);
  assert.type(pending.nextAttemptAt, 'string');
  await server.kill();
  const smtp = await startSmtpServer(downPort);
  try {
    server = await startServer({ dataDir: ctx.dataDir, env });
    await smtp.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 1000));
    assert.is(smtp.messages.length, 1, 'once');
    assert.is(smtp.messages[0]!.subject, 'New voicemail from Late Caller (0:02)');
    assert.is(ctx.smtp.messages.length, before, 'nothing sent again to the first server');
    const admin2 = new ApiClient(server.url);
    await admin2.loginAdmin(server.adminPassword);
    const sent = (await admin2.get(`/api/outbox/voicemail-${late}`)).body;
    assert.equal([sent.status, sent.attempts >= 2], ['sent', true]);
    assert.is((await admin2.get('/api/outbox')).body.notices.filter((n: { status: string }) => n.status === 'sent').length, 5);
  } finally {
    await server.stop();
    await smtp.close();
  }
  ctx.server = await startServer({ dataDir: ctx.dataDir, env: { PUBLIC_URL: 'https://pbx.example' } });
});

test.run();
