// Malformed input against the real server: bad requests generated for every route the server
// registers (read off the app, so new routes are covered without being listed here) as an admin,
// a softphone user and a stranger, plus malformed socket.io events on both namespaces. Each
// request must get a 4xx, never a 500; the server must stay up; and the configuration and the
// stored messages must be byte for byte what they were before.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { suite } from 'uvu';
import type { z } from 'zod';
import * as assert from 'uvu/assert';
import { COLLECTION_INPUTS } from '../../server/http/draft-inputs.ts';
import { AnswerRequest, CallRequest, DialRequest, HoldRequest } from '../../server/signaling/protocol.ts';
import { ApiClient } from '../support/api-client.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { registeredRoutes, type Route } from '../support/route-inventory.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { seedVoicemail } from '../support/voicemail-fixtures.ts';

interface Context {
  server: RunningServer;
  identities: Record<'admin' | 'user' | 'stranger', string>;
  /** Ids that exist, to put in paths next to ids that do not. */
  knownIds: Record<string, string>;
  before: Map<string, string>;
}

const test = suite<Context>('malformed input');
const PASSWORDS = { '101': 'alice-secret', '102': 'bob-secret' };

/** Files that change by design while requests come in: logins and call history are not configuration. */
const VOLATILE_FILES = /(^|\/)(sessions\.json|call-history\.json)$|\.log$/;

async function snapshot(dataDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (!VOLATILE_FILES.test(relative(dataDir, path))) {
        files.set(relative(dataDir, path), createHash('sha256').update(await readFile(path)).digest('hex'));
      }
    }
  };
  await visit(dataDir);
  return files;
}

interface RawResponse {
  status: number;
  body: string;
}

/** node:http rather than fetch: fetch will not send a body with GET, nor a broken Content-Length. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // The path goes as written: new URL() would resolve %2e%2e segments before the server saw them.
    const { hostname, port } = new URL(baseUrl);
    const request = httpRequest({ hostname, port, path, method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error('no answer within 10 s')));
    request.end(body);
  });
}

interface BadRequest {
  label: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

const json = (body: string): BadRequest['headers'] => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
const withBody = (label: string, contentType: string, body: Buffer | string): BadRequest => ({
  label,
  headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) },
  body,
});

/** Bodies that no route accepts, whatever it expects: refused before any handler runs. */
function unreadableBodies(): BadRequest[] {
  const truncatedMultipart = '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="music.mp3"\r\nContent-Type: audio/mpeg\r\n\r\nID3\x04\x00';
  return [
    withBody('broken JSON', 'application/json', '{"name": "Alice", '),
    withBody('plain text', 'text/plain', 'hello'),
    withBody('a form', 'application/x-www-form-urlencoded', 'name=Alice&extension=101'),
    withBody('XML', 'application/xml', '<user><name>Alice</name></user>'),
    withBody('JSON over the size limit', 'application/json', JSON.stringify({ name: 'x'.repeat(300_000) })),
    withBody('truncated multipart', 'multipart/form-data; boundary=XyZ', truncatedMultipart),
  ];
}

/** Well-formed JSON of the wrong shape, for routes that read a body. */
function wrongShapes(): BadRequest[] {
  const bodies: Record<string, unknown> = {
    'a JSON array': [],
    'a JSON string': 'Alice',
    'JSON null': null,
    'a JSON number': 42,
    'every field of the wrong type': {
      name: 123, email: [], extension: {}, password: false, language: 7, number: {}, destination: 'user', label: [], text: 5,
      voice: {}, greeting: 'x', owner: 1, limits: 'big', forwardings: [], enabled: 'yes', voicemail: 'maybe', from: 1, to: 2,
    },
    'empty strings': { name: '', email: '', extension: '', password: '', number: '', language: '' },
    'prototype pollution': { ['__proto__']: { isAdmin: true }, constructor: { prototype: { isAdmin: true } } },
    'out-of-range values': { name: 'x'.repeat(5000), extension: '1'.repeat(40), language: 'xx', number: '+0', email: 'not-an-email' },
    'control characters': { name: 'A\u0000l\u0007ice', extension: '10\u00001', email: 'a@b.c\r\nBcc: x@y.z' },
  };
  const shapes: BadRequest[] = Object.entries(bodies).map(([label, value]) => {
    const body = label === 'prototype pollution' ? '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}' : JSON.stringify(value);
    return { label, headers: json(body), body };
  });
  // JSON.parse takes these (bad bytes become U+FFFD; V8 nests arrays that deep), so they are wrong shapes.
  shapes.push(withBody('invalid UTF-8 in JSON', 'application/json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])));
  shapes.push(withBody('deeply nested JSON', 'application/json', '['.repeat(20_000) + ']'.repeat(20_000)));
  return shapes;
}

/** Path parameters that name nothing, or try to leave their place. */
const UNKNOWN_IDS = ['does-not-exist', '..%2F..%2Fconfig', '%2e%2e', 'x'.repeat(3000), '%E0%A4%A', '-1', '%00', '%F0%9F%93%9E', "1'%20OR%20'1'='1"];

/** Routes that act without a body: a well-formed body of any shape is not an error for them. */
function readsBody(route: Route): boolean {
  if (route.method === 'GET' || route.method === 'DELETE') return false;
  return !/\/(apply|discard|retry|heard|seen|restore)$/.test(route.path);
}

function fillPath(route: Route, idFor: (param: string) => string): string {
  return route.path.replace(/:([A-Za-z_]+)/g, (_match, param: string) => idFor(param));
}

function requestsFor(route: Route, knownIds: Record<string, string>): { path: string; bad: BadRequest }[] {
  const out: { path: string; bad: BadRequest }[] = [];
  const hasParams = route.path.includes(':');
  const known = fillPath(route, (param) => knownIds[`${route.path}:${param}`] ?? knownIds[param] ?? 'does-not-exist');
  for (const bad of unreadableBodies()) out.push({ path: known, bad });
  if (readsBody(route)) for (const bad of wrongShapes()) out.push({ path: known, bad });
  if (hasParams) {
    for (const id of UNKNOWN_IDS) {
      const path = fillPath(route, () => id);
      out.push({ path, bad: readsBody(route) ? { label: `unknown id ${id.slice(0, 20)}`, headers: json('{"name":"Someone"}'), body: '{"name":"Someone"}' } : { label: `unknown id ${id.slice(0, 20)}`, headers: {} } });
    }
  }
  return out;
}

test.before(async (ctx) => { try { await setUp(ctx); } catch (error) { console.error(error); throw error; } });

async function setUp(ctx: Context): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-malformed-'));
  const [aliceMessage, bobMessage] = await seedVoicemail(dataDir, [
    { boxId: 'vm-u101', callerName: 'Jean Dupont', callerNumber: '+33612345678', dialled: '+33100000101', startedAt: '2026-03-01T08:00:00.000Z', seconds: 3, toneHz: 500 },
    { boxId: 'vm-u102', callerName: 'Alice Martin', callerNumber: '101', dialled: '102', startedAt: '2026-03-02T10:00:00.000Z', seconds: 2, toneHz: 900 },
  ]);
  // The SMS webhook on, so its own checks answer (401 unsigned): without a secret it answers 503 by design.
  ctx.server = await startServer({ dataDir, env: { SMS_WEBHOOK_SECRET: 'malformed-input-sms-secret' } });
  const admin = new ApiClient(ctx.server.url);
  assert.is((await admin.loginAdmin(ctx.server.adminPassword)).status, 200);
  await setUpUsers(admin, PASSWORDS);
  const user = new ApiClient(ctx.server.url);
  assert.is((await user.post('/api/phone/session', { extension: '101', password: PASSWORDS['101'] })).status, 200);
  ctx.identities = { admin: admin.cookie, user: user.cookie, stranger: '' };
  const draft = (await admin.get('/api/draft')).body.config;
  ctx.knownIds = {
    messageId: aliceMessage!,
    version: '1',
    boxId: 'vm-u101',
    noticeId: 'does-not-exist',
    index: '0',
    id: draft.users[0].id,
    '/api/phone/voicemail/:messageId': bobMessage!,
  };
  for (const [collection, input] of Object.entries(COLLECTION_INPUTS)) {
    const first = draft[collection]?.[0];
    if (first) ctx.knownIds[`/api/draft/${input.path}/:id:id`] = first.id;
  }
  // Give the server a moment to finish what the set-up started (notices of the seeded messages).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  ctx.before = await snapshot(dataDir);
}

test.after(async (ctx) => {
  await ctx.server?.stop();
});

test('every route, every identity: bad requests get a 4xx, never a 500, and change nothing', async (ctx) => {
  // The health check is outside the API and reads no input.
  const routes = registeredRoutes().filter((route) => route.path.startsWith('/api/'));
  assert.ok(routes.length >= 50, `the route inventory found only ${routes.length} routes`);
  const jobs: { identity: string; route: Route; path: string; bad: BadRequest }[] = [];
  for (const route of routes) {
    for (const [identity, cookie] of Object.entries(ctx.identities)) {
      for (const { path, bad } of requestsFor(route, ctx.knownIds)) {
        jobs.push({ identity, route, path, bad: { ...bad, headers: { ...bad.headers, ...(cookie ? { cookie } : {}) } } });
      }
    }
  }
  assert.ok(jobs.length >= 1000, `only ${jobs.length} bad requests were generated`);

  const wrong: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const response = await send(ctx.server.url, job.route.method, job.path, job.bad.headers, job.bad.body).catch((error: Error) => ({ status: 0, body: error.message }));
      if (response.status < 400 || response.status > 499) {
        wrong.push(`${job.identity} ${job.route.method} ${job.path.slice(0, 80)} with ${job.bad.label}: ${response.status} ${response.body.slice(0, 120)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.equal(wrong, [], `${wrong.length} of ${jobs.length} bad requests were not answered with a 4xx`);

  assert.is((await send(ctx.server.url, 'GET', '/healthz', {})).status, 200, 'the server is still up');
  assert.equal(await snapshot(ctx.server.dataDir), ctx.before, 'configuration and messages unchanged byte for byte');
});

test('malformed socket.io events on both namespaces: refused with an error, the server stays up', async (ctx) => {
  const malformed: unknown[] = [
    undefined, null, 42, 'dial', [], [1, 2], true, { ['__proto__']: { ok: true } },
    { to: 5, offer: 'v=0' }, { to: '101' }, { to: '101', offer: 'not an sdp at all' }, { to: 'x'.repeat(20_000), offer: 'v=0 '.repeat(10) },
    { to: '+33100000101', offer: 'v=0\r\n' + 'a=x\r\n'.repeat(5_000) }, { callId: 5 }, { callId: '../../etc' }, { callId: 'c-' + 'x'.repeat(500) },
    { callId: 'c-nope', hold: 'yes' }, { offer: 'v=0 but no call id' },
  ];
  // dial, answer and hold answer through their acknowledgement; reject and hangup, which have none,
  // with a signaling-error event. (A well-formed hang-up of a call that does not exist is ignored.)
  const SCHEMAS: Record<string, z.ZodType> = { dial: DialRequest, answer: AnswerRequest, hold: HoldRequest, reject: CallRequest, hangup: CallRequest };
  const withAck = ['dial', 'answer', 'hold'];
  const withoutAck = ['reject', 'hangup'];
  const connect = async (namespace: string, cookie: string): Promise<Socket> => {
    const socket = io(`${ctx.server.url}${namespace}`, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    return socket;
  };
  const user = new ApiClient(ctx.server.url);
  assert.is((await user.post('/api/phone/session', { extension: '102', password: PASSWORDS['102'] })).status, 200);
  let sent = 0;
  const unanswered: string[] = [];
  for (const [namespace, cookie] of [['/phone', user.cookie], ['/caller', '']] as const) {
    const socket = await connect(namespace, cookie);
    try {
      const errors: string[] = [];
      socket.on('signaling-error', (message: string) => errors.push(message));
      const answers = await Promise.all(
        [...withAck, 'no-such-event'].flatMap((event) =>
          malformed.map(async (payload) => {
            sent++;
            const ack = await Promise.race([
              new Promise<unknown>((resolve) => socket.emit(event, payload, resolve)),
              new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 5000)),
            ]);
            return { event, payload, ack };
          }),
        ),
      );
      for (const { event, payload, ack } of answers) {
        const refused = typeof ack === 'object' && ack !== null && (ack as { ok?: boolean }).ok === false;
        // An event the server does not know is ignored (socket.io's way), as long as the connection survives.
        if (!refused && !(event === 'no-such-event' && ack === 'no answer')) {
          unanswered.push(`${namespace} ${event} ${JSON.stringify(payload)?.slice(0, 60)}: ${JSON.stringify(ack)?.slice(0, 80)}`);
        }
      }
      let expected = 0;
      for (const event of [...withAck, ...withoutAck]) {
        for (const payload of malformed) {
          sent++;
          socket.emit(event, payload);
          if (!SCHEMAS[event]!.safeParse(payload).success) expected++;
        }
      }
      assert.ok(expected > 80, 'nearly every payload is malformed for every event');
      const deadline = Date.now() + 5000;
      while (errors.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (errors.length < expected) unanswered.push(`${namespace}: ${expected - errors.length} of ${expected} events without acknowledgement brought no signaling-error`);
      assert.ok(socket.connected, `${namespace}: the server kept the connection`);
    } finally {
      socket.close();
    }
  }
  assert.ok(sent >= 200, `only ${sent} events were sent`);
  assert.equal(unanswered, [], `${unanswered.length} malformed events were not refused`);

  // Over socket.io's message limit (64 kB) the server closes that one connection, and stays up.
  const greedy = await connect('/caller', '');
  const closed = new Promise<string>((resolve) => greedy.on('disconnect', (reason) => resolve(reason)));
  greedy.emit('dial', { to: '+33100000101', offer: 'v=0\r\n' + 'a=x\r\n'.repeat(20_000) }, () => {});
  assert.is(await closed, 'transport close');
  greedy.close();
  // A stranger cannot open the softphone namespace.
  const refusal = await connect('/phone', '').then(() => 'connected', (error: Error) => error.message);
  assert.not.equal(refusal, 'connected');

  assert.is((await send(ctx.server.url, 'GET', '/healthz', {})).status, 200, 'the server is still up');
  assert.equal(await snapshot(ctx.server.dataDir), ctx.before, 'configuration and messages unchanged byte for byte');
});

test.run();
