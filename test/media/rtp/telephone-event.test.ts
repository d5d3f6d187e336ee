import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DTMF_DIGITS } from '../../../media/dtmf-digit.ts';
import {
  decodeTelephoneEvent,
  digitForEvent,
  encodeTelephoneEvent,
  eventForDigit,
  TelephoneEventReceiver,
  telephoneEventPackets,
} from '../../../media/rtp/telephone-event.ts';

const test = suite('rtp/telephone-event');

test('encodes the RFC 4733 layout: event, E bit, reserved bit, volume, 16-bit duration', () => {
  const payload = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 0x1234 });
  assert.equal(Array.from(payload), [11, 0x80 | 10, 0x12, 0x34]);
  assert.equal(Array.from(encodeTelephoneEvent({ event: 5, end: false, volume: 63, duration: 960 })), [5, 63, 0x03, 0xc0]);
});

test('decodes what it encodes, and ignores the reserved bit and short payloads', () => {
  for (const sample of [
    { event: 0, end: false, volume: 0, duration: 0 },
    { event: 15, end: true, volume: 63, duration: 0xffff },
    { event: 16, end: false, volume: 7, duration: 160 },
  ]) {
    assert.equal(decodeTelephoneEvent(encodeTelephoneEvent(sample)), sample);
  }
  assert.equal(decodeTelephoneEvent(new Uint8Array([1, 0x80 | 0x40 | 12, 0, 160])), { event: 1, end: true, volume: 12, duration: 160 });
  assert.is(decodeTelephoneEvent(new Uint8Array([1, 2, 3])), undefined);
});

test('rejects values that do not fit the fields', () => {
  assert.throws(() => encodeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 }));
  assert.throws(() => encodeTelephoneEvent({ event: 1, end: false, volume: 10, duration: 0x10000 }));
  assert.throws(() => encodeTelephoneEvent({ event: 256, end: false, volume: 10, duration: 0 }));
});

test('event codes 0-9, 10 *, 11 #, 12-15 A-D', () => {
  assert.equal(DTMF_DIGITS.map(eventForDigit), [...Array(16).keys()]);
  assert.is([...Array(16).keys()].map((e) => digitForEvent(e)).join(''), '0123456789*#ABCD');
  assert.is(digitForEvent(16), undefined);
});

test('the sender plan: marked start, growing durations, three identical end packets', () => {
  const packets = telephoneEventPackets('#', { durationMs: 100, clockRate: 48000, packetIntervalMs: 20 });
  const decoded = packets.map((p) => decodeTelephoneEvent(p.payload)!);
  assert.equal(packets.map((p) => p.marker), [true, false, false, false, false, false, false]);
  assert.equal(decoded.map((e) => e.duration), [960, 1920, 2880, 3840, 4800, 4800, 4800]);
  assert.equal(decoded.map((e) => e.end), [false, false, false, false, true, true, true]);
  assert.ok(decoded.every((e) => e.event === 11 && e.volume === 10));
  assert.equal(packets.map((p) => p.sendAtMs), [0, 20, 40, 60, 80, 100, 120]);
  const narrowband = telephoneEventPackets('1', { durationMs: 60, clockRate: 8000 }).map((p) => decodeTelephoneEvent(p.payload)!.duration);
  assert.equal(narrowband, [160, 320, 480, 480, 480]);
});

/** Plays the sender's packets for a series of digits into a receiver, with RTP timestamps. */
function sendDigits(receiver: TelephoneEventReceiver, digits: string, start = 1000) {
  const got: { digit: string; rtpTimestamp: number }[] = [];
  let timestamp = start;
  for (const digit of digits) {
    for (const packet of telephoneEventPackets(digit as '1')) {
      const result = receiver.receive(packet.payload, timestamp);
      if (result) got.push(result);
    }
    timestamp += 48000 * 0.2;
  }
  return got;
}

test('receiver reports each digit exactly once despite updates and repeated end packets', () => {
  const got = sendDigits(new TelephoneEventReceiver(), '0123456789*#ABCD');
  assert.is(got.map((g) => g.digit).join(''), '0123456789*#ABCD');
  assert.equal(got.slice(0, 3).map((g) => g.rtpTimestamp), [1000, 10600, 20200]);
});

test('the same digit pressed twice is two events (told apart by timestamp)', () => {
  assert.is(sendDigits(new TelephoneEventReceiver(), '1111').map((g) => g.digit).join(''), '1111');
});

test('a press whose start and updates were lost is still reported, once, from its end packets', () => {
  const receiver = new TelephoneEventReceiver();
  const end = encodeTelephoneEvent({ event: 3, end: true, volume: 10, duration: 4800 });
  assert.equal(receiver.receive(end, 5000), { digit: '3', rtpTimestamp: 5000 });
  assert.is(receiver.receive(end, 5000), undefined);
  assert.is(receiver.receive(end, 5000), undefined);
});

test('late repeats of an earlier event after a newer one are ignored', () => {
  const receiver = new TelephoneEventReceiver();
  const endOf = (event: number) => encodeTelephoneEvent({ event, end: true, volume: 10, duration: 4800 });
  assert.ok(receiver.receive(endOf(1), 100));
  assert.ok(receiver.receive(endOf(2), 20000));
  assert.is(receiver.receive(endOf(1), 100), undefined, 'reordered end packet of the first press');
});

test('a key held past the 16-bit duration continues under a new timestamp without a second digit', () => {
  const receiver = new TelephoneEventReceiver();
  const update = (duration: number, end = false) => encodeTelephoneEvent({ event: 5, end, volume: 10, duration });
  assert.ok(receiver.receive(update(960), 0));
  assert.is(receiver.receive(update(0xffff), 0), undefined);
  assert.is(receiver.receive(update(960), 0xffff), undefined);
  assert.is(receiver.receive(update(4800, true), 0xffff), undefined);
  assert.ok(receiver.receive(update(960), 0xffff + 4800 + 9600), 'the next press is new');
});

test('non-DTMF events (e.g. 16, flash) produce no digit; timestamps wrap around 2^32', () => {
  const receiver = new TelephoneEventReceiver();
  assert.is(receiver.receive(encodeTelephoneEvent({ event: 16, end: false, volume: 10, duration: 160 }), 7), undefined);
  const wrapped = receiver.receive(encodeTelephoneEvent({ event: 9, end: false, volume: 10, duration: 160 }), 2 ** 32 + 5);
  assert.equal(wrapped, { digit: '9', rtpTimestamp: 5 });
  assert.is(receiver.receive(new Uint8Array([1]), 9), undefined, 'truncated payload');
});

test.run();
