// Conference rooms on their clock, with legs that stand in for the media worker's Legs: packets in
// through 'rtp', mixes out through sendOpus, a leg's close takes it out of its room.
import { EventEmitter } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpusDecoder } from '../../../media/codec/opus.ts';
import { goertzelPower } from '../../../media/dsp/goertzel.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import { ConferenceRooms } from '../../../media/mixer/conference-rooms.ts';
import type { LegEvents } from '../../../media/webrtc/leg.ts';
import type { MediaLeg } from '../../../media/webrtc/media-leg.ts';
import { opusToneFrames, paced } from '../../support/tone-analysis.ts';

class TestLeg extends EventEmitter<LegEvents> {
  closed = false;
  connected = true;
  closeReason = undefined;
  sent: Uint8Array[] = [];
  sendOpus(payload: Uint8Array): boolean {
    this.sent.push(payload);
    return true;
  }
  close(): Promise<void> {
    this.closed = true;
    this.emit('closed', 'local');
    return Promise.resolve();
  }
  /** Its phone talks: one packet of `frames` every 20 ms. */
  talk(frames: Uint8Array[]) {
    return paced(frames.length, 20, (i) => this.emit('rtp', { payload: Buffer.from(frames[i]!), sequenceNumber: i, timestamp: i * 960, marker: i === 0 }));
  }
}

const asLeg = (leg: TestLeg) => leg as unknown as MediaLeg;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

function powerDb(frames: Uint8Array[], hz: number, skipFrames = 5): number {
  const decoder = new OpusDecoder();
  const pcm = concatFloat32(frames.map((frame) => decoder.decode(frame))).subarray(skipFrames * 960);
  decoder.close();
  return 10 * Math.log10(goertzelPower(pcm, hz, 48_000) + 1e-12);
}

test('two rooms on one clock: each leg hears its own room only, every 20 ms; closed legs leave; no timer is left', async () => {
  const timersBefore = timers();
  const rooms = new ConferenceRooms();
  const [a, b, x, y] = [new TestLeg(), new TestLeg(), new TestLeg(), new TestLeg()];
  rooms.join('sales', asLeg(a));
  rooms.join('sales', asLeg(b));
  rooms.join('support', asLeg(x));
  rooms.join('support', asLeg(y));
  for (const leg of [a, b, x, y]) rooms.hear(asLeg(leg), true);
  assert.equal({ rooms: rooms.takeStats().rooms }, { rooms: 2 });
  const talks = [a.talk(opusToneFrames(440, 50, 0.3)), b.talk(opusToneFrames(660, 50, 0.3)), x.talk(opusToneFrames(880, 50, 0.3)), y.talk(opusToneFrames(1100, 50, 0.3))];
  await Promise.all(talks.map((t) => t.done));
  await sleep(60);
  const stats = rooms.takeStats();
  assert.ok(stats.ticks >= 45 && stats.ticks <= 60, `about 50 ticks in 1 s: ${stats.ticks}`);
  assert.ok(a.sent.length >= 45, `a was sent a frame per tick: ${a.sent.length}`);
  assert.ok(powerDb(a.sent, 660) > -20, 'a hears b');
  assert.ok(powerDb(a.sent, 880) < -45 && powerDb(a.sent, 1100) < -45, 'a hears nobody of the other room');
  assert.ok(powerDb(x.sent, 1100) > -20 && powerDb(x.sent, 440) < -45, 'x hears y, not a');

  await b.close();
  const aBefore = a.sent.length;
  await sleep(100);
  assert.is(a.sent.length, aBefore, 'a, alone, is sent nothing');
  assert.is(rooms.takeStats().participants, 3);
  rooms.leave(asLeg(a));
  rooms.leave(asLeg(x));
  rooms.leave(asLeg(y));
  assert.is(rooms.takeStats().rooms, 0);
  assert.ok(timers() <= timersBefore, 'the clock stopped with the last room');
  assert.is(a.listenerCount('rtp') + x.listenerCount('rtp') + a.listenerCount('closed'), 0, 'no listener left on the legs');
  rooms.close();
});

test('hear(false) stops the mix to one leg while it stays heard; announce reaches the others', async () => {
  const rooms = new ConferenceRooms();
  try {
    const [a, b] = [new TestLeg(), new TestLeg()];
    rooms.join('r', asLeg(a));
    rooms.join('r', asLeg(b));
    rooms.hear(asLeg(b), true);
    const talk = a.talk(opusToneFrames(440, 30, 0.3));
    await talk.done;
    await sleep(40);
    assert.is(a.sent.length, 0, 'a hears something else meanwhile');
    assert.ok(powerDb(b.sent, 440) > -20, 'b still hears a');
    const bBefore = b.sent.length;
    rooms.hear(asLeg(a), true);
    rooms.announce(asLeg(a), 'join');
    await sleep(300);
    assert.ok(a.sent.length >= 10, 'a hears the mix again');
    // The join tone: 587 Hz then 784 Hz, 120 ms each.
    assert.ok(powerDb(b.sent.slice(bBefore), 587.33, 0) > -30 && powerDb(b.sent.slice(bBefore), 783.99, 0) > -30, 'b hears the join tone');
    assert.ok(powerDb(a.sent, 587.33, 0) < -45 && powerDb(a.sent, 783.99, 0) < -45, 'a does not hear its own join tone');
  } finally {
    rooms.close();
  }
});

test.run();
