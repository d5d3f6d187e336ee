// Leg against a real Chromium: audio both ways, DTMF both ways, hang-ups from either side, and
// no sockets or timers left behind. Runs alone: node --import tsx test/media/webrtc/leg.test.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeWavPcm16, sineTone } from '../../../media/audio/wav.ts';
import { Leg, type LegCloseReason, type LegOptions } from '../../../media/webrtc/leg.ts';
import { launchBrowser } from '../../support/browser.ts';
import { decodeOpus, dominantFrequency, opusToneFrames, paced } from '../../support/tone-analysis.ts';
import { Phone, startPhonePageServer, type PhonePageServer } from '../../support/webrtc-phone.ts';

// Playwright keeps the process alive on SIGTERM; a stuck browser must not hang the test run.
setTimeout(() => {
  console.error('leg.test.ts: still running after 4 minutes, giving up');
  process.exit(1);
}, 240_000).unref();

const test = suite('media/webrtc/leg (Chromium)');
let browser: Browser;
let pages: PhonePageServer;
let fixtures: string;
const legs: Leg[] = [];
const phones: Phone[] = [];
const resourcesBefore = new Map<string, number>();

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function createLeg(options: LegOptions = {}): Leg {
  const leg = Leg.create(options);
  legs.push(leg);
  return leg;
}

async function openPhone(): Promise<Phone> {
  const phone = await Phone.open(browser, pages.url);
  phones.push(phone);
  return phone;
}

function once<T>(leg: Leg, event: 'connected' | 'closed', timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    leg.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args[0] as T);
    });
  });
}

/** The browser calls the PBX: page offer, Leg answer. */
async function browserCalls(options: LegOptions = {}): Promise<{ leg: Leg; phone: Phone; setupMs: number }> {
  const phone = await openPhone();
  const leg = createLeg(options);
  const started = performance.now();
  const connected = once(leg, 'connected', 10_000);
  const answer = await leg.acceptOffer(await phone.createOffer());
  await phone.acceptAnswer(answer);
  await Promise.all([connected, phone.waitConnected()]);
  return { leg, phone, setupMs: performance.now() - started };
}

/** The PBX calls the browser: Leg offer, page answer. */
async function pbxCalls(options: LegOptions = {}): Promise<{ leg: Leg; phone: Phone; setupMs: number }> {
  const phone = await openPhone();
  const leg = createLeg(options);
  const started = performance.now();
  const connected = once(leg, 'connected', 10_000);
  const answer = await phone.acceptOffer(await leg.createOffer());
  await leg.acceptAnswer(answer);
  await Promise.all([connected, phone.waitConnected()]);
  return { leg, phone, setupMs: performance.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.before(async () => {
  for (const [name, count] of countResources()) resourcesBefore.set(name, count);
  fixtures = mkdtempSync(join(tmpdir(), 'switchboard-leg-'));
  const microphone = join(fixtures, 'tone-440.wav');
  writeFileSync(microphone, encodeWavPcm16(sineTone(440, 10, 48_000, 0.5), 48_000));
  browser = await launchBrowser({ fakeMicrophoneWav: microphone });
  pages = await startPhonePageServer();
});

test.after(async () => {
  await Promise.all(legs.map((leg) => leg.close()));
  for (const phone of phones) await phone.close().catch(() => {});
  await browser?.close();
  await pages?.close();
  rmSync(fixtures, { recursive: true, force: true });
});

test('the browser calls: its 440 Hz microphone arrives as Opus RTP', async () => {
  const { leg, setupMs } = await browserCalls();
  const packets: { payload: Buffer; sequenceNumber: number; timestamp: number }[] = [];
  leg.on('rtp', (packet) => packets.push(packet));
  await sleep(2000);
  console.log(`  setup ${setupMs.toFixed(0)} ms, ${packets.length} packets in 2 s`);
  assert.ok(packets.length >= 90, `packets: ${packets.length}`);
  for (let i = 1; i < packets.length; i++) {
    assert.is(packets[i]!.sequenceNumber, (packets[i - 1]!.sequenceNumber + 1) & 0xffff, 'consecutive sequence numbers');
  }
  // Skip the first packets (encoder start-up), analyse one second.
  const samples = decodeOpus(packets.slice(10, 60).map((p) => p.payload));
  const frequency = dominantFrequency(samples, 48_000);
  console.log(`  decoded ${samples.length} samples, dominant ${frequency} Hz`);
  assert.ok(Math.abs(frequency - 440) <= 5, `dominant frequency ${frequency} Hz`);
  await leg.close();
});

for (const direction of ['browser calls', 'PBX calls'] as const) {
  test(`${direction}: the page hears the 1000 Hz the Leg sends, without loss`, async () => {
    const { leg, phone, setupMs } = direction === 'browser calls' ? await browserCalls() : await pbxCalls();
    const frames = opusToneFrames(1000, 200);
    const sender = paced(frames.length, 20, (i) => leg.sendOpus(frames[i]!));
    await sleep(1000);
    const snapshots = await phone.listen(2000);
    await sender.done;
    await sleep(300);
    const stats = await phone.inboundAudio();
    const peaks = snapshots.map((s) => Math.round(s.peakHz));
    const near1000 = peaks.filter((hz) => Math.abs(hz - 1000) <= 12).length;
    console.log(`  setup ${setupMs.toFixed(0)} ms; sent ${leg.stats.opusPacketsSent}; page: ${JSON.stringify(stats)}`);
    console.log(`  peaks (Hz) ${peaks.join(' ')}`);
    assert.ok(near1000 >= snapshots.length * 0.8, `peak near 1000 Hz in ${near1000}/${snapshots.length} snapshots`);
    assert.ok(stats, 'inbound-rtp stats');
    assert.ok(stats!.packetsReceived >= leg.stats.opusPacketsSent - 2, `received ${stats!.packetsReceived} of ${leg.stats.opusPacketsSent}`);
    assert.ok(stats!.packetsLost <= 1, `lost ${stats!.packetsLost}`);
    await leg.close();
  });
}

test('DTMF from the page (RTCDTMFSender) arrives as dtmf events, in order', async () => {
  const { leg, phone } = await browserCalls();
  assert.ok(await phone.canInsertDtmf(), 'canInsertDTMF');
  const digits: string[] = [];
  leg.on('dtmf', ({ digit }) => digits.push(digit));
  await phone.sendDtmf('123#*0');
  await sleep(300);
  console.log(`  digits ${JSON.stringify(digits)}`);
  assert.equal(digits, ['1', '2', '3', '#', '*', '0']);
  await leg.close();
});

test('DTMF from the Leg is played out by the page (Chromium renders received events as tones)', async () => {
  const { leg, phone } = await pbxCalls();
  // Quiet audio around the digit, so the tone is clearly the event's.
  const silence = opusToneFrames(300, 150, 0.05);
  const sender = paced(silence.length, 20, (i) => leg.sendOpus(silence[i]!));
  await sleep(800);
  const before = (await phone.inboundAudio())!;
  // '1' is 697 Hz + 1209 Hz.
  const listening = phone.listen(1600, [697, 1209, 1000]);
  await sleep(300);
  const dtmfSent = leg.stats.dtmfPacketsSent;
  await leg.sendDtmf('1', { durationMs: 800 });
  const snapshots = await listening;
  sender.stop();
  const after = (await phone.inboundAudio())!;
  const sent = leg.stats.dtmfPacketsSent - dtmfSent;
  const loud = snapshots.filter((s) => s.probes[0]! > -60 && s.probes[1]! > -60 && s.probes[0]! > s.probes[2]! + 20);
  console.log(`  ${sent} DTMF packets sent; page packetsReceived ${before.packetsReceived} -> ${after.packetsReceived}`);
  console.log(`  probes 697/1209/1000 dB: ${snapshots.map((s) => s.probes.map((p) => Math.round(p)).join('/')).join(' ')}`);
  assert.ok(sent >= 40, `sent ${sent}`);
  await leg.sendDtmf('1x').then(
    () => assert.unreachable('a non-digit must be refused'),
    (error: Error) => assert.match(error.message, /not a DTMF digit/),
  );
  assert.ok(loud.length >= 3, `697+1209 Hz heard in ${loud.length} snapshots`);
  assert.ok(leg.connected, 'still connected after the digit');
  await leg.close();
});

test('close() on the Leg ends the page’s connection', async () => {
  const { leg, phone } = await browserCalls();
  const reasons: LegCloseReason[] = [];
  leg.on('closed', (reason) => reasons.push(reason));
  const closing = leg.close();
  // The DTLS close_notify the Leg sends closes the page's DTLS transport at once; Chromium's
  // connectionState only follows when its connectivity checks fail.
  const [dtls] = await Promise.all([phone.waitState('dtls', ['closed', 'failed'], 5_000), closing]);
  await leg.close(); // idempotent
  assert.ok(leg.closed);
  assert.equal(reasons, ['local']);
  assert.is(leg.sendOpus(new Uint8Array([0xf8])), false);
  const connection = await phone.waitState('connection', ['closed', 'failed', 'disconnected'], 15_000);
  console.log(`  page DTLS ${dtls.state} after ${dtls.ms.toFixed(0)} ms; connectionState ${connection.state} after ${(dtls.ms + connection.ms).toFixed(0)} ms`);
  assert.is(dtls.state, 'closed');
  assert.ok(dtls.ms < 1_000, `DTLS closed after ${dtls.ms} ms`);
  assert.ok(['closed', 'failed', 'disconnected'].includes(connection.state), `page state ${connection.state}`);
  assert.ok(dtls.ms + connection.ms < 10_000, `${dtls.ms + connection.ms} ms`);
});

test('the page closing its peer connection closes the Leg', async () => {
  const { leg, phone } = await browserCalls();
  const closed = once<LegCloseReason>(leg, 'closed', 10_000);
  const started = performance.now();
  await phone.closePeerConnection();
  const reason = await closed;
  console.log(`  closed (${reason}) after ${(performance.now() - started).toFixed(0)} ms`);
  assert.ok(leg.closed);
});

test('the page going away closes the Leg', async () => {
  const { leg, phone } = await pbxCalls();
  const closed = once<LegCloseReason>(leg, 'closed', 10_000);
  const started = performance.now();
  await phone.close();
  const reason = await closed;
  console.log(`  closed (${reason}) after ${(performance.now() - started).toFixed(0)} ms`);
  assert.ok(leg.closed);
});

test('a crashed page (no goodbye) closes the Leg within 10 s', async () => {
  const { leg, phone } = await browserCalls();
  const closed = once<LegCloseReason>(leg, 'closed', 10_000);
  const started = performance.now();
  const session = await phone.page.context().newCDPSession(phone.page);
  void session.send('Page.crash').catch(() => {}); // never answers: the page dies
  const reason = await closed;
  console.log(`  closed (${reason}) after ${(performance.now() - started).toFixed(0)} ms`);
  assert.is(reason, 'media-timeout');
});

test('50 legs created and closed leave no sockets or timers', async () => {
  // Some closed at once, some after their offer (sockets open), some while the offer is gathering.
  const batch = Array.from({ length: 50 }, () => createLeg({ portRange: [40000, 40999] }));
  await Promise.all(
    batch.map(async (leg, i) => {
      if (i % 3 === 0) return leg.close();
      const offer = leg.createOffer();
      if (i % 3 === 1) {
        await offer;
        return leg.close();
      }
      await Promise.all([offer.catch(() => {}), leg.close()]);
    }),
  );
  for (const leg of batch) assert.ok(leg.closed);
  // Also everything from the calls above.
  await Promise.all(legs.map((leg) => leg.close()));
  await sleep(200);
  const now = countResources();
  const leaks = [...now].filter(([name, count]) => ['UDPWRAP', 'TIMEOUT', 'IMMEDIATE', 'GETADDRINFOREQWRAP'].includes(name.toUpperCase()) && count > (resourcesBefore.get(name) ?? 0));
  console.log(`  resources now ${JSON.stringify(Object.fromEntries(now))}, before ${JSON.stringify(Object.fromEntries(resourcesBefore))}`);
  assert.equal(leaks, []);
});

test.run();
