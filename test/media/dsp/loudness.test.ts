import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { activeRmsLevel, loudnessGain, normalizeLoudness, peakLevel, toDbfs } from '../../../media/dsp/loudness.ts';
import { concat } from '../signal.ts';

const test = suite('dsp/loudness');
const close = (actual: number, expected: number, tolerance = 0.05) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} not within ${tolerance} of ${expected}`);

test('peak and active RMS of a sine', () => {
  const tone = sineTone(1000, 0.5, 48000, 0.5);
  close(toDbfs(peakLevel(tone)), -6.02, 0.01);
  close(toDbfs(activeRmsLevel(tone)), -9.03, 0.01);
});

test('active RMS ignores silence between words', () => {
  const tone = sineTone(500, 0.5, 48000, 0.5);
  const withPauses = concat(new Float32Array(48000), tone, new Float32Array(96000));
  close(activeRmsLevel(withPauses), activeRmsLevel(tone), 0.001);
  assert.is(activeRmsLevel(new Float32Array(4800)), 0);
});

test('peak normalisation hits the target peak', () => {
  const out = normalizeLoudness(sineTone(700, 0.2, 48000, 0.1), { mode: 'peak', targetDbfs: -3 });
  close(toDbfs(peakLevel(out)), -3, 0.01);
});

test('RMS normalisation hits the target level, but never lets peaks past the ceiling', () => {
  const quiet = sineTone(700, 0.2, 48000, 0.05);
  close(toDbfs(activeRmsLevel(normalizeLoudness(quiet, { mode: 'rms', targetDbfs: -20 }))), -20, 0.01);
  const capped = normalizeLoudness(quiet, { mode: 'rms', targetDbfs: -1, ceilingDbfs: -2 });
  close(toDbfs(peakLevel(capped)), -2, 0.01);
});

test('silence is left alone', () => {
  assert.is(loudnessGain(new Float32Array(960), { mode: 'rms', targetDbfs: -20 }), 1);
  assert.is(loudnessGain(new Float32Array(960), { mode: 'peak', targetDbfs: -1 }), 1);
});

test.run();
