// Recording routes against the real server: asking the PBX to call an extension (who may, which
// extension, a user signed in nowhere), and uploading a browser recording, judged by its content.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../media/audio/wav.ts';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { OggOpusWriter } from '../../media/rtp/ogg-opus-writer.ts';
import { ApiClient } from '../support/api-client.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { join } from 'node:path';

interface Context {
  server: RunningServer;
  admin: ApiClient;
  alice: ApiClient;
  messageId: string;
}

const test = suite<Context>('audio message recording API');

/** Ogg Opus bytes as a browser's opus-recorder makes them: 20 ms packets of a tone. */
async function oggOpus(packets: Uint8Array[]): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const writer = new OggOpusWriter({ write: async (bytes) => chunks.push(bytes) }, { comments: { ENCODER: 'test' } });
  for (const packet of packets) writer.writePacket(packet);
  await writer.close();
  return Buffer.concat(chunks);
}

const tonePackets = (seconds: number) => encodeOpusClip(sineTone(440, seconds, 48_000, 0.3)).frames;

const upload = (client: ApiClient, id: string, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(`${client.baseUrl}/api/draft/audio-messages/${id}/recording`, {
    method: 'PUT',
    headers: { 'content-type': 'audio/ogg', cookie: client.cookie, ...headers },
    body: new Uint8Array(body),
  }).then(async (response) => ({ status: response.status, body: (await response.json().catch(() => null)) as any }));

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.admin = new ApiClient(ctx.server.url);
  await ctx.admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(ctx.admin, { '101': 'alice-secret' });
  const created = await ctx.admin.post('/api/draft/audio-messages', { name: 'Welcome' });
  assert.is(created.status, 201);
  ctx.messageId = created.body.entity.id;
  ctx.alice = new ApiClient(ctx.server.url);
  assert.is((await ctx.alice.post('/api/phone/session', { extension: '101', password: 'alice-secret' })).status, 200);
});

test.after(async (ctx) => {
  await ctx.server?.stop();
});

test('only admins may ask for a call or upload', async (ctx) => {
  const path = `/api/draft/audio-messages/${ctx.messageId}/phone-calls`;
  assert.is((await new ApiClient(ctx.server.url).post(path, { extension: '101' })).status, 401);
  const asUser = await ctx.alice.post(path, { extension: '101' });
  assert.is(asUser.status, 403);
  assert.is(asUser.body.error, 'Administrators only');
  assert.is((await upload(ctx.alice, ctx.messageId, await oggOpus(tonePackets(1)))).status, 403);
  assert.is((await upload(new ApiClient(ctx.server.url), ctx.messageId, await oggOpus(tonePackets(1)))).status, 401);
});

test('an unknown extension or message is 404, a malformed one 400; a user signed in nowhere is 409 saying so', async (ctx) => {
  const path = `/api/draft/audio-messages/${ctx.messageId}/phone-calls`;
  const unknown = await ctx.admin.post(path, { extension: '199' });
  assert.is(unknown.status, 404);
  assert.match(unknown.body.error, /No user has extension 199/);
  assert.is((await ctx.admin.post('/api/draft/audio-messages/am-nope/phone-calls', { extension: '101' })).status, 404);
  const malformed = await ctx.admin.post(path, { extension: 'abc' });
  assert.is(malformed.status, 400);
  assert.is(malformed.body.fields[0].field, 'extension');
  const offline = await ctx.admin.post(path, { extension: '101' });
  assert.is(offline.status, 409);
  assert.is(offline.body.reason, 'not-signed-in');
  assert.is(offline.body.error, 'Alice Martin (101) is not signed in on any softphone: sign in at /phone/ with extension 101 first');
  assert.is((await ctx.admin.get(`/api/draft/audio-messages/${ctx.messageId}/phone-calls/c-unknown`)).status, 404);
});

test('a browser recording (Ogg Opus, 20 ms frames) becomes the draft message\'s audio, kept packet for packet', async (ctx) => {
  const packets = tonePackets(2);
  const before = (await ctx.admin.get('/api/draft')).body.revision;
  const response = await upload(ctx.admin, ctx.messageId, await oggOpus(packets), { 'if-match': String(before) });
  assert.is(response.status, 200, JSON.stringify(response.body));
  assert.is(response.body.revision, before + 1);
  const { entity } = response.body;
  assert.is(entity.source, 'recording');
  assert.is(entity.durationMs, packets.length * 20);
  const draft = (await ctx.admin.get(`/api/draft/audio-messages/${ctx.messageId}`)).body;
  assert.is(draft.fileId, entity.fileId);
  const file = join(ctx.server.dataDir, 'audio', `${entity.fileId}.ogg`);
  assert.ok(existsSync(file));
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-ac', '1', '-ar', '48000', '-']);
  assert.ok(Math.abs(pcm.length / 4 / 48_000 - 2) < 0.1, `decodes to ${pcm.length / 4 / 48_000} s`);
  // A stale revision loses nothing and changes nothing.
  const stale = await upload(ctx.admin, ctx.messageId, await oggOpus(packets), { 'if-match': String(before) });
  assert.is(stale.status, 409);
  const changes = (await ctx.admin.get('/api/draft/changes')).body.changes;
  assert.ok(changes.some((c: { name: string }) => c.name === 'Welcome'));
});

test('anything else is refused by its content: 415 not Ogg Opus or not 20 ms frames, 422 empty or cut, 413 too large; the message keeps its audio', async (ctx) => {
  const kept = (await ctx.admin.get(`/api/draft/audio-messages/${ctx.messageId}`)).body.fileId;
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
  const notOgg = await upload(ctx.admin, ctx.messageId, png);
  assert.is(notOgg.status, 415);
  assert.match(notOgg.body.error, /Not an Ogg Opus recording/);
  // 60 ms SILK packets (TOC configuration 3): Ogg Opus, but not what the PBX plays frame by frame.
  const long = await upload(ctx.admin, ctx.messageId, await oggOpus(Array.from({ length: 50 }, () => new Uint8Array([3 << 3, 1, 2, 3]))));
  assert.is(long.status, 415);
  assert.match(long.body.error, /20 ms; this recording has 60 ms frames/);
  const empty = await upload(ctx.admin, ctx.messageId, await oggOpus([]));
  assert.is(empty.status, 422);
  assert.match(empty.body.error, /empty/);
  const whole = await oggOpus(tonePackets(2));
  const cut = await upload(ctx.admin, ctx.messageId, whole.subarray(0, whole.length - 100));
  assert.is(cut.status, 422);
  assert.match(cut.body.error, /cut short/);
  const huge = await upload(ctx.admin, ctx.messageId, Buffer.alloc(5 * 1024 * 1024 + 1));
  assert.is(huge.status, 413);
  assert.match(huge.body.error, /larger than 5 MB/);
  assert.is((await upload(ctx.admin, 'am-nope', whole)).status, 404);
  assert.is((await ctx.admin.get(`/api/draft/audio-messages/${ctx.messageId}`)).body.fileId, kept);
});

test.run();
