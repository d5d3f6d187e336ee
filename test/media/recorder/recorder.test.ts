import { execFileSync } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import { Recorder } from '../../../media/recorder/recorder.ts';

/** Decodes with ffmpeg and returns the duration in seconds. */
function ffmpegDuration(path: string): number {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', '48000', '-'], { maxBuffer: 64 << 20 });
  return pcm.length / 4 / 48000;
}

test('records packets as they come, fires silence once, and measures the trailing silence', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
  const path = join(dir, 'message.ogg');
  let clock = 0;
  const recorder = await Recorder.toFile(path, { silenceSeconds: 2, now: () => clock });
  let silences = 0;
  recorder.onSilence(() => silences++);
  const clip = encodeOpusClip(concatFloat32([sineTone(440, 2, 48000, 0.4), new Float32Array(48000 * 3)]));
  let timestamp = 123_456;
  for (const frame of clip.frames) {
    recorder.push(frame, timestamp);
    timestamp += 960;
    clock += 20;
    // The recorder checks silence on its own timer; give it a turn now and then.
    if (clock % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 110));
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  const result = await recorder.close();
  assert.is(silences, 1);
  assert.ok(Math.abs(result.durationMs - 5000) <= 40, `duration ${result.durationMs}`);
  assert.ok(Math.abs(result.trailingSilenceMs - 3000) <= 100, `trailing silence ${result.trailingSilenceMs}`);
  assert.ok(Math.abs(ffmpegDuration(path) - 5) < 0.1);
  assert.equal(await recorder.close(), result, 'close is idempotent');
});

test('lost packets keep their time in the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
  const path = join(dir, 'gaps.ogg');
  const recorder = await Recorder.toFile(path, { silenceSeconds: 10 });
  const clip = encodeOpusClip(sineTone(440, 2, 48000, 0.4));
  clip.frames.forEach((frame, i) => {
    if (i % 10 !== 3) recorder.push(frame, i * 960);
  });
  const result = await recorder.close();
  assert.ok(Math.abs(result.durationMs - 2000) <= 40, `duration ${result.durationMs}`);
  assert.ok(Math.abs(ffmpegDuration(path) - 2) < 0.1);
});

test('what was received reaches the disk within a second, before close', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
  const path = join(dir, 'flush.ogg');
  const recorder = await Recorder.toFile(path, { silenceSeconds: 10 });
  const clip = encodeOpusClip(sineTone(440, 0.3, 48000, 0.4));
  clip.frames.forEach((frame, i) => recorder.push(frame, i * 960));
  const headersOnly = (await stat(path)).size;
  await new Promise((resolve) => setTimeout(resolve, 1300));
  assert.ok((await stat(path)).size > headersOnly + 15 * 20, 'the packets are on disk');
  await recorder.close();
});

test.run();
