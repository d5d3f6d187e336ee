// Text messages through the API against the real server: the voices, what will happen to a text
// (detected language, override, accent), generation streamed with its progress, the audio served
// as Ogg only to admins, Save into the draft, Apply; and every refusal naming its field.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readOggOpus } from '../../media/rtp/ogg-opus-reader.ts';
import { ApiClient } from '../support/api-client.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';

interface Context {
  server: RunningServer;
  admin: ApiClient;
}

const test = suite<Context>('text messages API');

test.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.admin = new ApiClient(ctx.server.url);
  assert.is((await ctx.admin.loginAdmin(ctx.server.adminPassword)).status, 200);
});

test.after(async (ctx) => {
  await ctx.server?.stop();
});

interface StreamedLine {
  progress?: number;
  preview?: { fileId: string; durationMs: number; language: string; reading: string; audioUrl: string };
  error?: string;
}

/** POSTs to the previews route and reads the NDJSON lines as they come. */
async function generate(admin: ApiClient, body: object): Promise<{ status: number; type: string | null; lines: StreamedLine[] }> {
  const response = await fetch(`${admin.baseUrl}/api/text-to-speech/previews`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  const lines = response.ok ? text.trim().split('\n').map((line) => JSON.parse(line) as StreamedLine) : [JSON.parse(text)];
  return { status: response.status, type: response.headers.get('content-type'), lines };
}

test('voices: more than one per language, regional ones and female variants included', async ({ admin }) => {
  const { status, body } = await admin.get('/api/text-to-speech/voices');
  assert.is(status, 200);
  const voices = body.voices as { id: string; name: string; language: string; gender: string }[];
  for (const language of ['fr', 'en', 'es', 'de']) {
    const own = voices.filter((v) => v.language === language);
    assert.ok(own.length >= 2, `${language}: ${own.length} voices`);
    assert.ok(own.some((v) => v.gender === 'female') && own.some((v) => v.gender === 'male'), `${language}: male and female`);
  }
  const ids = voices.map((v) => v.id);
  for (const id of ['gmw/en-US', 'gmw/en', 'roa/es', 'roa/es-419', 'roa/fr', 'gmw/de', 'gmw/de+f3']) assert.ok(ids.includes(id), id);
  assert.equal(body.languages.map((l: { code: string }) => l.code), ['fr', 'en', 'es', 'de']);
});

test('plan: the detected language, the override, and the sentence saying what will happen', async ({ admin }) => {
  const same = await admin.post('/api/text-to-speech/plan', { text: 'Bonjour, nos bureaux sont fermés pour les vacances.', voice: 'roa/fr' });
  assert.is(same.status, 200);
  assert.equal(same.body, { voice: 'roa/fr', voiceLanguage: 'fr', detectedLanguage: 'fr', language: 'fr', accent: false, reading: 'French text, read by a French voice' });
  const accent = await admin.post('/api/text-to-speech/plan', { text: 'Thank you for calling, our offices are closed.', voice: 'roa/fr+f3' });
  assert.is(accent.body.detectedLanguage, 'en');
  assert.is(accent.body.reading, 'English text, read with a French accent');
  const overridden = await admin.post('/api/text-to-speech/plan', { text: 'Thank you for calling.', voice: 'gmw/de', language: 'es' });
  assert.is(overridden.body.detectedLanguage, 'en');
  assert.is(overridden.body.language, 'es');
  assert.is(overridden.body.reading, 'Spanish text, read with a German accent');
  const noWords = await admin.post('/api/text-to-speech/plan', { text: '1234', voice: 'roa/es' });
  assert.equal([noWords.body.detectedLanguage, noWords.body.language], [null, 'es']);
});

test('bad input is refused with the field named; generation needs an admin', async ({ admin, server }) => {
  const unknownVoice = await admin.post('/api/text-to-speech/plan', { text: 'Hello', voice: 'klingon' });
  assert.is(unknownVoice.status, 400);
  assert.equal(unknownVoice.body.fields.map((f: { field: string }) => f.field), ['voice']);
  const tooLong = await generate(admin, { text: 'a'.repeat(5001), voice: 'gmw/en' });
  assert.is(tooLong.status, 400);
  assert.match(JSON.stringify(tooLong.lines[0]), /at most 5000 characters/);
  const empty = await generate(admin, { text: ' . ', voice: 'gmw/en' });
  assert.is(empty.status, 400);
  assert.is((await admin.post('/api/text-to-speech/plan', { text: 'Hi', voice: 'gmw/en', language: 'it' })).status, 400);
  assert.is((await new ApiClient(server.url).post('/api/text-to-speech/plan', { text: 'Hi', voice: 'gmw/en' })).status, 401);
  await setUpUsers(admin, { '101': 'alice-secret' });
  const alice = new ApiClient(server.url);
  await alice.post('/api/phone/session', { extension: '101', password: 'alice-secret' });
  assert.is((await alice.get('/api/text-to-speech/voices')).status, 403);
});

test('generate streams progress, then a preview served as Ogg Opus; Save puts it into the draft with the chosen language; Apply publishes it', async ({ admin, server }) => {
  const text = 'Hello and welcome. Our offices are open from nine to five. Please hold the line. Thank you for calling.';
  // The admin chose the language (detection would find English too): the choice is kept with the message.
  const { status, type, lines } = await generate(admin, { text, voice: 'roa/fr+f3', language: 'en' });
  assert.is(status, 200);
  assert.match(type ?? '', /application\/x-ndjson/);
  const progress = lines.filter((l) => l.progress !== undefined).map((l) => l.progress!);
  assert.ok(progress.length >= 4, `progress lines: ${JSON.stringify(progress)}`);
  assert.ok(progress.every((p, i) => i === 0 || p > progress[i - 1]!), 'progress only grows');
  const preview = lines.at(-1)!.preview!;
  assert.ok(preview, JSON.stringify(lines.at(-1)));
  assert.is(preview.language, 'en');
  assert.is(preview.reading, 'English text, read with a French accent');
  assert.ok(preview.durationMs > 5000 && preview.durationMs < 15000, `${preview.durationMs} ms`);

  const audio = await fetch(`${server.url}${preview.audioUrl}`, { headers: { cookie: admin.cookie } });
  assert.is(audio.status, 200);
  assert.is(audio.headers.get('content-type'), 'audio/ogg');
  assert.is(audio.headers.get('x-content-type-options'), 'nosniff');
  const ogg = readOggOpus(new Uint8Array(await audio.arrayBuffer()));
  assert.is(ogg.packets.length * 20, preview.durationMs);
  assert.is((await fetch(`${server.url}${preview.audioUrl}`)).status, 401, 'no session, no audio');
  assert.is((await admin.get('/api/audio/..%2Fproduction')).status, 404);
  assert.is((await admin.get('/api/audio/no-such-file')).status, 404);

  const created = await admin.post('/api/draft/audio-messages', { name: 'Welcome' });
  const id = created.body.entity.id as string;
  const saved = await admin.put(`/api/draft/audio-messages/${id}/text`, { fileId: preview.fileId }, { 'if-match': String(created.body.revision) });
  assert.is(saved.status, 200);
  assert.equal(saved.body.entity, { id, name: 'Welcome', source: 'text', voice: 'roa/fr+f3', text, textLanguage: 'en', fileId: preview.fileId, durationMs: preview.durationMs });
  assert.is((await admin.put(`/api/draft/audio-messages/${id}/text`, { fileId: 'made-up' })).status, 409);
  assert.is((await admin.put('/api/draft/audio-messages/am-none/text', { fileId: preview.fileId })).status, 404);
  assert.is((await admin.put(`/api/draft/audio-messages/${id}/text`, { fileId: preview.fileId }, { 'if-match': String(created.body.revision) })).status, 409, 'a stale revision is refused');
  assert.is((await admin.post('/api/draft/apply')).status, 200);
  const production = await admin.get('/api/production');
  assert.is(production.body.config.audioMessages[0].fileId, preview.fileId);
});

test.run();
