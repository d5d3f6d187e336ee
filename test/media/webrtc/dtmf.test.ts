import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DtmfDetector, digitToEvent, eventToDigit, parseTelephoneEvent, serializeTelephoneEvent } from '../../../media/webrtc/dtmf.ts';

const test = suite('media/webrtc/dtmf');

test('digits map to RFC 4733 events and back', () => {
  assert.is(digitToEvent('0'), 0);
  assert.is(digitToEvent('9'), 9);
  assert.is(digitToEvent('*'), 10);
  assert.is(digitToEvent('#'), 11);
  assert.is(digitToEvent('a'), 12);
  assert.is(digitToEvent('x'), undefined);
  assert.is(eventToDigit(11), '#');
  assert.is(eventToDigit(16), undefined);
});

test('payloads round-trip', () => {
  const event = { event: 11, end: true, volume: 10, duration: 4800 };
  const payload = serializeTelephoneEvent(event);
  assert.equal([...payload], [11, 0x8a, 0x12, 0xc0]);
  assert.equal(parseTelephoneEvent(payload), event);
  assert.is(parseTelephoneEvent(new Uint8Array(3)), undefined);
});

test('the detector reports each digit once, at its first end packet', () => {
  const detector = new DtmfDetector(48_000);
  const packet = (event: number, end: boolean, duration: number) => serializeTelephoneEvent({ event, end, volume: 10, duration });
  const found: string[] = [];
  // '1' at timestamp 1000: updates, then the end packet three times.
  for (const duration of [960, 1920, 2880]) found.push(...detector.push(1000, packet(1, false, duration)).map((d) => d.digit));
  for (let i = 0; i < 3; i++) found.push(...detector.push(1000, packet(1, true, 4800)).map((d) => d.digit));
  assert.equal(found, ['1']);
  // The same digit again is a new event (new timestamp).
  const again = detector.push(9000, packet(1, true, 4800));
  assert.equal(again, [{ digit: '1', durationMs: 100 }]);
});

test('a digit whose end packets were all lost is reported when the next one starts', () => {
  const detector = new DtmfDetector(8000);
  const packet = (event: number, end: boolean, duration: number) => serializeTelephoneEvent({ event, end, volume: 10, duration });
  assert.equal(detector.push(100, packet(5, false, 800)), []);
  assert.equal(
    detector.push(5000, packet(6, false, 160)).map((d) => d.digit),
    ['5'],
  );
  assert.equal(
    detector.push(5000, packet(6, true, 800)).map((d) => d.digit),
    ['6'],
  );
});

test.run();
