// Waiting music with a message repeated over it: rendered once into one loop, the message at the
// start of every cycle, the music ducked under the voice and back to full level between messages.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeOpusClip, decodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { renderDuckedLoop } from '../../../media/dsp/ducked-mix.ts';
import { goertzelPower } from '../../../media/dsp/goertzel.ts';
import { renderWaitingLoop, renderWaitingLoopOffThread } from '../../../media/audio/waiting-loop.ts';
import { tone } from '../../support/audio-files.ts';

const test = suite('dsp/ducked-mix');
const RATE = 48000;
const MUSIC_HZ = 400;
const VOICE_HZ = 1200;

/** Level (dB) of `hz` in the 200 ms around `seconds`. */
function levelAt(samples: Float32Array, seconds: number, hz: number): number {
  const start = Math.round((seconds - 0.1) * RATE);
  return 10 * Math.log10(goertzelPower(samples, hz, RATE, start, Math.round(0.2 * RATE)) + 1e-12);
}

test('one cycle per message: voice over ducked music, then the music alone at full level', () => {
  const music = tone(MUSIC_HZ, 12, RATE, 0.1);
  const voice = tone(VOICE_HZ, 2, RATE, 0.3);
  const loop = renderDuckedLoop(music, voice, { gapSamples: 4 * RATE, sampleRate: RATE, duckDb: -16 });
  // 2 s of voice + 4 s of music = 6 s a cycle; two cycles cover the 12 s of music.
  assert.is(loop.length, 12 * RATE);
  for (const cycleStart of [0, 6]) {
    const underVoice = levelAt(loop, cycleStart + 1, MUSIC_HZ);
    const alone = levelAt(loop, cycleStart + 4, MUSIC_HZ);
    assert.ok(Math.abs(alone - underVoice - 16) < 0.5, `music ducked by 16 dB under the voice: ${underVoice.toFixed(1)} vs ${alone.toFixed(1)}`);
    assert.ok(levelAt(loop, cycleStart + 1, VOICE_HZ) > levelAt(loop, cycleStart + 1, MUSIC_HZ) + 20, 'the voice is well above the music');
    assert.ok(levelAt(loop, cycleStart + 4, VOICE_HZ) < -60, 'no voice between messages');
  }
  // The music runs on across cycles: at 7 s of the loop it is at 7 s of the music (wrapping), not restarted.
  const index = 7 * RATE + 123;
  const gain = (loop[index]! - voice[index - 6 * RATE]!) / music[index]!;
  assert.ok(Math.abs(gain - 10 ** (-16 / 20)) < 0.02, `ducked music at its own position: gain ${gain}`);
});

test('short music loops round under a longer cycle; ramps meet without a jump', () => {
  const music = tone(MUSIC_HZ, 1, RATE, 0.1);
  const voice = tone(VOICE_HZ, 1, RATE, 0.3);
  const loop = renderDuckedLoop(music, voice, { gapSamples: Math.round(0.5 * RATE), sampleRate: RATE });
  assert.is(loop.length, 1.5 * RATE);
  let biggestStep = 0;
  for (let i = 1; i < loop.length; i++) biggestStep = Math.max(biggestStep, Math.abs(loop[i]! - loop[i - 1]!));
  assert.ok(biggestStep < 0.1, `no click: largest step ${biggestStep}`);
});

test('the Opus loop, rendered off thread, equals the one rendered here, and holds both sounds', async () => {
  const music = encodeOpusClip(tone(MUSIC_HZ, 8, RATE, 0.3), { application: 'audio' });
  const message = encodeOpusClip(tone(VOICE_HZ, 2, RATE, 0.3));
  const here = renderWaitingLoop(music, message, 5);
  const there = await renderWaitingLoopOffThread(music, message, 5);
  assert.is(there.frames.length, here.frames.length);
  assert.is(here.durationMs, 14_000); // 2 cycles of 2 s + 5 s cover the 8 s of music
  assert.equal(Buffer.from(there.frames[100]!), Buffer.from(here.frames[100]!));
  const pcm = decodeOpusClip(here);
  assert.ok(levelAt(pcm, 1, VOICE_HZ) > levelAt(pcm, 1, MUSIC_HZ) + 10, 'the voice above the music at 1 s');
  assert.ok(levelAt(pcm, 4.5, MUSIC_HZ) > levelAt(pcm, 1, MUSIC_HZ) + 10, 'the music back up at 4.5 s');
  assert.ok(levelAt(pcm, 8, VOICE_HZ) > levelAt(pcm, 8, MUSIC_HZ), 'the message again in the second cycle (7 s)');
});

test.run();
