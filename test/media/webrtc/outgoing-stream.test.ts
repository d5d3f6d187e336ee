import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OutgoingRtpStream } from '../../../media/webrtc/outgoing-stream.ts';

const test = suite('media/webrtc/outgoing-stream');

function stream(start = { sequenceNumber: 65534, timestamp: 0xffffff00 }) {
  let now = 0;
  const s = new OutgoingRtpStream({ clockRate: 48_000, now: () => now, initialSequenceNumber: start.sequenceNumber, initialTimestamp: start.timestamp });
  return { s, advance: (ms: number) => (now += ms) };
}

test('frames are numbered consecutively and wrap around', () => {
  const { s, advance } = stream();
  const frames = [];
  for (let i = 0; i < 4; i++) {
    frames.push(s.nextFrame(960));
    advance(20);
  }
  assert.equal(
    frames.map((f) => f.sequenceNumber),
    [65534, 65535, 0, 1],
  );
  assert.equal(
    frames.map((f) => f.timestamp),
    [0xffffff00, (0xffffff00 + 960) >>> 0, (0xffffff00 + 1920) >>> 0, (0xffffff00 + 2880) >>> 0],
  );
  assert.equal(
    frames.map((f) => f.marker),
    [true, false, false, false],
  );
});

test('a source switch with a jittery timer keeps timestamps continuous', () => {
  const { s, advance } = stream({ sequenceNumber: 0, timestamp: 0 });
  s.nextFrame(960);
  advance(45); // late timer, still within the gap tolerance
  const next = s.nextFrame(960);
  assert.is(next.timestamp, 960);
  assert.is(next.marker, false);
});

test('a pause moves the timestamp by the wall-clock time and marks a talkspurt', () => {
  const { s, advance } = stream({ sequenceNumber: 0, timestamp: 0 });
  s.nextFrame(960);
  advance(1000); // one second without audio (e.g. between a prompt and the other party)
  const next = s.nextFrame(960);
  assert.is(next.timestamp, 48_000);
  assert.is(next.marker, true);
  assert.is(next.sequenceNumber, 1);
});

test('a telephone event takes its place in the stream; media resumes after it', () => {
  const { s, advance } = stream({ sequenceNumber: 10, timestamp: 0 });
  s.nextFrame(960);
  advance(20);
  const eventTimestamp = s.beginEvent(960);
  assert.is(eventTimestamp, 960);
  assert.equal([s.eventPacket(), s.eventPacket(), s.eventPacket()], [11, 12, 13]);
  advance(100);
  s.endEvent(eventTimestamp, 4800);
  advance(20);
  const resumed = s.nextFrame(960);
  assert.is(resumed.sequenceNumber, 14);
  assert.is(resumed.timestamp, 960 + 4800 + 960);
  assert.is(resumed.marker, true);
});

test.run();
