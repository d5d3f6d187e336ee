import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { OpusDtmfListener } from '../../../media/dsp/opus-dtmf-listener.ts';
import { dtmfTone } from '../../../media/dsp/dtmf-tone.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import type { DtmfDigit } from '../../../media/dtmf-digit.ts';
import { sineTone } from '../../../media/audio/wav.ts';

const silence = (ms: number) => new Float32Array(Math.round((ms / 1000) * 48000));

test('keys sent as sound through Opus come out once each, in order, at Q.24 timings', () => {
  const digits: DtmfDigit[] = ['1', '2', '3', '#', '0', '*', '9', '9'];
  const pcm = concatFloat32([silence(100), ...digits.flatMap((d) => [dtmfTone(d, 40, { sampleRate: 48000 }), silence(40)]), silence(100)]);
  const listener = new OpusDtmfListener();
  const heard = encodeOpusClip(pcm).frames.flatMap((frame) => listener.push(frame).map((key) => key.digit));
  listener.close();
  assert.equal(heard, digits);
});

test('a voice-like tone and music do not make digits', () => {
  const pcm = concatFloat32([sineTone(440, 1, 48000), sineTone(697, 0.5, 48000), sineTone(1209, 0.5, 48000)]);
  const listener = new OpusDtmfListener();
  const heard = encodeOpusClip(pcm).frames.flatMap((frame) => listener.push(frame).map((key) => key.digit));
  listener.close();
  assert.equal(heard, []);
});

test.run();
