// Audio uploads through the real server: the music on hold and an audio message's audio, as the
// portal sends them (multipart/form-data). Good MP3 and WAV files are taken and stored as Ogg Opus;
// a PNG named .mp3 (415), a cut MP3 and an empty file (422) and a file over the limit (413,
// stopped early) are refused, and after each refusal the draft and the stored files are unchanged.
import { request as httpRequest } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { mp3File, pngFile, tone, wavFile } from '../support/audio-files.ts';
import { waitFor } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';

interface Context {
  server: RunningServer;
  admin: ApiClient;
}
const uploads = suite<Context>('audio uploads API');
/** A small limit, so that "too large" needs only a little over 1 MB. */
const LIMIT_MB = 1;

uploads.before(async (context) => {
  context.server = await startServer({ env: { AUDIO_UPLOAD_MAX_MB: String(LIMIT_MB) } });
  context.admin = new ApiClient(context.server.url);
  assert.is((await context.admin.loginAdmin(context.server.adminPassword)).status, 200);
});
uploads.after(async ({ server }) => server?.stop());

async function upload(admin: ApiClient, path: string, bytes: Uint8Array, filename: string, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'audio/mpeg' }), filename);
  const response = await fetch(admin.baseUrl + path, { method: 'POST', body: form, headers: { cookie: admin.cookie, ...headers } });
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
}

/** What must not change when an upload is refused: the draft file, production, and the stored audio. */
async function snapshot(server: RunningServer): Promise<string> {
  const files = await Promise.all(['production.json', 'draft.json'].map((f) => readFile(join(server.dataDir, f), 'utf8')));
  const audio = await readdir(join(server.dataDir, 'audio')).catch(() => []);
  const pending = await readdir(join(server.dataDir, 'uploads')).catch(() => []);
  return JSON.stringify({ files, audio: audio.sort(), pending });
}

uploads('no session: 401, and the file is not read', async ({ server }) => {
  const stranger = new ApiClient(server.url);
  assert.is((await upload(stranger, '/api/draft/music-on-hold', mp3File(tone(440, 1, 44100)), 'x.mp3')).status, 401);
});

uploads('an MP3 becomes the draft music on hold; its file is served as audio/ogg; Apply puts it in force', async ({ server, admin }) => {
  const mp3 = mp3File(tone(600, 4, 44100), { stereo: true });
  const before = (await admin.get('/api/draft')).body;
  const response = await upload(admin, '/api/draft/music-on-hold', mp3, 'Calm piano.mp3', { 'If-Match': String(before.revision) });
  assert.is(response.status, 200, JSON.stringify(response.body));
  const { musicOnHold } = response.body;
  assert.is(musicOnHold.type, 'upload');
  assert.is(musicOnHold.name, 'Calm piano.mp3');
  assert.ok(Math.abs(musicOnHold.durationMs - 4000) <= 40, `duration ${musicOnHold.durationMs}`);
  assert.is(response.body.description, 'MP3, 44.1 kHz stereo, 128 kb/s');
  assert.is(response.body.revision, before.revision + 1);
  assert.equal((await admin.get('/api/draft')).body.config.musicOnHold, musicOnHold);
  const changes = (await admin.get('/api/draft/changes')).body.changes;
  assert.equal(changes, [{ kind: 'changed', what: 'Music on hold', name: 'Music on hold', details: ['default music → Calm piano.mp3'] }]);

  const file = await fetch(`${server.url}/api/draft/music-on-hold/audio`, { headers: { cookie: admin.cookie } });
  assert.is(file.status, 200);
  assert.is(file.headers.get('content-type'), 'audio/ogg');
  assert.is(file.headers.get('x-content-type-options'), 'nosniff');
  assert.match(file.headers.get('content-disposition') ?? '', /^inline/);
  assert.is(Buffer.from(await file.arrayBuffer()).subarray(0, 4).toString('latin1'), 'OggS');

  assert.is((await admin.post('/api/draft/apply')).status, 200);
  const status = await waitFor('the new music in force', async () => (await admin.get('/api/status')).body.music, (m) => m.holdMusicFileId === musicOnHold.fileId);
  assert.is(status.holdMusicFileId, musicOnHold.fileId);
});

uploads('a WAV replaces it in the draft (the music in force stays until Apply)', async ({ admin }) => {
  const inForce = (await admin.get('/api/status')).body.music.holdMusicFileId;
  const response = await upload(admin, '/api/draft/music-on-hold', wavFile(tone(800, 2, 22050), 22050, { channels: 2 }), 'chime.wav');
  assert.is(response.status, 200, JSON.stringify(response.body));
  assert.is(response.body.description, 'WAV, 16-bit PCM, 22.05 kHz stereo');
  assert.is.not(response.body.musicOnHold.fileId, inForce);
  assert.is((await admin.get('/api/status')).body.music.holdMusicFileId, inForce);
});

uploads('refused files change nothing: PNG named .mp3 (415), cut MP3 and empty file (422), with the reason', async ({ server, admin }) => {
  const mp3 = mp3File(tone(440, 3, 44100));
  const cases: [Uint8Array, string, number, RegExp][] = [
    [pngFile(), 'music.mp3', 415, /^The file is a PNG image, not MP3 or WAV\.$/],
    [mp3.subarray(0, Math.round(mp3.length * 0.55)), 'cut.mp3', 422, /^The MP3 file is truncated: it ends in the middle of frame/],
    [new Uint8Array(0), 'empty.wav', 422, /^The file is empty\.$/],
    [wavFile(tone(440, 2, 8000), 8000).subarray(0, 5000), 'cut.wav', 422, /^The WAV file is truncated/],
  ];
  for (const path of ['/api/draft/music-on-hold', '/api/draft/audio-messages/am-none/upload']) {
    for (const [bytes, name, status, message] of cases) {
      const before = await snapshot(server);
      const response = await upload(admin, path, bytes, name);
      if (path.includes('am-none')) {
        assert.is(response.status, 404, 'an unknown message is refused before its file is read');
        continue;
      }
      assert.is(response.status, status, `${name}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.error, message);
      assert.is(await snapshot(server), before, `${name}: nothing changed`);
    }
  }
});

uploads('over the limit: refused at once when announced, and cut off as soon as it passes the limit when streamed', async ({ server, admin }) => {
  const before = await snapshot(server);
  const big = wavFile(tone(440, 14, 48000), 48000); // 1.3 MB
  const announced = await upload(admin, '/api/draft/music-on-hold', big, 'big.wav');
  assert.is(announced.status, 413);
  assert.is(announced.body.error, 'The file is larger than the limit of 1 MB.');
  assert.is(await snapshot(server), before);

  // Streamed without a length (chunked), slowly: the answer comes while the sender is still sending.
  const boundary = 'switchboard-test-boundary';
  const result = await new Promise<{ status: number; body: string; sentWhenAnswered: number }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpRequest(
      `${server.url}/api/draft/music-on-hold`,
      { method: 'POST', headers: { cookie: admin.cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } },
      (response) => {
        answered = true;
        const sentWhenAnswered = sent;
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body, sentWhenAnswered }));
      },
    );
    request.on('error', (error) => (answered ? undefined : reject(error)));
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endless.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 1);
    const sendMore = () => {
      if (answered || sent > 20_000_000) return void request.end();
      sent += chunk.length;
      request.write(chunk, () => setTimeout(sendMore, 2));
    };
    sendMore();
  });
  assert.is(result.status, 413);
  assert.is(JSON.parse(result.body).error, 'The file is larger than the limit of 1 MB.');
  assert.ok(result.sentWhenAnswered < 3_000_000, `answered after ${result.sentWhenAnswered} bytes, not at the end`);
  assert.is(await snapshot(server), before, 'nothing kept, not even the part received');
});

uploads('a stale If-Match is refused (409) before the file is read', async ({ server, admin }) => {
  const before = await snapshot(server);
  const response = await upload(admin, '/api/draft/music-on-hold', mp3File(tone(440, 1, 44100)), 'x.mp3', { 'If-Match': '1' });
  assert.is(response.status, 409);
  assert.is(await snapshot(server), before);
});

uploads('a JSON body is not an upload: 415', async ({ admin }) => {
  const response = await admin.post('/api/draft/music-on-hold', { file: 'music.mp3' });
  assert.is(response.status, 415);
  assert.match(response.body.error, /multipart\/form-data/);
});

uploads('an audio message gets its audio from a WAV: source upload, file, length; a PNG leaves it as it was', async ({ server, admin }) => {
  const created = await admin.post('/api/draft/audio-messages', { name: 'Welcome' });
  assert.is(created.status, 201);
  const id = created.body.entity.id as string;
  const before = await snapshot(server);
  const png = await upload(admin, `/api/draft/audio-messages/${id}/upload`, pngFile(), 'welcome.wav');
  assert.is(png.status, 415);
  assert.is(await snapshot(server), before);
  const response = await upload(admin, `/api/draft/audio-messages/${id}/upload`, wavFile(tone(500, 3, 16000), 16000), 'welcome.wav');
  assert.is(response.status, 200, JSON.stringify(response.body));
  const entity = response.body.entity;
  assert.is(entity.source, 'upload');
  assert.ok(entity.fileId);
  assert.ok(Math.abs(entity.durationMs - 3000) <= 40);
  assert.equal((await admin.get(`/api/draft/audio-messages/${id}`)).body, entity);
});

uploads('waiting music: a repeated message must exist and have audio; once applied its loop is rendered once', async ({ admin }) => {
  const silent = await admin.post('/api/draft/audio-messages', { name: 'Please hold' });
  const messageId = silent.body.entity.id as string;
  const numbers = (await admin.get('/api/draft/incoming-numbers')).body as any[];
  const main = numbers[0];
  const whileRinging = { type: 'music-on-hold', repeatedMessageId: messageId, repeatAfterSeconds: 15 };
  const saved = await admin.put(`/api/draft/incoming-numbers/${main.id}`, { ...main, whileRinging });
  assert.is(saved.status, 200, JSON.stringify(saved.body));
  const refused = await admin.post('/api/draft/apply');
  assert.is(refused.status, 422);
  assert.ok(
    refused.body.problems.some((p: any) => p.path === `incomingNumbers/${main.id}/whileRinging/repeatedMessageId` && /Please hold over its waiting music, but that message has no audio yet/.test(p.message)),
    JSON.stringify(refused.body.problems),
  );
  const tooShort = await admin.put(`/api/draft/incoming-numbers/${main.id}`, { ...main, whileRinging: { ...whileRinging, repeatAfterSeconds: 2 } });
  assert.is(tooShort.status, 400);
  assert.is(tooShort.body.fields[0].field, 'whileRinging.repeatAfterSeconds');

  assert.is((await upload(admin, `/api/draft/audio-messages/${messageId}/upload`, wavFile(tone(300, 2, 8000), 8000), 'hold.wav')).status, 200);
  const changes = (await admin.get('/api/draft/changes')).body.changes;
  const numberChange = changes.find((c: any) => c.what === 'Incoming number');
  assert.ok(numberChange.details.includes('While the phones ring: ringback tone → music on hold, with audio message Please hold after every 15 s of music'), JSON.stringify(numberChange));
  const renderedBefore = (await admin.get('/api/status')).body.music.waitingLoopsRendered;
  assert.is((await admin.post('/api/draft/apply')).status, 200);
  const music = await waitFor('the loop rendered', async () => (await admin.get('/api/status')).body.music, (m) => m.waitingLoopsPending === 0 && m.waitingLoopsRendered > renderedBefore, 30_000);
  assert.is(music.waitingLoopsRendered, renderedBefore + 1);
  // An apply that changes something else renders nothing again.
  assert.is((await admin.put('/api/draft/settings', { language: 'en', defaultSmsEmail: 'sms@example.com' })).status, 200);
  assert.is((await admin.post('/api/draft/apply')).status, 200);
  await new Promise((r) => setTimeout(r, 500));
  const after = await waitFor('no pending render', async () => (await admin.get('/api/status')).body.music, (m) => m.waitingLoopsPending === 0);
  assert.is(after.waitingLoopsRendered, renderedBefore + 1);
});

uploads.run();
