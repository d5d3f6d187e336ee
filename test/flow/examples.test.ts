// `npm run flow` as a person runs it: the examples of examples/flows/ pass against the office
// configuration (embedded server, headless phones, e-mails to an SMTP server on loopback) with a
// JUnit file CI can read; a scenario that must fail fails with a readable reason and exit code 1;
// a file with mistakes is refused before any call; and the trace the runner reads is for admins only.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeWavPcm16, sineTone } from '../../media/audio/wav.ts';
import { ApiClient } from '../support/api-client.ts';
import { HeadlessPhone } from '../support/headless-phone.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { startServer } from '../support/server.ts';
import { parseXml, type XmlElement } from '../support/xml.ts';

setTimeout(() => {
  console.error('examples.test.ts: still running after 6 minutes, giving up');
  process.exit(1);
}, 360_000).unref();

const test = suite<{ dir: string }>('npm run flow');
const OFFICE = 'examples/flows/config/office.yaml';

test.before(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'switchboard-flow-test-'));
});
test.after(async ({ dir }) => {
  await rm(dir, { recursive: true, force: true });
});

function npmRunFlow(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'flow', '--', ...args], { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const testcases = (root: XmlElement) => root.children.flatMap((suite) => suite.children);

test('the examples pass, in parallel, with a JUnit file', async ({ dir }) => {
  const examples = (await readdir('examples/flows')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `examples/flows/${f}`);
  assert.ok(examples.length >= 4, 'the examples are there');
  const junit = join(dir, 'examples.xml');
  const { code, output } = await npmRunFlow(['--config', OFFICE, '--junit', junit, ...examples]);
  console.log(output);
  assert.is(code, 0, 'exit code 0');
  for (const file of examples) assert.match(output, new RegExp(`PASS  .*\\(${file.replace(/\./g, '\\.')}, `));
  assert.not.match(output, /✗/);
  const summary = new RegExp(`${examples.length} passed, 0 failed \\(${examples.length} scenarios in ([\\d.]+) s; one after the other: ([\\d.]+) s\\)`).exec(output);
  assert.ok(summary, 'the summary line');
  assert.ok(Number(summary[1]) < Number(summary[2]), 'scenarios ran at the same time');
  const root = await parseXml(await readFile(junit, 'utf8'));
  assert.is(root.attributes.tests, String(examples.length));
  assert.is(root.attributes.failures, '0');
  assert.equal(root.children.map((s) => s.attributes.name), examples);
  assert.ok(testcases(root).every((c) => !c.children.some((child) => child.name === 'failure')));
});

test('a WAV file and keys as tones pass; a scenario that must fail fails with its reason, exit code 1', async ({ dir }) => {
  // 3 s of a 500 Hz tone, as a recorded caller's voice.
  await writeFile(join(dir, 'voice.wav'), encodeWavPcm16(sineTone(500, 3, 16000, 0.3), 16000));
  await writeFile(
    join(dir, 'wav-message.yaml'),
    `name: A recorded caller leaves 3 s on the Sales line
dial: "+33100000199"
caller:
  - wait_for: beep
  - say: { file: voice.wav }
  - press: "#"
    tones: true
expect:
  - voicemail: { box: Sales, seconds: [2.5, 4.5] }
  - heard: message-saved
`,
  );
  await writeFile(
    join(dir, 'must-fail.yaml'),
    `name: The Sales line rings Bob (it does not)
dial: "+33100000199"
caller:
  - wait_for: { heard: voicemail-greeting }
  - hangup
expect:
  - reached: { user: 102 }
  - heard: voicemail-greeting
`,
  );
  const junit = join(dir, 'mixed.xml');
  const { code, output } = await npmRunFlow(['--config', OFFICE, '--junit', junit, join(dir, 'wav-message.yaml'), join(dir, 'must-fail.yaml')]);
  console.log(output);
  assert.is(code, 1, 'exit code 1');
  assert.match(output, /PASS {2}A recorded caller leaves 3 s on the Sales line/);
  assert.match(output, /FAIL {2}The Sales line rings Bob \(it does not\)/);
  assert.match(output, /✗ reached user Bob Durand \(102\): the call never got there: voicemail vm-sales → played voicemail-greeting/);
  assert.match(output, /✓ heard the prompt voicemail-greeting/);
  assert.match(output, /1 passed, 1 failed/);
  const root = await parseXml(await readFile(junit, 'utf8'));
  assert.equal([root.attributes.tests, root.attributes.failures], ['2', '1']);
  const failed = testcases(root).find((c) => c.attributes.name === 'The Sales line rings Bob (it does not)')!;
  const failure = failed.children.find((c) => c.name === 'failure')!;
  assert.match(failure.attributes.message!, /^reached user Bob Durand \(102\): the call never got there/);
});

test('a file with mistakes is refused with file:line, before any PBX starts', async ({ dir }) => {
  await writeFile(join(dir, 'broken.yaml'), 'name: Broken\ndial: "+33100000199"\nexpect:\n  - heard: voicemial-greeting\n');
  const started = performance.now();
  const { code, output } = await npmRunFlow([join(dir, 'broken.yaml')]);
  assert.is(code, 1);
  assert.match(output, /Scenario files with problems \(nothing was run\):/);
  assert.match(output, /broken\.yaml:4:12: expect\[0\]\.heard: a prompt name \(/);
  assert.not.match(output, /Starting an embedded PBX/);
  assert.ok(performance.now() - started < 20_000);
});

test('against a running PBX (--url): its production, an admin login, a user\'s password, e-mails through its outbox', async ({ dir }) => {
  const server = await startServer({ env: { HOST: '127.0.0.1', MEDIA_ADDRESSES: '127.0.0.1' } });
  try {
    const admin = new ApiClient(server.url);
    await admin.loginAdmin(server.adminPassword);
    await setUpUsers(admin, { '101': 'alice-secret' });
    // Alice's phones ring 5 s before her voicemail, rather than the default 20 s.
    const alice = (await admin.get('/api/draft/users')).body.find((u: { extension: string }) => u.extension === '101');
    const forwardings = { ...alice.forwardings, noAnswer: { ...alice.forwardings.noAnswer, afterSeconds: 5 } };
    assert.is((await admin.put(`/api/draft/users/${alice.id}`, { ...alice, forwardings })).status, 200);
    assert.is((await admin.post('/api/draft/apply')).status, 200);
    await writeFile(
      join(dir, 'remote.yaml'),
      `name: Alice is away, the caller leaves a message
dial: "+33100000101"
users:
  - user: 101
    answer: never
caller:
  - wait_for: { reached: { voicemail: 101 } }
  - wait_for: beep
  - say: "Hello Alice, this is Jean from the garage. Your car is ready, please call me back."
  - press: "#"
expect:
  - rang: 101
  - voicemail: { box: Alice Martin, seconds: [1, 8] }
  - email: { to: alice@example.com }
    within: 40s
`,
    );
    const { code, output } = await npmRunFlow(['--url', server.url, '--admin-password', server.adminPassword, '--password', '101=alice-secret', join(dir, 'remote.yaml')]);
    console.log(output);
    assert.is(code, 0);
    assert.match(output, new RegExp(`1 scenario against ${server.url.replace(/\./g, '\\.')} \\(production version \\d+\\)`));
    assert.match(output, /✓ e-mail sent to alice@example\.com within 40\.0 s: "New voicemail from Web caller \(0:0\d\)" waiting in the outbox \(the PBX has no SMTP server\)/);

    const wrongPassword = await npmRunFlow(['--url', server.url, '--admin-password', 'not-the-password', join(dir, 'remote.yaml')]);
    assert.is(wrongPassword.code, 1);
    assert.match(wrongPassword.output, /Cannot test against the PBX: admin login as "admin" refused \(401\)/);
  } finally {
    await server.stop();
  }
});

test('a call\'s trace is for admins only: not for a stranger, a public caller or a softphone user', async () => {
  const server = await startServer({ env: { HOST: '127.0.0.1', MEDIA_ADDRESSES: '127.0.0.1' } });
  try {
    const admin = new ApiClient(server.url);
    await admin.loginAdmin(server.adminPassword);
    await setUpUsers(admin, { '101': 'alice-secret', '102': 'bob-secret' });
    const caller = await HeadlessPhone.connect({ baseUrl: server.url });
    const callId = await caller.dial('+33100000101');
    const trace = await admin.get(`/api/calls/${callId}/trace`);
    assert.is(trace.status, 200);
    assert.is(trace.body.callId, callId);
    assert.equal(trace.body.events[0].type, 'dialled');
    await caller.close();

    const stranger = new ApiClient(server.url);
    assert.is((await stranger.get(`/api/calls/${callId}/trace`)).status, 401);
    const alice = new ApiClient(server.url);
    assert.is((await alice.post('/api/phone/session', { extension: '101', password: 'alice-secret' })).status, 200);
    assert.is((await alice.get(`/api/calls/${callId}/trace`)).status, 403);
    assert.is((await admin.get('/api/calls/c-unknown/trace')).status, 404);
  } finally {
    await server.stop();
  }
});

test.run();
