// 200 calls through the real server, one after the other, with headless phones (werift, no
// browser): answered calls hung up by either side, calls cancelled while ringing, calls to a
// number not in service. Afterwards nothing is left: no call, leg, player listener, UDP socket
// or timer beyond the baseline, and the live heap (after a forced collection) has not grown
// between call 50 and call 200. Runs alone: node --import tsx test/server/calls/leak.test.ts
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApiClient } from '../../support/api-client.ts';
import { HeadlessPhone, toneFrames } from '../../support/headless-phone.ts';
import { readStatus, settledStatus, timers, udpSockets, type PbxStatus } from '../../support/pbx-status.ts';
import { addUsers, adminSession, applyDraft } from '../../support/pbx-users.ts';
import { startServer, type RunningServer } from '../../support/server.ts';

setTimeout(() => {
  console.error('leak.test.ts: still running after 170 s, giving up');
  process.exit(1);
}, 170_000).unref();

const CALLS = 200;
/** Live heap growth allowed from call 50 to call 200: a leak of 20 kB per call would exceed it. */
const HEAP_TOLERANCE_BYTES = 3 * 1024 * 1024;
const NOT_IN_SERVICE = '9999';

const test = suite('calls: nothing leaks over 200 calls');
let server: RunningServer;
let admin: ApiClient;
let alice: HeadlessPhone;
let bob: HeadlessPhone;
const extensions = new Map<HeadlessPhone, string>();


/** The status once the calls are over: sockets and timers back to these counts, then the live heap. */
const settled = (udpBaseline: number, timerBaseline: number) => settledStatus(server, admin, { udpSockets: udpBaseline, timers: timerBaseline });

async function answeredCall(caller: HeadlessPhone, callee: HeadlessPhone, hangsUp: 'caller' | 'callee'): Promise<void> {
  caller.resetCounters();
  callee.resetCounters();
  const seen = callee.incoming.length;
  await caller.dial(extensions.get(callee)!);
  const incoming = await callee.waitIncoming(5000, seen);
  await callee.answer(incoming.callId);
  await caller.waitState('connected');
  // A few packets each way, through the server.
  await caller.waitFor(() => caller.counters().packets >= 3 && callee.counters().packets >= 3, 5000, 'packets both ways');
  (hangsUp === 'caller' ? caller : callee).hangup();
  const [callerEnd, calleeEnd] = await Promise.all([caller.waitState('ended'), callee.waitState('ended')]);
  assert.is(callerEnd.reason, hangsUp === 'caller' ? 'hangup' : 'remote-hangup');
  assert.is(calleeEnd.reason, hangsUp === 'callee' ? 'hangup' : 'remote-hangup');
}

async function cancelledWhileRinging(caller: HeadlessPhone, callee: HeadlessPhone): Promise<void> {
  const seen = callee.incoming.length;
  await caller.dial(extensions.get(callee)!);
  const incoming = await callee.waitIncoming(5000, seen);
  await caller.waitState('ringing');
  caller.hangup();
  const calleeEnd = await callee.waitState('ended', 5000, incoming.callId);
  assert.is(calleeEnd.reason, 'cancelled');
  await caller.waitState('ended');
}

async function notInService(caller: HeadlessPhone, waitForThePbx: boolean): Promise<void> {
  caller.resetCounters();
  await caller.dial(NOT_IN_SERVICE);
  // The prompt plays over the media before the PBX hangs up.
  await caller.waitFor(() => caller.counters().packets >= 5, 5000, 'the prompt');
  if (waitForThePbx) {
    assert.is((await caller.waitState('ended', 15_000)).reason, 'not-in-service');
  } else {
    caller.hangup();
    await caller.waitState('ended');
  }
}

async function call(index: number): Promise<void> {
  // Who calls, and who hangs up, change on different periods, so every combination comes up.
  const [caller, callee] = index % 2 === 0 ? [alice, bob] : [bob, alice];
  if (index % 20 === 3) return cancelledWhileRinging(caller, callee);
  if (index % 20 === 13) return notInService(caller, index % 40 === 13);
  return answeredCall(caller, callee, index % 3 === 0 ? 'caller' : 'callee');
}

test.before(async () => {
  server = await startServer({
    env: { MEDIA_ADDRESSES: '127.0.0.1', LOG_LEVEL: 'warn' },
    nodeArgs: ['--expose-gc', '--import', './test/support/collect-garbage-on-signal.ts'],
  });
  admin = await adminSession(server.url, server.adminPassword);
  await addUsers(admin, [
    { extension: '301', password: 'alice-301', name: 'Alice Leak' },
    { extension: '302', password: 'bob-302', name: 'Bob Leak' },
  ]);
  await applyDraft(admin);
  alice = await HeadlessPhone.connect({ baseUrl: server.url, login: { extension: '301', password: 'alice-301' }, frames: toneFrames(440, 0.2) });
  bob = await HeadlessPhone.connect({ baseUrl: server.url, login: { extension: '302', password: 'bob-302' }, frames: toneFrames(880, 0.2) });
  extensions.set(alice, '301').set(bob, '302');
});

test.after(async () => {
  await alice?.close();
  await bob?.close();
  await server?.stop();
});

test(`${CALLS} calls leave no call, leg, listener, socket or timer behind, and a flat heap`, async () => {
  // Before any call the server opened no media socket; its timers are the signaling heartbeats.
  const before = await readStatus(admin);
  assert.is(udpSockets(before), 0);
  // Warm up (first prompt, first DTLS handshake, JIT) before the baseline.
  for (let i = 0; i < 4; i++) await call(i);
  const baseline = await settled(udpSockets(before), timers(before) + 2);
  const started = performance.now();
  let afterFifty: PbxStatus | undefined;
  for (let i = 0; i < CALLS; i++) {
    await call(i);
    if (i === 49) afterFifty = await settled(udpSockets(baseline), timers(baseline));
  }
  const after = await settled(udpSockets(baseline), timers(baseline));
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${CALLS} calls in ${((performance.now() - started) / 1000).toFixed(0)} s; live heap ${mb(baseline.process.heapUsedBytes)} MB at start, ` +
      `${mb(afterFifty!.process.heapUsedBytes)} MB after 50 calls, ${mb(after.process.heapUsedBytes)} MB after ${CALLS}; ` +
      `RSS ${mb(after.process.rssBytes)} MB; resources ${JSON.stringify(after.process.activeResources)}`,
  );

  assert.is(after.activeCalls, 0, 'active calls');
  assert.is(after.openLegs, 0, 'open legs');
  assert.is(after.playerListeners, 0, 'player listeners');
  assert.is(udpSockets(after), udpSockets(before), 'UDP sockets back to the baseline');
  assert.ok(timers(after) <= timers(baseline), `timers back to the baseline (${timers(after)} <= ${timers(baseline)})`);
  const growth = after.process.heapUsedBytes - afterFifty!.process.heapUsedBytes;
  assert.ok(growth < HEAP_TOLERANCE_BYTES, `live heap grew ${mb(growth)} MB from call 50 to call ${CALLS}`);
});

test.run();
