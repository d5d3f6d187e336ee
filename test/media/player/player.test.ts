import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpusClip } from '../../../media/codec/opus-clip.ts';
import { LoopTrack, Player } from '../../../media/player/player.ts';

/** Frames that say their own index, so a test can see which one a listener got. */
const numberedClip = (frames: number): OpusClip => ({
  frames: Array.from({ length: frames }, (_, i) => Uint8Array.of(i)),
  durationMs: frames * 20,
});

const timersLeft = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('a loop gives every listener the same frame at the same time, and wraps round', async () => {
  const player = new Player();
  const loop = new LoopTrack(numberedClip(5));
  const received: number[][] = Array.from({ length: 100 }, () => []);
  const stops = received.map((frames) => player.listen(loop, (frame) => frames.push(frame[0]!)));
  await new Promise((resolve) => setTimeout(resolve, 250));
  stops.forEach((stop) => stop());
  const first = received[0]!;
  assert.ok(first.length >= 8, `got ${first.length} frames in 250 ms`);
  for (const frames of received) assert.equal(frames, first);
  assert.equal(first.slice(0, 7), [0, 1, 2, 3, 4, 0, 1]);
  player.close();
});

test('a one-shot clip plays once from its start and then resolves', async () => {
  const player = new Player();
  const frames: number[] = [];
  const started = performance.now();
  await player.play(numberedClip(10), (frame) => frames.push(frame[0]!)).done;
  const elapsed = performance.now() - started;
  assert.equal(frames, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(elapsed >= 170 && elapsed < 400, `10 frames took ${elapsed} ms`);
  player.close();
});

test('stop ends a one-shot early; an empty clip resolves at once', async () => {
  const player = new Player();
  const frames: number[] = [];
  const playback = player.play(numberedClip(100), (frame) => frames.push(frame[0]!));
  setTimeout(() => playback.stop(), 70);
  await playback.done;
  assert.ok(frames.length >= 2 && frames.length <= 6, `${frames.length} frames before stop`);
  await player.play(numberedClip(0), () => assert.unreachable('nothing to send')).done;
  player.close();
});

test('the clock keeps 20 ms on average without drifting, and stops when nobody listens', async () => {
  const player = new Player();
  const before = timersLeft();
  let ticks = 0;
  const stop = player.listen(new LoopTrack(numberedClip(3)), () => ticks++);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  stop();
  assert.ok(ticks >= 46 && ticks <= 52, `${ticks} ticks in 1 s`);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.is(timersLeft(), before, 'no timer left once nobody listens');
  assert.is(player.listenerCount, 0);
});

test.run();
