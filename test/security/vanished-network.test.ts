// A caller's network disappears in the middle of a call: its process is frozen (SIGSTOP), so its
// TCP connection stays open with nobody behind it and its UDP goes silent; no goodbye of any kind.
// The PBX must notice on its own and tell the other side within 10 s.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { HeadlessPhone } from '../support/headless-phone.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { startServer } from '../support/server.ts';

test("a caller's network vanishes mid-call: the answering softphone is told within 10 s", async () => {
  const server = await startServer();
  const admin = new ApiClient(server.url);
  assert.is((await admin.loginAdmin(server.adminPassword)).status, 200);
  await setUpUsers(admin, { '101': 'alice-secret', '102': 'bob-secret' });
  const alice = await HeadlessPhone.connect({ baseUrl: server.url, login: { extension: '101', password: 'alice-secret' }, autoAnswer: true });
  const caller = fork(fileURLToPath(new URL('./fixtures/vanishing-caller.ts', import.meta.url)), [server.url, '+33100000101'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      caller.once('message', () => resolve());
      caller.once('exit', (code) => reject(new Error(`the caller exited (${code}) before its call was up`)));
    });
    await alice.waitState('connected', 10_000);
    await alice.waitMediaConnected(10_000);
    // Two seconds of a real call first.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.ok(alice.counters().packets > 50, `audio flowed before (${alice.counters().packets} packets)`);

    caller.kill('SIGSTOP');
    const vanishedAt = Date.now();
    const ended = await alice.waitState('ended', 15_000);
    const noticedMs = Date.now() - vanishedAt;
    console.log(`  told after ${noticedMs} ms (${ended.reason ?? 'no reason'})`);
    assert.ok(noticedMs <= 10_000, `told after ${noticedMs} ms`);
    const status = await admin.get('/api/status');
    assert.is(status.body.activeCalls, 0, 'the call is gone from the PBX');
  } finally {
    caller.kill('SIGKILL');
    await alice.close();
    await server.stop();
  }
});

test.run();
