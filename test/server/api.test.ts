// The portal API against the real server, started on a free port with a temporary DATA_DIR.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const api = suite<{ server: RunningServer; admin: ApiClient }>('portal API');

api.before(async (context) => {
  context.server = await startServer();
  context.admin = new ApiClient(context.server.url);
  const login = await context.admin.loginAdmin(context.server.adminPassword);
  assert.is(login.status, 200);
});
api.after(async ({ server }) => server.stop());

const snapshot = async (server: RunningServer) =>
  (await Promise.all(['production.json', 'draft.json'].map((f) => readFile(join(server.dataDir, f), 'utf8')))).join('\n');

api('health answers without a session', async ({ server }) => {
  const response = await fetch(`${server.url}/healthz`);
  assert.is(response.status, 200);
  assert.equal(await response.json(), { status: 'ok', productionVersion: 1 });
});

api('every API route needs a session: 401', async ({ server }) => {
  const stranger = new ApiClient(server.url);
  for (const [method, path] of [['GET', '/api/draft'], ['PUT', '/api/draft/settings'], ['POST', '/api/draft/apply'], ['GET', '/api/versions'], ['GET', '/api/production'], ['DELETE', '/api/draft/users/u101'], ['GET', '/api/session']]) {
    const response = await stranger.request(method!, path!, method === 'GET' || method === 'DELETE' ? undefined : {});
    assert.is(response.status, 401, `${method} ${path}`);
  }
});

api('the session cookie is httpOnly and SameSite=Strict, and a new login gets a new one', async ({ server }) => {
  const response = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: server.adminPassword }),
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  assert.match(cookie, /sb_session=/);
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  const again = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0]! },
    body: JSON.stringify({ name: 'admin', password: server.adminPassword }),
  });
  assert.is.not(again.headers.get('set-cookie')?.split(';')[0], cookie.split(';')[0]);
});

api('bad input gets a 4xx naming the problem, and writes nothing', async ({ server, admin }) => {
  const before = await snapshot(server);
  const malformed = await admin.request('PUT', '/api/draft/settings', '{"language": "de"');
  assert.is(malformed.status, 400);
  assert.match(malformed.body.error, /Malformed JSON/);
  const wrongType = await admin.put('/api/draft/settings', { language: 'klingon', defaultSmsEmail: 12 });
  assert.is(wrongType.status, 400);
  assert.equal(wrongType.body.fields.map((f: { field: string }) => f.field).sort(), ['defaultSmsEmail', 'language']);
  const notJson = await admin.request('PUT', '/api/draft/settings', 'language=de', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.is(notJson.status, 415);
  const huge = await admin.post('/api/draft/users', { name: 'x'.repeat(200_000) });
  assert.is(huge.status, 413);
  const badUser = await admin.post('/api/draft/users', { name: 'Eve', email: 'not-an-email', extension: '1a', voicemail: 'yes' });
  assert.is(badUser.status, 400);
  assert.equal(badUser.body.fields.map((f: { field: string }) => f.field).sort(), ['email', 'extension', 'voicemail']);
  const noPassword = await admin.post('/api/draft/users', { name: 'Eve', email: 'eve@example.com', extension: '109', voicemail: false });
  assert.is(noPassword.status, 400);
  assert.equal(noPassword.body.fields, [{ field: 'password', message: 'required' }]);
  const duplicate = await admin.post('/api/draft/users', { name: 'Eve', email: 'eve@example.com', extension: '101', password: 'secret-1', voicemail: false });
  assert.is(duplicate.status, 400);
  assert.equal(duplicate.body.fields, [{ field: 'extension', message: 'already used by Alice Martin' }]);
  const unknown = await admin.put('/api/draft/users/u-ghost', { name: 'Ghost', email: 'g@example.com', extension: '199', voicemail: false });
  assert.is(unknown.status, 404);
  assert.is((await admin.delete('/api/draft/incoming-numbers/nope')).status, 404);
  assert.is((await admin.get('/api/versions/99')).status, 404);
  assert.is((await admin.get('/api/versions/abc')).status, 404);
  assert.is((await admin.get('/api/no-such-route')).status, 404);
  assert.is((await admin.request('PUT', '/api/draft/settings', {}, { 'if-match': 'banana' })).status, 400);
  assert.is(await snapshot(server), before, 'nothing was written');
});

api('creating a user with Voicemail Yes makes the box; hashes never leave the server', async ({ admin }) => {
  const created = await admin.post('/api/draft/users', { name: 'Carol Petit', email: 'carol@example.com', extension: '103', password: 'secret-103', voicemail: true });
  assert.is(created.status, 201);
  assert.not.ok('passwordHash' in created.body.entity);
  assert.not.ok(JSON.stringify((await admin.get('/api/draft')).body).includes('passwordHash'));
  const boxes = (await admin.get('/api/draft/voicemail-boxes')).body as { owner: { userId?: string }; email: string }[];
  const box = boxes.find((b) => b.owner.userId === created.body.entity.id);
  assert.is(box?.email, 'carol@example.com');
  assert.is(created.body.pendingChanges, 2, 'the user and the box');
  const changes = (await admin.get('/api/draft/changes')).body.changes as { kind: string; what: string; name: string }[];
  assert.equal(changes.map((c) => `${c.what} ${c.name} ${c.kind}`).sort(), ['User Carol Petit (103) added', 'Voicemail box Carol Petit added']);
});

api("deleting a user's own box is refused: 409", async ({ admin }) => {
  const response = await admin.delete('/api/draft/voicemail-boxes/vm-u101');
  assert.is(response.status, 409);
  assert.match(response.body.error, /Voicemail to No/);
});

api('apply refuses a broken draft with readable problems, then publishes a fixed one', async ({ admin }) => {
  const box = await admin.post('/api/draft/voicemail-boxes', { name: 'Sales', email: 'sales@example.com', pin: '4321' });
  assert.is(box.status, 201);
  const routed = await admin.put('/api/draft/incoming-numbers/n-main', { number: '+33100000101', label: 'Main line', destination: { type: 'voicemail', boxId: box.body.entity.id }, smsCompatible: true, smsEmail: '' });
  assert.is(routed.status, 200);
  const refused = await admin.post('/api/draft/apply');
  assert.is(refused.status, 422);
  assert.equal(refused.body.problems.map((p: { message: string }) => p.message), [
    'Incoming number +33100000101 (Main line) is SMS compatible but has no SMS e-mail address, and Settings has no default address',
  ]);
  assert.is((await admin.get('/api/production')).body.version, 1);
  await admin.put('/api/draft/incoming-numbers/n-main', { ...routed.body.entity, smsEmail: 'sms@example.com' });
  const applied = await admin.post('/api/draft/apply', undefined, { 'if-match': String((await admin.get('/api/draft')).body.revision) });
  assert.is(applied.status, 200);
  assert.is(applied.body.version, 2);
  const production = (await admin.get('/api/production')).body;
  assert.equal(production.config.incomingNumbers[0].destination, { type: 'voicemail', boxId: box.body.entity.id });
  assert.is((await admin.get('/api/draft')).body.pendingChanges, 0);
});

api('a second admin with a stale view gets 409 with who changed what', async ({ server, admin }) => {
  const other = new ApiClient(server.url);
  await other.loginAdmin(server.adminPassword);
  const revision = (await admin.get('/api/draft')).body.revision;
  assert.is((await other.put('/api/draft/settings', { language: 'es', defaultSmsEmail: '' }, { 'if-match': String(revision) })).status, 200);
  const stale = await admin.put('/api/draft/settings', { language: 'fr', defaultSmsEmail: '' }, { 'if-match': String(revision) });
  assert.is(stale.status, 409);
  assert.match(stale.body.error, /changed by admin/);
  assert.is(stale.body.changedBy, 'admin');
  assert.ok(!Number.isNaN(Date.parse(stale.body.changedAt)));
  const staleApply = await admin.post('/api/draft/apply', undefined, { 'if-match': String(revision) });
  assert.is(staleApply.status, 409);
  assert.is((await admin.get('/api/draft')).body.config.settings.language, 'es');
  assert.is((await admin.post('/api/draft/discard')).status, 200);
});

api('versions are listed and an earlier one can be restored and applied', async ({ admin }) => {
  const versions = (await admin.get('/api/versions')).body;
  assert.is(versions.production, 2);
  assert.equal(versions.versions.map((v: { version: number }) => v.version), [2, 1]);
  const restored = await admin.post('/api/versions/1/restore');
  assert.is(restored.status, 200);
  assert.ok(restored.body.pendingChanges > 0);
  assert.is((await admin.post('/api/draft/apply')).body.version, 3);
  assert.equal((await admin.get('/api/production')).body.config.incomingNumbers[0].destination, { type: 'user', userId: 'u101' });
});

api('a softphone user logs in against production and gets 403 on admin routes', async ({ server, admin }) => {
  await admin.post('/api/draft/users', { name: 'Dan', email: 'dan@example.com', extension: '104', password: 'secret-104', voicemail: false });
  const phone = new ApiClient(server.url);
  assert.is((await phone.post('/api/phone/session', { extension: '104', password: 'secret-104' })).status, 401, 'not in production yet');
  assert.is((await admin.post('/api/draft/apply')).status, 200);
  const login = await phone.post('/api/phone/session', { extension: '104', password: 'secret-104' });
  assert.is(login.status, 200);
  assert.is(login.body.extension, '104');
  assert.is((await phone.get('/api/session')).body.kind, 'user');
  for (const path of ['/api/draft', '/api/versions', '/api/production']) assert.is((await phone.get(path)).status, 403, path);
  assert.is((await phone.put('/api/draft/settings', { language: 'de', defaultSmsEmail: '' })).status, 403);
});

api('five wrong passwords lock the account for 15 minutes, even for the right password', async ({ server }) => {
  const client = new ApiClient(server.url);
  await client.post('/api/phone/session', { extension: '104', password: 'wrong' });
  for (let i = 0; i < 4; i++) assert.is((await client.post('/api/phone/session', { extension: '104', password: 'wrong' })).status, 401);
  const locked = await client.post('/api/phone/session', { extension: '104', password: 'secret-104' });
  assert.is(locked.status, 423);
  const minutes = (Date.parse(locked.body.lockedUntil) - Date.now()) / 60_000;
  assert.ok(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);
  assert.is((await client.post('/api/phone/session', { extension: '101', password: 'wrong' })).status, 401, 'other accounts are not locked');
});

api('logout ends the session', async ({ server }) => {
  const client = new ApiClient(server.url);
  await client.loginAdmin(server.adminPassword);
  const oldCookie = client.cookie;
  assert.is((await client.delete('/api/session')).status, 204);
  client.cookie = oldCookie;
  assert.is((await client.get('/api/draft')).status, 401, 'the old cookie no longer opens a session');
});

api('conference rooms: created with defaults, bad PIN and size refused naming the field, a room in use cannot be removed at Apply', async ({ admin }) => {
  const badPin = await admin.post('/api/draft/conference-rooms', { name: 'Weekly', pin: '12' });
  assert.is(badPin.status, 400);
  assert.equal(badPin.body.fields, [{ field: 'pin', message: '4 to 8 digits' }]);
  const badSize = await admin.post('/api/draft/conference-rooms', { name: '', maxParticipants: 1000 });
  assert.is(badSize.status, 400);
  assert.equal(badSize.body.fields.map((f: { field: string }) => f.field).sort(), ['maxParticipants', 'name']);
  const created = await admin.post('/api/draft/conference-rooms', { name: 'Weekly' });
  assert.is(created.status, 201);
  const room = created.body.entity;
  assert.equal({ ...room, id: undefined }, { id: undefined, name: 'Weekly', pin: '', maxParticipants: 10 });
  assert.match(room.id, /^conf-/);
  const withPin = await admin.put(`/api/draft/conference-rooms/${room.id}`, { name: 'Weekly', pin: '2468', maxParticipants: 6 });
  assert.is(withPin.status, 200);
  const number = (await admin.get('/api/draft/incoming-numbers/n-main')).body;
  assert.is((await admin.put('/api/draft/incoming-numbers/n-main', { ...number, destination: { type: 'conference', roomId: room.id } })).status, 200);
  const changes = (await admin.get('/api/draft/changes')).body.changes.map((c: { what: string; name: string; kind: string }) => `${c.what} ${c.name} ${c.kind}`);
  assert.ok(changes.includes('Conference room Weekly added'), changes.join('; '));
  assert.is((await admin.delete(`/api/draft/conference-rooms/${room.id}`)).status, 200);
  const refused = await admin.post('/api/draft/apply');
  assert.is(refused.status, 422);
  assert.ok(
    refused.body.problems.some((p: { message: string }) => p.message.endsWith('goes to a conference room that no longer exists')),
    JSON.stringify(refused.body.problems),
  );
  assert.is((await admin.put('/api/draft/incoming-numbers/n-main', number)).status, 200);
  assert.is((await admin.post('/api/draft/apply')).status, 200);
});

api.run();
