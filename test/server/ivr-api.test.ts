// The API of IVR menus, opening hours and the time zone against the real server: what is stored,
// what is refused (with the field named, nothing written), Apply's words for a loop of menus, which
// branch applies now, and the test clock that exists only with TEST_CLOCK=1.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const api = suite<{ server: RunningServer; admin: ApiClient }>('IVR menus and opening hours API');

api.before(async (context) => {
  context.server = await startServer({ env: { TEST_CLOCK: '1' } });
  context.admin = new ApiClient(context.server.url);
  assert.is((await context.admin.loginAdmin(context.server.adminPassword)).status, 200);
});
api.after(async ({ server }) => server.stop());

const draftFile = (server: RunningServer) => readFile(join(server.dataDir, 'draft.json'), 'utf8');

api('a menu is stored with its keys in keypad order and defaults for what is left out', async ({ admin }) => {
  const created = await admin.post('/api/draft/ivr-menus', {
    name: 'Main',
    spokenText: 'Press 1 for sales, 2 for support',
    timeoutSeconds: 4,
    choices: [
      { key: '#', destination: { type: 'hangup' } },
      { key: '2', destination: { type: 'voicemail', boxId: 'vm-u101' } },
      { key: '1', destination: { type: 'user', userId: 'u101' } },
    ],
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const menu = created.body.entity;
  assert.equal(menu.choices.map((c: { key: string }) => c.key), ['1', '2', '#']);
  assert.is(menu.retries, 2);
  assert.equal(menu.fallback, { type: 'hangup' });
  assert.is(menu.promptMessageId, null);
  const old = await admin.post('/api/draft/ivr-menus', { name: 'Just a name' });
  assert.is(old.status, 201, 'a body with the name only, as before menus had keys');
});

api('bad menus and opening hours are refused with the field named, and nothing is written', async ({ admin, server }) => {
  const before = await draftFile(server);
  const cases: [string, unknown, string][] = [
    ['/api/draft/ivr-menus', { name: 'M', choices: [{ key: '1', destination: { type: 'hangup' } }, { key: '1', destination: { type: 'hangup' } }] }, 'choices'],
    ['/api/draft/ivr-menus', { name: 'M', choices: [{ key: 'A', destination: { type: 'hangup' } }] }, 'choices.0.key'],
    ['/api/draft/ivr-menus', { name: 'M', timeoutSeconds: 0 }, 'timeoutSeconds'],
    ['/api/draft/ivr-menus', { name: 'M', retries: 11 }, 'retries'],
    ['/api/draft/ivr-menus', { name: 'M', fallback: { type: 'teleport' } }, 'fallback.type'],
    ['/api/draft/opening-hours', { name: 'H', open: { type: 'hangup' }, closed: { type: 'hangup' }, ranges: [{ day: 'mon', from: '18:00', to: '09:00' }] }, 'ranges.0.to'],
    ['/api/draft/opening-hours', { name: 'H', open: { type: 'hangup' }, closed: { type: 'hangup' }, ranges: [{ day: 'monday', from: '09:00', to: '18:00' }] }, 'ranges.0.day'],
    ['/api/draft/opening-hours', { name: 'H', open: { type: 'hangup' }, closed: { type: 'hangup' }, ranges: [{ day: 'mon', from: '9h', to: '18:00' }] }, 'ranges.0.from'],
    ['/api/draft/opening-hours', { name: 'H', open: { type: 'hangup' }, closed: { type: 'hangup' }, holidays: [{ date: '2026-02-30' }] }, 'holidays.0.date'],
    ['/api/draft/opening-hours', { name: 'H', open: { type: 'hangup' } }, 'closed'],
  ];
  for (const [path, body, field] of cases) {
    const response = await admin.post(path, body);
    assert.is(response.status, 400, `${JSON.stringify(body)} → ${response.status}`);
    assert.ok(response.body.fields.some((f: { field: string }) => f.field === field), `${JSON.stringify(body)}: ${JSON.stringify(response.body.fields)}`);
  }
  const zone = await admin.put('/api/draft/settings', { timeZone: 'Europe/Atlantis' });
  assert.is(zone.status, 400);
  assert.equal(zone.body.fields, [{ field: 'timeZone', message: 'an IANA time zone such as Europe/Paris' }]);
  assert.is(await draftFile(server), before, 'nothing written');
});

api('Apply refuses a loop of menus with no way out, in words; a way out makes it applicable', async ({ admin }) => {
  const a = (await admin.post('/api/draft/ivr-menus', { name: 'Loop A', fallback: { type: 'hangup' } })).body.entity;
  const b = (await admin.post('/api/draft/ivr-menus', { name: 'Loop B', choices: [{ key: '0', destination: { type: 'ivr', menuId: a.id } }], fallback: { type: 'ivr', menuId: a.id } })).body.entity;
  const { id: _id, ...aFields } = a;
  await admin.put(`/api/draft/ivr-menus/${a.id}`, { ...aFields, choices: [{ key: '1', destination: { type: 'ivr', menuId: b.id } }], fallback: { type: 'ivr', menuId: b.id } });
  const refused = await admin.post('/api/draft/apply');
  assert.is(refused.status, 422);
  assert.ok(
    refused.body.problems.some((p: { message: string }) => p.message.startsWith('IVR menu Loop A, IVR menu Loop B lead only to one another: callers could never get out')),
    JSON.stringify(refused.body.problems),
  );
  const { id: _b, ...bFields } = b;
  assert.is((await admin.put(`/api/draft/ivr-menus/${b.id}`, { ...bFields, choices: [...bFields.choices, { key: '9', destination: { type: 'user', userId: 'u102' } }] })).status, 200);
  const applied = await admin.post('/api/draft/apply');
  assert.is(applied.status, 200, JSON.stringify(applied.body));
  const changes = (await admin.get('/api/versions')).body;
  assert.ok(changes.production >= 2);
});

api('opening hours now follow the PBX clock and the time zone; the test clock can be set and reset', async ({ admin }) => {
  assert.is((await admin.put('/api/draft/settings', { timeZone: 'Europe/Paris' })).status, 200);
  const settings = (await admin.get('/api/draft')).body.config.settings;
  assert.is(settings.language, 'en', 'a settings write without the language keeps it');
  const created = await admin.post('/api/draft/opening-hours', {
    name: 'Office',
    ranges: [{ day: 'mon', from: '09:00', to: '18:00' }],
    holidays: [{ date: '2026-12-28', name: 'Holidays' }, { date: '2026-05-01' }],
    open: { type: 'user', userId: 'u101' },
    closed: { type: 'voicemail', boxId: 'vm-u101' },
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.entity.id;
  assert.equal(created.body.entity.holidays.map((h: { date: string }) => h.date), ['2026-05-01', '2026-12-28'], 'holidays in date order');

  const stateAt = async (at: string) => {
    assert.is((await admin.put('/api/test/clock', { at })).status, 200);
    const now = (await admin.get('/api/opening-hours/now')).body;
    return { local: now.local, state: now.openingHours.find((h: { id: string }) => h.id === id) };
  };
  const monday = await stateAt('2026-11-23T09:30:00+01:00');
  assert.equal(monday.local, { date: '2026-11-23', day: 'mon', time: '09:30' });
  assert.equal(monday.state, { id, open: true, because: 'range', range: { from: '09:00', to: '18:00' } });
  assert.equal((await stateAt('2026-11-23T17:00:00Z')).state, { id, open: false, because: 'outside' }, '18:00 in Paris');
  assert.equal((await stateAt('2026-12-28T10:00:00+01:00')).state, { id, open: false, because: 'holiday', holiday: 'Holidays' });
  assert.is((await admin.put('/api/test/clock', { at: 'tomorrow' })).status, 400);
  const reset = await admin.put('/api/test/clock', { at: null });
  assert.is(reset.body.set, false);
  assert.ok(Math.abs(Date.parse(reset.body.now) - Date.now()) < 5000);

  const stranger = new ApiClient(admin.baseUrl);
  assert.is((await stranger.put('/api/test/clock', { at: '2026-11-23T09:30:00Z' })).status, 401, 'admins only');
});

api('without TEST_CLOCK the clock route does not exist', async () => {
  const server = await startServer();
  try {
    const admin = new ApiClient(server.url);
    await admin.loginAdmin(server.adminPassword);
    assert.is((await admin.put('/api/test/clock', { at: '2026-11-23T09:30:00Z' })).status, 404);
    assert.is((await admin.get('/api/test/clock')).status, 404);
    assert.is((await admin.get('/api/opening-hours/now')).status, 200);
  } finally {
    await server.stop();
  }
});

api.run();
