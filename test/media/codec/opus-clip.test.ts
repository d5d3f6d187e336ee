import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { decodeOpusClip, encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { activeRmsLevel, peakLevel, toDbfs } from '../../../media/dsp/loudness.ts';
import { dominantFrequency, toneShare } from '../signal.ts';

const test = suite('codec/opus-clip');

test('a clip is one 20 ms frame per 960 samples, the last padded', () => {
  const clip = encodeOpusClip(sineTone(800, 0.51, 48000, 0.3)); // 24480 samples = 25.5 frames
  assert.is(clip.frames.length, 26);
  assert.is(clip.durationMs, 520);
  assert.ok(clip.frames.every((f) => f.length > 0 && f.length < 400));
  assert.is(encodeOpusClip(new Float32Array(0)).frames.length, 0);
});

test('round trip keeps the tone and its level', () => {
  const source = sineTone(800, 1, 48000, 0.3);
  const decoded = decodeOpusClip(encodeOpusClip(source));
  assert.is(decoded.length, 48000);
  const steady = decoded.subarray(4800);
  assert.is(dominantFrequency(steady, 48000, 200, 4000, 5), 800);
  assert.ok(toneShare(steady, 800, 48000) > 0.95);
  assert.ok(Math.abs(toDbfs(activeRmsLevel(steady)) - toDbfs(activeRmsLevel(source))) < 1);
});

test('loudness normalisation before encoding: peak and RMS targets survive the codec', () => {
  const quiet = sineTone(500, 1, 48000, 0.02);
  const peak = decodeOpusClip(encodeOpusClip(quiet, { loudness: { mode: 'peak', targetDbfs: -3 } })).subarray(4800);
  assert.ok(Math.abs(toDbfs(peakLevel(peak)) + 3) < 1, `peak ${toDbfs(peakLevel(peak))} dBFS`);
  const rms = decodeOpusClip(encodeOpusClip(quiet, { loudness: { mode: 'rms', targetDbfs: -18 } })).subarray(4800);
  assert.ok(Math.abs(toDbfs(activeRmsLevel(rms)) + 18) < 1, `rms ${toDbfs(activeRmsLevel(rms))} dBFS`);
});

test.run();
