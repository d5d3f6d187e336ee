import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { resample, Resampler } from '../../../media/dsp/resample.ts';
import { dominantFrequency, rms, toneShare } from '../signal.ts';

const test = suite('dsp/resample');

// Edges see the kernel run off the input; judge the middle.
function middle(samples: Float32Array, sampleRate: number): Float32Array {
  const margin = Math.round(0.05 * sampleRate);
  return samples.subarray(margin, samples.length - margin);
}

for (const fromRate of [8000, 16000, 22050, 44100]) {
  test(`${fromRate} Hz -> 48000 Hz keeps a 1 kHz tone's frequency, level and purity`, () => {
    const input = sineTone(1000, 0.5, fromRate, 0.5);
    const output = resample(input, fromRate, 48000);
    assert.is(output.length, 24000);
    const steady = middle(output, 48000);
    assert.is(dominantFrequency(steady, 48000, 500, 3000, 5), 1000);
    assert.ok(Math.abs(rms(steady) - 0.5 / Math.SQRT2) < 0.005, `rms ${rms(steady)}`);
    assert.ok(toneShare(steady, 1000, 48000) > 0.999, `tone share ${toneShare(steady, 1000, 48000)}`);
  });
}

test('48000 Hz -> 8000 Hz passes 3 kHz and removes 5 kHz instead of folding it to 3 kHz', () => {
  const pass = middle(resample(sineTone(3000, 0.5, 48000, 0.5), 48000, 8000), 8000);
  assert.ok(Math.abs(rms(pass) - 0.5 / Math.SQRT2) < 0.01, `3 kHz rms ${rms(pass)}`);
  const aliased = middle(resample(sineTone(5000, 0.5, 48000, 0.5), 48000, 8000), 8000);
  assert.ok(rms(aliased) < 0.5 * 10 ** (-60 / 20), `5 kHz leaked at rms ${rms(aliased)}`);
});

test('rates without a small common divisor work too (no phase table)', () => {
  const output = new Resampler(44101, 48000).resample(sineTone(440, 0.3, 44101, 0.5));
  assert.is(output.length, Math.round((0.3 * 44101 * 48000) / 44101));
  assert.is(dominantFrequency(middle(output, 48000), 48000, 200, 1000, 5), 440);
});

test('same rate returns a copy', () => {
  const input = sineTone(440, 0.01, 48000);
  const output = resample(input, 48000, 48000);
  assert.equal(Array.from(output), Array.from(input));
  assert.is.not(output, input);
});

test('a kept Resampler gives the same result as the one-off function', () => {
  const input = sineTone(700, 0.1, 22050);
  const kept = new Resampler(22050, 48000);
  assert.equal(Array.from(kept.resample(input)), Array.from(resample(input, 22050, 48000)));
});

test.run();
