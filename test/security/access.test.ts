// Who may do what, against the real server, for every route it registers (read off the app, so
// a route added later is held to the same rules): strangers get 401 outside the few public routes,
// softphone users 403 outside their own, admins 403 on the softphone's; brute force is locked out
// per address as well as per account; stored files are never served as a page; helmet's headers
// are on every answer.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { registeredRoutes, type Route } from '../support/route-inventory.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { seedVoicemail } from '../support/voicemail-fixtures.ts';

interface Context {
  server: RunningServer;
  admin: ApiClient;
  alice: ApiClient;
  messageId: string;
}

const test = suite<Context>('access');
const PASSWORDS = { '101': 'alice-secret', '102': 'bob-secret' };

/** Routes anyone may call: logging in and out, the caller page's numbers, carriers' webhooks (signed). */
const PUBLIC = /^(POST|GET|DELETE) \/api\/session$|^POST \/api\/phone\/session$|^GET \/api\/public\/|^POST \/api\/sms\/inbound$/;
/** A softphone user's own routes. */
const SOFTPHONE = /^[A-Z]+ \/api\/phone\//;

const key = (route: Route) => `${route.method} ${route.path}`;

/** Paths with ids that exist, so that a refusal cannot be a 404 in disguise. */
function concretePath(route: Route, messageId: string): string {
  return route.path.replace(/:([A-Za-z_]+)/g, (_match, param: string) => {
    if (param === 'messageId') return messageId;
    if (param === 'boxId') return 'vm-u101';
    if (param === 'version') return '1';
    if (param === 'index') return '0';
    if (route.path.startsWith('/api/draft/users')) return 'u101';
    if (route.path.startsWith('/api/draft/voicemail-boxes')) return 'vm-u101';
    return 'x1';
  });
}

test.before(async (ctx) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-access-'));
  const [messageId] = await seedVoicemail(dataDir, [
    { boxId: 'vm-u101', callerName: 'Jean Dupont', callerNumber: '+33612345678', dialled: '+33100000101', startedAt: '2026-03-01T08:00:00.000Z', seconds: 2, toneHz: 500 },
  ]);
  ctx.messageId = messageId!;
  ctx.server = await startServer({ dataDir });
  ctx.admin = new ApiClient(ctx.server.url);
  assert.is((await ctx.admin.loginAdmin(ctx.server.adminPassword)).status, 200);
  await setUpUsers(ctx.admin, PASSWORDS);
  ctx.alice = new ApiClient(ctx.server.url);
  assert.is((await ctx.alice.post('/api/phone/session', { extension: '101', password: PASSWORDS['101'] })).status, 200);
});

test.after(async (ctx) => {
  await ctx.server?.stop();
});

test('a stranger gets 401 on every route but the public ones', async (ctx) => {
  const routes = registeredRoutes().filter((route) => route.path.startsWith('/api/') && !PUBLIC.test(key(route)));
  assert.ok(routes.length >= 45, `${routes.length} routes`);
  const stranger = new ApiClient(ctx.server.url);
  const wrong: string[] = [];
  for (const route of routes) {
    const response = await stranger.request(route.method, concretePath(route, ctx.messageId), route.method === 'GET' ? undefined : {});
    if (response.status !== 401) wrong.push(`${key(route)}: ${response.status}`);
  }
  assert.equal(wrong, []);
});

test("a softphone user gets 403 on every route that is not the softphone's", async (ctx) => {
  const routes = registeredRoutes().filter((route) => route.path.startsWith('/api/') && !PUBLIC.test(key(route)) && !SOFTPHONE.test(key(route)));
  assert.ok(routes.length >= 40, `${routes.length} routes`);
  const wrong: string[] = [];
  for (const route of routes) {
    const response = await ctx.alice.request(route.method, concretePath(route, ctx.messageId), route.method === 'GET' ? undefined : {});
    if (response.status !== 403) wrong.push(`${key(route)}: ${response.status}`);
  }
  assert.equal(wrong, []);
  // And the user is still logged in: a refusal does not end the session.
  assert.is((await ctx.alice.get('/api/session')).body.kind, 'user');
});

test("an admin gets 403 on the softphone's routes (an admin is not a phone user)", async (ctx) => {
  const routes = registeredRoutes().filter((route) => SOFTPHONE.test(key(route)) && !PUBLIC.test(key(route)));
  assert.ok(routes.length >= 5, `${routes.length} routes`);
  const wrong: string[] = [];
  for (const route of routes) {
    const response = await ctx.admin.request(route.method, concretePath(route, ctx.messageId), route.method === 'GET' ? undefined : {});
    if (response.status !== 403) wrong.push(`${key(route)}: ${response.status}`);
  }
  assert.equal(wrong, []);
});

test('brute force from one address is locked out across accounts (50 wrong passwords), then 423 even for the right one', async (ctx) => {
  // A server of its own: the lock would otherwise shut the other tests out.
  const server = await startServer();
  try {
    const client = new ApiClient(server.url);
    const statuses = new Set<number>();
    for (let i = 0; i < 50; i++) {
      // Never the same account five times: the per-account lock is not what stops this.
      const response = await client.post('/api/phone/session', { extension: String(200 + i), password: 'guess' });
      statuses.add(response.status);
    }
    assert.equal([...statuses], [401]);
    const locked = await client.loginAdmin(server.adminPassword);
    assert.is(locked.status, 423);
    assert.match(locked.body.error, /locked until/);
  } finally {
    await server.stop();
  }
  void ctx;
});

test('stored audio is served as audio, never as a page; every answer carries the security headers', async (ctx) => {
  const audio = await ctx.alice.request('GET', `/api/phone/voicemail/${ctx.messageId}/audio`);
  assert.is(audio.status, 200);
  assert.is(audio.headers.get('content-type'), 'audio/ogg');
  assert.is(audio.headers.get('x-content-type-options'), 'nosniff');
  for (const path of ['/portal/', '/phone/', '/call/', '/api/session', '/api/draft', '/healthz', '/no-such-page']) {
    const response = await fetch(ctx.server.url + path, { headers: { cookie: ctx.admin.cookie } });
    const headers = response.headers;
    assert.is(headers.get('x-content-type-options'), 'nosniff', path);
    assert.ok(headers.get('content-security-policy')?.includes("default-src 'self'"), `${path}: CSP`);
    assert.ok(headers.get('content-security-policy')?.includes("frame-ancestors 'self'"), `${path}: framing`);
    assert.is(headers.get('x-frame-options'), 'SAMEORIGIN', path);
    assert.is(headers.get('referrer-policy'), 'no-referrer', path);
    assert.is(headers.get('cross-origin-opener-policy'), 'same-origin', path);
    assert.is(headers.get('x-powered-by'), null, path);
  }
});

test.run();
