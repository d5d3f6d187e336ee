// Bridge between two real Chromium pages: A's microphone plays 440 Hz, B's 880 Hz; A must hear
// 880 and B 440, without loss, with the server's in->out time measured. Runs alone:
// node --import tsx test/media/webrtc/bridge.test.ts
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeWavPcm16, sineTone } from '../../../media/audio/wav.ts';
import { Bridge } from '../../../media/webrtc/bridge.ts';
import { Leg } from '../../../media/webrtc/leg.ts';
import { launchBrowser } from '../../support/browser.ts';
import { opusToneFrames, paced } from '../../support/tone-analysis.ts';
import { Phone, startPhonePageServer, type ListenSnapshot, type PhonePageServer } from '../../support/webrtc-phone.ts';

setTimeout(() => {
  console.error('bridge.test.ts: still running after 4 minutes, giving up');
  process.exit(1);
}, 240_000).unref();

const test = suite('media/webrtc/bridge (two Chromium pages)');
let browser440: Browser;
let browser880: Browser;
let pages: PhonePageServer;
let fixtures: string;
const legs: Leg[] = [];
const phones: Phone[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(browser: Browser): Promise<{ leg: Leg; phone: Phone }> {
  const phone = await Phone.open(browser, pages.url);
  phones.push(phone);
  const leg = Leg.create();
  legs.push(leg);
  const connected = new Promise<void>((resolve) => leg.once('connected', resolve));
  await phone.acceptAnswer(await leg.acceptOffer(await phone.createOffer()));
  await Promise.all([connected, phone.waitConnected()]);
  return { leg, phone };
}

function share(snapshots: ListenSnapshot[], hz: number): number {
  return snapshots.filter((s) => Math.abs(s.peakHz - hz) <= 12).length / snapshots.length;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Server in->out time of relayed RTP: from the UDP socket's `message` event to the `send` of the
 * packet it caused. werift handles a packet synchronously from socket to socket (decrypt, route,
 * the Bridge, encrypt, send), so a send made while a message is being dispatched is its relay.
 * The time a datagram waits for the event loop comes on top: see the loop-delay figures.
 */
function measureRelayTimes(): { samples: number[]; stop(): void } {
  const proto = dgram.Socket.prototype as unknown as { emit: (...args: unknown[]) => boolean; send: (...args: unknown[]) => void };
  const originalEmit = proto.emit;
  const originalSend = proto.send;
  const samples: number[] = [];
  let dispatchStart: number | undefined;
  const isRtp = (data: unknown) => Buffer.isBuffer(data) && data.length > 12 && data[0]! >> 6 === 2 && !((data[1]! & 0x7f) >= 72 && (data[1]! & 0x7f) <= 76);
  proto.emit = function (this: unknown, event: unknown, ...args: unknown[]) {
    if (event !== 'message' || !isRtp(args[0])) return originalEmit.call(this, event, ...args);
    const outer = dispatchStart;
    dispatchStart = performance.now();
    try {
      return originalEmit.call(this, event, ...args);
    } finally {
      dispatchStart = outer;
    }
  };
  proto.send = function (this: unknown, ...args: unknown[]) {
    if (dispatchStart !== undefined && isRtp(args[0])) samples.push(performance.now() - dispatchStart);
    return originalSend.apply(this, args);
  };
  return {
    samples,
    stop() {
      proto.emit = originalEmit;
      proto.send = originalSend;
    },
  };
}

test.before(async () => {
  fixtures = mkdtempSync(join(tmpdir(), 'switchboard-bridge-'));
  const wav440 = join(fixtures, 'tone-440.wav');
  const wav880 = join(fixtures, 'tone-880.wav');
  writeFileSync(wav440, encodeWavPcm16(sineTone(440, 10, 48_000, 0.5), 48_000));
  writeFileSync(wav880, encodeWavPcm16(sineTone(880, 10, 48_000, 0.5), 48_000));
  [browser440, browser880] = await Promise.all([launchBrowser({ fakeMicrophoneWav: wav440 }), launchBrowser({ fakeMicrophoneWav: wav880 })]);
  pages = await startPhonePageServer();
});

test.after(async () => {
  await Promise.all(legs.map((leg) => leg.close()));
  for (const phone of phones) await phone.close().catch(() => {});
  await browser440?.close();
  await browser880?.close();
  await pages?.close();
  rmSync(fixtures, { recursive: true, force: true });
});

test('A hears B (880 Hz) and B hears A (440 Hz), without loss; server in->out measured', async () => {
  const [a, b] = await Promise.all([call(browser440), call(browser880)]);
  const relayTimes = measureRelayTimes();
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const [beforeA, beforeB] = await Promise.all([a.phone.inboundAudio(), b.phone.inboundAudio()]);
  const bridge = Bridge.create(a.leg, b.leg);
  const started = performance.now();
  await sleep(1000);
  const [heardByA, heardByB] = await Promise.all([a.phone.listen(3000), b.phone.listen(3000)]);
  await sleep(1000);
  const [afterA, afterB] = await Promise.all([a.phone.inboundAudio(), b.phone.inboundAudio()]);
  const seconds = (performance.now() - started) / 1000;
  const stats = bridge.stats;
  bridge.close();
  loopDelay.disable();
  relayTimes.stop();

  const times = [...relayTimes.samples].sort((x, y) => x - y);
  const received = (before: typeof beforeA, after: typeof afterA) => after!.packetsReceived - (before?.packetsReceived ?? 0);
  const lost = (before: typeof beforeA, after: typeof afterA) => after!.packetsLost - (before?.packetsLost ?? 0);
  console.log(`  A hears peaks ${heardByA.map((s) => Math.round(s.peakHz)).join(' ')}`);
  console.log(`  B hears peaks ${heardByB.map((s) => Math.round(s.peakHz)).join(' ')}`);
  console.log(`  relayed in ${seconds.toFixed(1)} s: A->B ${JSON.stringify(stats.aToB)}, B->A ${JSON.stringify(stats.bToA)}`);
  console.log(`  page A received ${received(beforeA, afterA)} lost ${lost(beforeA, afterA)}; page B received ${received(beforeB, afterB)} lost ${lost(beforeB, afterB)}`);
  console.log(
    `  server in->out (socket to socket) over ${times.length} packets: p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${times.at(-1)!.toFixed(3)} ms`,
  );
  console.log(
    `  event-loop delay: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} ms, max ${(loopDelay.max / 1e6).toFixed(2)} ms`,
  );

  assert.ok(share(heardByA, 880) >= 0.8, 'A hears 880 Hz');
  assert.ok(share(heardByB, 440) >= 0.8, 'B hears 440 Hz');
  assert.ok(stats.aToB.relayed >= seconds * 50 * 0.95 && stats.bToA.relayed >= seconds * 50 * 0.95, 'about 50 packets/s each way');
  assert.is(stats.aToB.dropped + stats.bToA.dropped, 0);
  assert.ok(lost(beforeA, afterA) <= 1 && lost(beforeB, afterB) <= 1, 'no loss');
  assert.ok(times.length >= stats.aToB.relayed + stats.bToA.relayed - 10, `in->out samples ${times.length}`);
  assert.ok(percentile(times, 50) < 2, 'p50 in->out under 2 ms');
});

test('switching B from a prompt to the other party stays one continuous stream', async () => {
  const [a, b] = await Promise.all([call(browser440), call(browser880)]);
  // B first hears a "prompt" (1000 Hz, sent by the test), then A.
  const prompt = opusToneFrames(1000, 150);
  const playing = paced(prompt.length, 20, (i) => b.leg.sendOpus(prompt[i]!));
  await sleep(1000);
  const duringPrompt = await b.phone.listen(1000);
  await playing.done;
  const before = (await b.phone.inboundAudio())!;
  const bridge = Bridge.create(a.leg, b.leg);
  await sleep(1000);
  const duringCall = await b.phone.listen(1500);
  const after = (await b.phone.inboundAudio())!;
  const bufferMs = (s: typeof after) => (s.jitterBufferDelay / s.jitterBufferEmittedCount) * 1000;
  console.log(`  prompt peaks ${duringPrompt.map((s) => Math.round(s.peakHz)).join(' ')}`);
  console.log(`  call peaks ${duringCall.map((s) => Math.round(s.peakHz)).join(' ')}`);
  console.log(
    `  B: received ${after.packetsReceived - before.packetsReceived} after the switch, lost ${after.packetsLost - before.packetsLost}; ` +
      `concealed ${((after.concealedSamples - before.concealedSamples) / 48).toFixed(0)} ms; mean jitter buffer ${bufferMs(before).toFixed(0)} -> ${bufferMs(after).toFixed(0)} ms`,
  );
  assert.ok(share(duringPrompt, 1000) >= 0.8, 'prompt heard');
  assert.ok(share(duringCall, 440) >= 0.8, 'then A heard');
  assert.ok(after.packetsLost - before.packetsLost <= 1, 'no loss across the switch');
  bridge.close();
  assert.ok(!a.leg.closed && !b.leg.closed, 'closing the bridge leaves the legs open');
});

test('a leg closing ends the bridge', async () => {
  const [a, b] = await Promise.all([call(browser440), call(browser880)]);
  const bridge = Bridge.create(a.leg, b.leg);
  const reasons: string[] = [];
  bridge.on('closed', (reason) => reasons.push(reason));
  await sleep(300);
  await a.phone.closePeerConnection();
  await sleep(300);
  assert.ok(a.leg.closed, 'A closed');
  assert.ok(bridge.closed, 'bridge closed');
  assert.equal(reasons, ['leg-closed']);
  assert.ok(!b.leg.closed, 'B still open');
  bridge.close();
  assert.equal(reasons, ['leg-closed']);
});

test.run();
