import { execFileSync } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { Mp3Streams } from '../../../media/codec/mp3-streams.ts';
import { oggOpusToMp3 } from '../../../media/codec/mp3-encoder.ts';
import { DtmfDetector } from '../../../media/dsp/dtmf-detector.ts';
import { dtmfTone } from '../../../media/dsp/dtmf-tone.ts';
import { OpusDtmfListener } from '../../../media/dsp/opus-dtmf-listener.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import { Recorder } from '../../../media/recorder/recorder.ts';
import { correlation, loudnessEnvelope } from '../../support/envelope.ts';
import { readFile, writeFile } from 'node:fs/promises';

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

/** An MP3 file decoded by ffmpeg at 24 kHz. */
function ffmpegMp3(mp3: Uint8Array, path: string): Promise<Float32Array> {
  return writeFile(path, mp3).then(() => {
    const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', '24000', '-'], { maxBuffer: 64 << 20 });
    return new Float32Array(pcm.buffer, pcm.byteOffset, pcm.length / 4);
  });
}

test('with Mp3Streams: the MP3 is made as packets come, follows the file through lost packets, and leaves out trimmed silence', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
  const path = join(dir, 'mp3.ogg');
  const streams = new Mp3Streams({ backlogSeconds: 1 });
  try {
    const recorder = await Recorder.toFile(path, { silenceSeconds: 10, mp3Streams: streams });
    // 4 s of a tone whose level changes every 250 ms (an envelope to follow), then 3 s of silence.
    const voice = concatFloat32(Array.from({ length: 16 }, (_, i) => sineTone(500, 0.25, 48000, i % 2 ? 0.4 : 0.1)));
    const clip = encodeOpusClip(concatFloat32([voice, new Float32Array(48000 * 3)]));
    clip.frames.forEach((frame, i) => {
      if (i % 25 !== 7) recorder.push(frame, 5000 + i * 960); // one packet in 25 lost
    });
    const result = await recorder.close();
    assert.ok(Math.abs(result.trailingSilenceMs - 3000) <= 60, `trailing silence ${result.trailingSilenceMs}`);
    const messageMs = result.durationMs - result.trailingSilenceMs;
    const streamed = await streams.finish(path, messageMs);
    assert.ok(streamed, 'the MP3 made while recording');
    const fromFile = (await oggOpusToMp3(await readFile(path), { endMs: messageMs })).mp3;
    const heard = await ffmpegMp3(streamed, join(dir, 'streamed.mp3'));
    const reference = await ffmpegMp3(fromFile, join(dir, 'from-file.mp3'));
    assert.ok(Math.abs(heard.length - reference.length) <= 24, `${heard.length} samples streamed, ${reference.length} from the file`);
    assert.ok(Math.abs(heard.length / 24 - (messageMs - 6.5)) <= 2, `the MP3 lasts ${heard.length / 24} ms for a ${messageMs} ms message`);
    const match = correlation(loudnessEnvelope(heard, 24000, 20), loudnessEnvelope(reference, 24000, 20));
    assert.ok(match > 0.98, `the same sound as the file's MP3: ${match.toFixed(3)}`);
  } finally {
    await streams.close();
  }
});

test('a # sent as sound at the end: its tone is measured, and the MP3 cut there has none of it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
  const path = join(dir, 'pound.ogg');
  const streams = new Mp3Streams({ backlogSeconds: 1 });
  try {
    const recorder = await Recorder.toFile(path, { silenceSeconds: 10, mp3Streams: streams });
    const listener = new OpusDtmfListener();
    const clip = encodeOpusClip(concatFloat32([sineTone(500, 3, 48000, 0.3), dtmfTone('#', 160), new Float32Array(48000 * 0.04)]));
    let heard = '';
    clip.frames.forEach((frame, i) => {
      recorder.push(frame, i * 960);
      for (const key of listener.push(frame)) {
        heard += key.digit;
        recorder.keyToneHeard(key.soundingMs);
      }
    });
    listener.close();
    assert.is(heard, '#');
    const result = await recorder.close();
    // From the tone's start (3 s, plus the Opus encoder's delay) to the end: 200 ms.
    assert.ok(Math.abs(result.keyToneMs - 200) <= 30, `key tone ${result.keyToneMs} ms`);
    const mp3 = await streams.finish(path, result.durationMs - result.keyToneMs);
    assert.ok(mp3);
    const detector = new DtmfDetector({ sampleRate: 24000 });
    assert.equal(detector.push(await ffmpegMp3(mp3, join(dir, 'pound.mp3'))), [], 'no key left in the MP3');
  } finally {
    await streams.close();
  }
});

test('a key heard long before the end is not what ended the recording', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
  const recorder = await Recorder.toFile(join(dir, 'early-key.ogg'), { silenceSeconds: 10 });
  const clip = encodeOpusClip(sineTone(500, 3, 48000, 0.3));
  clip.frames.forEach((frame, i) => {
    recorder.push(frame, i * 960);
    if (i === 50) recorder.keyToneHeard(40);
  });
  assert.is((await recorder.close()).keyToneMs, 0);
});

test.run();
