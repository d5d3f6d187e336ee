// Load: 100 calls at once for 2 minutes through the real server, on loopback. Headless werift
// phones in two child processes (test/bench/phones.ts, as the call bench drives them) place them
// from the public caller page, 5 new calls a second: 80 ring a signed-in user who answers at once
// and both talk (20 of those are put on hold by the user, so their callers hear the music on hold),
// 20 go to a voicemail box and talk for the whole 2 minutes. Then every caller hangs up.
// What must hold: every call set up and still up at the end; no packet lost; every caller of a
// relayed or held call heard its 50 packets a second; no event-loop stall over 50 ms on the
// signaling thread or the media worker, while the calls are set up and while they are held; each
// message kept, as long as its caller talked (within 1 s), its notice (with the MP3) in the outbox;
// afterwards no call, leg, listener, UDP socket or timer left, and the live heap (after a forced
// collection on every thread) back where it was before the calls.
// The figures are printed for README (Performance → Load). Runs alone (test/run.ts): its phones and
// the server share the machine's two cores with nothing else, the phones at a lower priority.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { machineLoad, readProbe, serverLog, startProbedServer, threadsOf, type ProbeReport } from '../bench/bench-server.ts';
import { addCallSlots, PhoneFleet } from '../bench/phone-fleet.ts';
import type { CallSlot, MessageLeft, PhoneCounters } from '../bench/phones.ts';
import { processCpuSeconds } from '../bench/process-stats.ts';
import type { ApiClient } from '../support/api-client.ts';
import { readStatus, settledStatus, timers, udpSockets, type PbxStatus } from '../support/pbx-status.ts';
import { adminSession, applyDraft } from '../support/pbx-users.ts';

const RELAYED_CALLS = 80;
/** Of the relayed calls, those the user puts on hold at once: the caller hears the music on hold. */
const HELD_CALLS = 20;
const VOICEMAIL_CALLS = 20;
const HOLD_SECONDS = 120;
const CALLS_PER_SECOND = 5;
const STALL_LIMIT_MS = 50;
/** What a caller must hear of the 50 packets a second: loopback loses none, the phones' timers may drift. */
const HEARD_SHARE = 0.95;
/** Live heap growth allowed from before the calls to after: 100 calls' legs leaking 40 kB each would exceed it. */
const HEAP_TOLERANCE_BYTES = 4 * 1024 * 1024;
/** A message may be shorter than what its caller said by the packets in flight at the hang-up, longer by the beep's tail. */
const MESSAGE_LENGTH_SLACK_MS = 1000;
const BOX_NUMBER = '+33999100000';
/** The phones' processes run below the server (its background threads, the MP3s, run at 10). */
const PHONES_NICE = 5;

setTimeout(() => {
  console.error('load.test.ts: still running after 9 minutes, giving up');
  process.exit(1);
}, 9 * 60_000).unref();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** A box that takes messages longer than the test, and a number that goes straight to it. */
async function addVoicemailNumber(admin: ApiClient): Promise<void> {
  const box = await admin.post('/api/draft/voicemail-boxes', {
    name: 'Load box',
    email: 'load-box@example.test',
    limits: { maxMessageSeconds: HOLD_SECONDS + 120, minMessageSeconds: 1, silenceEndSeconds: 10, maxMessages: 10_000 },
  });
  assert.is(box.status, 201, `add box: ${JSON.stringify(box.body)}`);
  const number = await admin.post('/api/draft/incoming-numbers', {
    number: BOX_NUMBER,
    label: 'Load voicemail',
    destination: { type: 'voicemail', boxId: box.body.entity.id },
    preAnswerMessageId: null,
    smsCompatible: false,
    smsEmail: '',
  });
  assert.is(number.status, 201, `add number: ${JSON.stringify(number.body)}`);
}

/** Main thread and media worker: the worst stall of either, with each named, and when the long ones ended (s after `since`). */
function stalls(report: ProbeReport, since: number): { worstMs: number; text: string } {
  const { main, media } = threadsOf(report);
  const worstMs = Math.max(main.eventLoop.maxMs, media.eventLoop.maxMs);
  const when = (thread: typeof main) =>
    thread.longStalls.length === 0 ? '' : ` (${thread.longStalls.map((s) => `${s.ms} ms at ${((s.endedAt - since) / 1000).toFixed(1)} s, ${s.gcMs} ms of it GC`).join('; ')})`;
  return { worstMs, text: `signaling ${main.eventLoop.maxMs.toFixed(1)} ms${when(main)}, media worker ${media.eventLoop.maxMs.toFixed(1)} ms${when(media)}` };
}

function sum(counters: PhoneCounters[], pick: (c: PhoneCounters) => number): number {
  return counters.reduce((total, c) => total + pick(c), 0);
}

test(`${RELAYED_CALLS + VOICEMAIL_CALLS} calls for ${HOLD_SECONDS} s (${HELD_CALLS} on hold, ${VOICEMAIL_CALLS} recording): no loss, no leak, no stall over ${STALL_LIMIT_MS} ms`, async () => {
  const total = RELAYED_CALLS + VOICEMAIL_CALLS;
  const server = await startProbedServer({
    env: { MEDIA_ADDRESSES: '127.0.0.1', PUBLIC_CALLS_MAX: String(total * 2), PUBLIC_CALLS_PER_ADDRESS: String(total * 2), LOG_LEVEL: 'info' },
    nodeArgs: ['--expose-gc', '--import', './test/support/collect-garbage-on-signal.ts'],
  });
  // The phones stand for browsers on other machines: they yield to the server when both want a CPU.
  const phones = new PhoneFleet(2, { nice: PHONES_NICE });
  try {
    const admin = await adminSession(server.url, server.adminPassword);
    await addVoicemailNumber(admin);
    const relayed = await addCallSlots(admin, RELAYED_CALLS);
    await applyDraft(admin);
    const voicemail: CallSlot[] = Array.from({ length: VOICEMAIL_CALLS }, (_, i) => ({ slot: RELAYED_CALLS + i, number: BOX_NUMBER }));
    // Every fourth relayed call is held; the voicemail calls are spread among the others as they are placed.
    const held = new Set(relayed.filter((s) => s.slot % 4 === 1).slice(0, HELD_CALLS).map((s) => s.slot));
    const order = relayed.map((s) => s.slot);
    for (const [i, slot] of voicemail.entries()) order.splice(Math.round(((i + 0.5) * order.length) / VOICEMAIL_CALLS) + i, 0, slot.slot);
    await phones.connect(server.url, [...relayed, ...voicemail]);

    // A first round of each kind (a call, a held call, a message) starts what the PBX starts once
    // (the media worker's first legs, the music, the MP3 worker, prompts) before the baseline.
    const warmUp = [relayed[0]!.slot, [...held][0]!, voicemail[0]!.slot];
    for (const slot of warmUp) {
      const dialled = await phones.dial(slot);
      assert.ok(dialled.ok, `warm-up call ${slot}: ${dialled.error}`);
      if (held.has(slot)) await phones.hold(slot);
    }
    // Past the greeting (~7.5 s) and the beep, and a few seconds of message: that starts the MP3 worker.
    await sleep(14_000);
    for (const slot of warmUp) await phones.hangup(slot);
    const baseline = await settledStatus(server, admin, undefined, 30_000);

    // The calls, CALLS_PER_SECOND a second, then held for HOLD_SECONDS.
    await readProbe(server);
    const dialStartedWall = Date.now();
    const started = performance.now();
    const dials = order.map(async (slot, i) => {
      await sleep(Math.max(0, started + (i * 1000) / CALLS_PER_SECOND - performance.now()));
      const dialled = await phones.dial(slot);
      if (dialled.ok && held.has(slot)) await phones.hold(slot);
      return { slot, ...dialled };
    });
    const dialled = await Promise.all(dials);
    const failed = dialled.filter((d) => !d.ok);
    assert.equal(failed, [], `calls not set up: ${failed.map((d) => `${d.slot}: ${d.error}`).join('; ')}`);
    const setupMs = dialled.map((d) => d.setupMs!).sort((a, b) => a - b);
    const rampProbe = await readProbe(server);
    const rampStalls = stalls(rampProbe, dialStartedWall);

    await phones.reset();
    // This process does next to nothing meanwhile: its own loop's delay is the machine's (a CPU
    // that other work kept, a host that paused the machine), to tell from the server's stalls.
    const ownLoop = monitorEventLoopDelay({ resolution: 5 });
    ownLoop.enable();
    const pid = server.process.pid!;
    const cpuBefore = await processCpuSeconds(pid);
    const windowStarted = performance.now();
    const windowStartedWall = Date.now();
    const during: PbxStatus[] = [];
    for (let s = 0; s < HOLD_SECONDS; s += 20) {
      await sleep(Math.max(0, windowStarted + (s + 20) * 1000 - performance.now()));
      during.push(await readStatus(admin));
    }
    const windowSeconds = (performance.now() - windowStarted) / 1000;
    const cpuAfter = await processCpuSeconds(pid);
    const counters = await phones.read();
    const windowProbe = await readProbe(server);
    const windowStalls = stalls(windowProbe, windowStartedWall);
    ownLoop.disable();

    const messagesLeft: MessageLeft[] = await phones.hangupAll();
    const hungUpAt = performance.now();
    const saved = () => serverLog(server, 'voicemail message').filter((line) => line.time >= dialStartedWall);
    while (saved().length < VOICEMAIL_CALLS && performance.now() - hungUpAt < 30_000) await sleep(100);
    const messages = saved();
    const outbox = join(server.dataDir, 'outbox');
    const noticeFiles = messages.map((m) => join(outbox, `voicemail-${String(m.messageId)}.json`));
    while (!noticeFiles.every((file) => existsSync(file)) && performance.now() - hungUpAt < 60_000) await sleep(100);
    const noticesMs = performance.now() - hungUpAt;
    const after = await settledStatus(server, admin, { udpSockets: udpSockets(baseline), timers: timers(baseline) }, 30_000);

    // The figures, for README (Performance → Load).
    const callsUp = sum(counters, (c) => c.callsUp);
    const lost = sum(counters, (c) => c.lost);
    const received = sum(counters, (c) => c.received);
    const heard = Object.assign({}, ...counters.map((c) => c.callerHeardBySlot)) as Record<number, number>;
    const expectedHeard = 50 * windowSeconds;
    const quiet = relayed.filter((s) => (heard[s.slot] ?? 0) < HEARD_SHARE * expectedHeard).map((s) => `${s.slot}${held.has(s.slot) ? ' (held)' : ''}: ${heard[s.slot] ?? 0}`);
    const cpuPercent = ((cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / windowSeconds) * 100;
    const heapGrowth = after.process.heapUsedBytes - baseline.process.heapUsedBytes;
    const spoken = messagesLeft.map((m) => m.spokeMs).sort((a, b) => a - b);
    const lengths = messages.map((m) => Number(m.durationMs)).sort((a, b) => a - b);
    console.log(
      [
        `load: ${total} calls (${RELAYED_CALLS} relayed of which ${HELD_CALLS} on hold, ${VOICEMAIL_CALLS} recording) for ${windowSeconds.toFixed(1)} s (${machineLoad()})`,
        `  set-up at ${CALLS_PER_SECOND}/s: p50 ${setupMs[Math.floor(setupMs.length / 2)]!.toFixed(0)} ms, p99 ${setupMs[Math.ceil(setupMs.length * 0.99) - 1]!.toFixed(0)} ms; stalls meanwhile: ${rampStalls.text}`,
        `  held: ${callsUp} of ${total} calls up at the end; ${received} packets received by the phones (${(received / windowSeconds).toFixed(0)}/s), ${lost} lost; stalls: ${windowStalls.text}`,
        `  every thread's worst stall while held (and longest garbage collection): ${windowProbe.threads.map((t) => `${t.thread} ${t.eventLoop.maxMs.toFixed(1)} ms (${t.gcMaxMs} ms)`).join(', ')}`,
        `  the test's own idle loop: max ${(ownLoop.max / 1e6).toFixed(0)} ms (the machine's own delays)`,
        `  phones: ${counters.map((c) => `${c.cpuPercent.toFixed(0)} % of a core (loop max ${c.loopMaxMs.toFixed(0)} ms)`).join(', ')}`,
        `  server CPU ${cpuPercent.toFixed(0)} % of a core; RSS ${mb(baseline.process.rssBytes)} MB before, ${during.map((s) => mb(s.process.rssBytes)).join(' / ')} MB every 20 s, ${mb(after.process.rssBytes)} MB after`,
        `  live heap after a full collection: ${mb(baseline.process.heapUsedBytes)} MB before the calls, ${mb(after.process.heapUsedBytes)} MB after (${heapGrowth >= 0 ? '+' : ''}${mb(heapGrowth)} MB); heap while held (not collected) ${during.map((s) => mb(s.process.heapUsedBytes)).join(' / ')} MB`,
        `  handles before ${JSON.stringify(baseline.process.activeResources)}, after ${JSON.stringify(after.process.activeResources)}`,
        `  messages: ${messages.filter((m) => m.kept === true).length} kept of ${messages.length}, ${(lengths[0]! / 1000).toFixed(1)}–${(lengths.at(-1)! / 1000).toFixed(1)} s; every notice in the outbox ${(noticesMs / 1000).toFixed(1)} s after the hang-ups`,
      ].join('\n'),
    );

    assert.is(callsUp, total, 'every call still up at the end of the 2 minutes');
    assert.is(lost, 0, `packets lost, by slot: ${JSON.stringify(counters.map((c) => c.lostBySlot))}`);
    assert.equal(quiet, [], `callers who heard under ${HEARD_SHARE * 100} % of ${expectedHeard.toFixed(0)} packets`);
    assert.ok(rampStalls.worstMs <= STALL_LIMIT_MS, `event loop stalled while the calls were set up: ${rampStalls.text}`);
    assert.ok(windowStalls.worstMs <= STALL_LIMIT_MS, `event loop stalled while the calls were held: ${windowStalls.text}`);

    assert.is(messages.length, VOICEMAIL_CALLS, 'a message for each voicemail call');
    assert.ok(
      messages.every((m) => m.kept === true),
      `every message kept: ${JSON.stringify(messages.map((m) => ({ ending: m.ending, kept: m.kept })))}`,
    );
    // The callers talked for about the same time, so the shortest message goes with the shortest talk.
    for (const [i, length] of lengths.entries()) {
      assert.ok(Math.abs(length - spoken[i]!) <= MESSAGE_LENGTH_SLACK_MS, `message of ${length} ms for ${spoken[i]!.toFixed(0)} ms of talk`);
    }
    assert.ok(noticeFiles.every((file) => existsSync(file)), 'a notice in the outbox for each message');

    assert.is(after.activeCalls, 0, 'no call left');
    assert.is(after.openLegs, 0, 'no leg left');
    assert.is(after.playerListeners, 0, 'no listener of a player left');
    assert.ok(udpSockets(after) <= udpSockets(baseline), `UDP sockets back to the baseline (${udpSockets(after)} <= ${udpSockets(baseline)})`);
    assert.ok(timers(after) <= timers(baseline), `timers back to the baseline (${timers(after)} <= ${timers(baseline)})`);
    const grown = Object.entries(after.process.activeResources).filter(([kind, count]) => count > (baseline.process.activeResources[kind] ?? 0));
    assert.equal(grown, [], 'no kind of handle more than before the calls');
    assert.ok(heapGrowth < HEAP_TOLERANCE_BYTES, `live heap grew ${mb(heapGrowth)} MB over the load`);
  } finally {
    await phones.close().catch(() => phones.stop());
    await server.stop();
  }
});

test.run();
