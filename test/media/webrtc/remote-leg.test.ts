// Legs on the media worker thread, driven from this thread: two werift "browsers" call in, the
// worker relays them to each other, this thread listens to one and plays to the other, DTMF
// arrives, and closing releases every socket of the worker. Runs alone:
// node --import tsx test/media/webrtc/remote-leg.test.ts
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpChannel } from '../../../media/webrtc/rtp-channel.ts';
import type { RtpPacketView } from '../../../media/rtp/srtp.ts';
import { MediaWorker, type RemoteLeg } from '../../../media/webrtc/remote-leg.ts';
import { loopbackOnly, loopbackPeerConnection } from '../../support/headless-phone.ts';

setTimeout(() => {
  console.error('remote-leg.test.ts: still running after 2 minutes, giving up');
  process.exit(1);
}, 120_000).unref();

const test = suite('media/webrtc/remote-leg (media worker)');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Browser {
  leg: RemoteLeg;
  channel: RtpChannel;
  received: RtpPacketView[];
  ssrc: number;
  close(): Promise<void>;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** A werift peer on loopback calls a leg on the worker, as a browser would. */
async function browserCalls(worker: MediaWorker): Promise<Browser> {
  const { pc, transceiver } = loopbackPeerConnection();
  const leg = worker.create();
  await pc.setLocalDescription(await pc.createOffer());
  const answer = await leg.acceptOffer(pc.localDescription!.sdp);
  const connected = new Promise<void>((resolve) => leg.once('connected', () => resolve()));
  await pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnly(answer) });
  await until(() => pc.connectionState === 'connected', 'browser connection');
  await connected;
  const received: RtpPacketView[] = [];
  const channel = RtpChannel.open(transceiver.dtlsTransport, (packet) => received.push({ ...packet, payload: Buffer.from(packet.payload) }))!;
  assert.ok(channel, 'SRTP profile AES_CM_128_HMAC_SHA1_80');
  return { leg, channel, received, ssrc: transceiver.sender.ssrc, close: () => pc.close() };
}

function send(browser: Browser, count: number, tag: number, payloadType = 111, firstSequence = 1000): void {
  for (let i = 0; i < count; i++) {
    browser.channel.send({ payloadType, sequenceNumber: firstSequence + i, timestamp: 5000 + i * 960, ssrc: browser.ssrc, marker: i === 0 }, Buffer.from([tag, i]));
  }
}

test('relays both ways inside the worker, listens and plays from here, reports DTMF, releases its sockets', async () => {
  const worker = new MediaWorker({ leg: { announcedAddresses: ['127.0.0.1'] } }).start();
  try {
    const a = await browserCalls(worker);
    const b = await browserCalls(worker);
    assert.ok(a.leg.connected && b.leg.connected);

    const aToB = worker.relay(a.leg, b.leg);
    const bToA = worker.relay(b.leg, a.leg);
    await sleep(50);
    send(a, 10, 0xa);
    send(b, 10, 0xb);
    await until(() => a.received.length >= 10 && b.received.length >= 10, 'relayed packets');
    assert.equal(b.received.map((p) => [...p.payload]), Array.from({ length: 10 }, (_, i) => [0xa, i]), 'B hears A, in order');
    assert.equal(a.received.map((p) => [...p.payload]), Array.from({ length: 10 }, (_, i) => [0xb, i]), 'A hears B, in order');

    // Listening here: A's packets cross to this thread while someone listens, and only then.
    const heard: number[] = [];
    const onRtp = (packet: { payload: Buffer }) => heard.push(packet.payload[1]!);
    a.leg.on('rtp', onRtp);
    await sleep(50);
    send(a, 5, 0xa, 111, 1010);
    await until(() => heard.length >= 5, 'packets on this thread');
    a.leg.off('rtp', onRtp);
    await sleep(50);
    send(a, 5, 0xa, 111, 1015);
    await until(() => b.received.length >= 20, 'the relay going on');
    assert.equal(heard, [0, 1, 2, 3, 4]);

    // Played from here: the worker's leg numbers the frames into B's stream.
    aToB.close();
    await sleep(50);
    const before = b.received.length;
    for (let i = 0; i < 5; i++) assert.ok(b.leg.sendOpus(Uint8Array.from([0xcc, i])));
    await until(() => b.received.length >= before + 5, 'played frames');
    const played = b.received.slice(before);
    assert.equal(played.map((p) => [...p.payload]), Array.from({ length: 5 }, (_, i) => [0xcc, i]));
    for (let i = 1; i < played.length; i++) assert.is(played[i]!.sequenceNumber, (played[i - 1]!.sequenceNumber + 1) & 0xffff, 'one continuous stream');

    // DTMF both ways: an RFC 4733 key from A is reported here; digits played to B arrive as events.
    const digits: string[] = [];
    a.leg.on('dtmf', ({ digit }) => digits.push(digit));
    for (const [i, end] of [false, false, true].entries()) {
      a.channel.send({ payloadType: 126, sequenceNumber: 2000 + i, timestamp: 90_000, ssrc: a.ssrc, marker: i === 0 }, Buffer.from([5, (end ? 0x80 : 0) | 10, 0, 160 * (i + 1)]));
    }
    await until(() => digits.length === 1, 'a digit');
    assert.equal(digits, ['5']);
    const eventsBefore = b.received.filter((p) => p.payloadType === 126).length;
    await b.leg.sendDtmf('7', { durationMs: 40, gapMs: 0 });
    await until(() => b.received.filter((p) => p.payloadType === 126).length > eventsBefore, 'telephone-event packets');

    bToA.close();
    const closed = new Promise((resolve) => b.leg.once('closed', resolve));
    await Promise.all([a.leg.close(), b.leg.close()]);
    assert.is(await closed, 'local');
    assert.ok(a.leg.closed && b.leg.closed);
    assert.is(worker.openLegs, 0);
    await Promise.all([a.close(), b.close()]);
    await until(() => (worker.activeResources.UDPWrap ?? 0) === 0, "the worker's sockets closed", 5000);
  } finally {
    await worker.close();
  }
});

test('legs end when the worker is gone, and a refused offer is an error here', async () => {
  const worker = new MediaWorker({ leg: { announcedAddresses: ['127.0.0.1'] } }).start();
  try {
    const leg = worker.create();
    const refused = await leg.acceptOffer('v=0\r\nnot an offer').then(() => null, (error: Error) => error);
    assert.instance(refused, Error);
    const a = await browserCalls(worker);
    const ended = new Promise((resolve) => a.leg.once('closed', resolve));
    await worker.close();
    assert.is(await ended, 'media-worker-exited');
    assert.ok(a.leg.closed);
    assert.not.ok(a.leg.sendOpus(Uint8Array.from([1])));
    await a.close();
  } finally {
    await worker.close();
  }
});

test.run();
