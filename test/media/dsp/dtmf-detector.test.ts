import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { OPUS_FRAME_SAMPLES, OpusDecoder, OpusEncoder } from '../../../media/codec/opus.ts';
import { DTMF_DIGITS, type DtmfDigit } from '../../../media/dtmf-digit.ts';
import { DtmfDetector, type DetectedDtmfDigit } from '../../../media/dsp/dtmf-detector.ts';
import { dtmfTone, type DtmfToneOptions } from '../../../media/dsp/dtmf-tone.ts';
import { EspeakSynthesizer } from '../../../media/tts/espeak.ts';
import { concat, seededRandom, whiteNoise, withNoise } from '../signal.ts';

const test = suite('dsp/dtmf-detector');
const RATE = 48000;

function silence(ms: number, sampleRate = RATE): Float32Array {
  return new Float32Array(Math.round((ms / 1000) * sampleRate));
}

/** Digits keyed at the given tone and pause lengths, starting after `leadMs` of silence. */
function keyed(digits: readonly DtmfDigit[], toneMs: number, pauseMs: number, leadMs = 0, tone: DtmfToneOptions = {}): Float32Array {
  const sampleRate = tone.sampleRate ?? RATE;
  return concat(silence(leadMs, sampleRate), ...digits.flatMap((d) => [dtmfTone(d, toneMs, tone), silence(pauseMs, sampleRate)]), silence(100, sampleRate));
}

/** Feeds 20 ms frames, as they come off the network. */
function detect(samples: Float32Array, detector = new DtmfDetector()): DetectedDtmfDigit[] {
  const frame = Math.round(detector.sampleRate * 0.02);
  const found: DetectedDtmfDigit[] = [];
  for (let i = 0; i < samples.length; i += frame) found.push(...detector.push(samples.subarray(i, i + frame)));
  return found;
}

const digitsOf = (found: DetectedDtmfDigit[]) => found.map((d) => d.digit).join('');
const ALL = DTMF_DIGITS.join('');

test('all 16 digits at Q.24 minimum timing (40 ms tone, 40 ms pause), at every block alignment', () => {
  for (let leadMs = 0; leadMs < 13; leadMs += 1.5) {
    assert.is(digitsOf(detect(keyed(DTMF_DIGITS, 40, 40, leadMs))), ALL, `lead ${leadMs} ms`);
  }
});

test('all 16 digits at 40/40 ms with white noise at 20 dB SNR', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const noisy = withNoise(keyed(DTMF_DIGITS, 40, 40, seed * 2.3), 20, seed);
    assert.is(digitsOf(detect(noisy)), ALL, `seed ${seed}`);
  }
});

test('all 16 digits at 40/40 ms survive an Opus round trip (tones sent through a voice channel)', () => {
  const encoder = new OpusEncoder();
  const decoder = new OpusDecoder();
  const keyedDigits = withNoise(keyed(DTMF_DIGITS, 40, 40, 6), 30, 11);
  const frames: Float32Array[] = [];
  for (let i = 0; i + OPUS_FRAME_SAMPLES <= keyedDigits.length; i += OPUS_FRAME_SAMPLES) {
    frames.push(decoder.decode(encoder.encode(keyedDigits.subarray(i, i + OPUS_FRAME_SAMPLES))));
  }
  encoder.close();
  decoder.close();
  assert.is(digitsOf(detect(concat(...frames))), ALL);
});

test('the same digit repeated with 40 ms pauses counts each press', () => {
  assert.is(digitsOf(detect(keyed(['5', '5', '5', '#', '#'], 40, 40, 3))), '555##');
});

test('a 1 s tone is one digit, even in noise', () => {
  const held = keyed(['7', '7', '0'], 1000, 60, 5);
  assert.is(digitsOf(detect(held)), '770');
  assert.is(digitsOf(detect(withNoise(held, 20, 9))), '770');
});

test('timestamps point at the tone starts', () => {
  const found = detect(keyed(['1', '2', '3'], 80, 120, 30));
  assert.is(digitsOf(found), '123');
  found.forEach((d, i) => {
    const expected = 30 + i * 200;
    assert.ok(Math.abs(d.atMs - expected) <= 13, `digit ${d.digit} at ${d.atMs} ms, expected ~${expected}`);
  });
});

test('quiet tones, twist and a 1.5% frequency error are still accepted', () => {
  assert.is(digitsOf(detect(keyed(DTMF_DIGITS, 50, 50, 0, { amplitude: 0.02 }))), ALL, 'about -34 dBFS per tone');
  assert.is(digitsOf(detect(keyed(DTMF_DIGITS, 50, 50, 0, { twistDb: -6 }))), ALL, 'high tone 6 dB weaker');
  assert.is(digitsOf(detect(keyed(DTMF_DIGITS, 50, 50, 0, { twistDb: 3 }))), ALL, 'high tone 3 dB stronger');
  const detuned = concat(...[1.015, 0.985].map((k) => {
    const t = Array.from({ length: Math.round(0.05 * RATE) }, (_, i) => i / RATE);
    return concat(Float32Array.from(t, (s) => 0.25 * Math.sin(2 * Math.PI * 852 * k * s) + 0.25 * Math.sin(2 * Math.PI * 1477 * k * s)), silence(60));
  }));
  assert.is(digitsOf(detect(detuned)), '99');
});

test('works on 8 kHz audio too', () => {
  const detector = new DtmfDetector({ sampleRate: 8000 });
  assert.is(digitsOf(detect(keyed(DTMF_DIGITS, 40, 40, 4, { sampleRate: 8000 }), detector)), ALL);
});

test('a single 697 Hz tone, or one DTMF tone alone, gives nothing', () => {
  assert.is(detect(sineTone(697, 2, RATE, 0.5)).length, 0);
  assert.is(detect(sineTone(1336, 2, RATE, 0.5)).length, 0);
});

test('white noise gives nothing', () => {
  assert.is(detect(whiteNoise(RATE * 10, 0.2, 3)).length, 0);
});

test('music-like chords (notes with harmonics, changing every 150 ms) give nothing', () => {
  const random = seededRandom(42);
  const parts: Float32Array[] = [];
  for (let chord = 0; chord < 200; chord++) {
    const notes = [0, 1, 2].map(() => 110 * 2 ** (Math.floor(random() * 36) / 12));
    const part = new Float32Array(Math.round(0.15 * RATE));
    for (let i = 0; i < part.length; i++) {
      let v = 0;
      for (const f of notes) for (let h = 1; h <= 6; h++) v += (0.12 / h) * Math.sin((2 * Math.PI * f * h * i) / RATE);
      part[i] = v;
    }
    parts.push(part);
  }
  const found = detect(concat(...parts));
  assert.is(found.length, 0, `detected ${digitsOf(found)}`);
});

test('pairs of tones that are not DTMF (3.5% off) give nothing', () => {
  const t = Array.from({ length: Math.round(0.3 * RATE) }, (_, i) => i / RATE);
  for (const k of [1.04, 0.96]) {
    const off = Float32Array.from(t, (s) => 0.25 * Math.sin(2 * Math.PI * 770 * k * s) + 0.25 * Math.sin(2 * Math.PI * 1336 * k * s));
    assert.is(detect(off).length, 0, `factor ${k}`);
  }
});

test('speech in four languages, digits and all, gives nothing (talk-off)', async () => {
  const espeak = await EspeakSynthesizer.load();
  const speech = concat(
    ...[
      ['fr', 'Bonjour, vous êtes bien sur la messagerie. Tapez 1, 2, 3, étoile ou dièse. Merci de votre appel !'],
      ['en', 'Hello, please press one, two or three, star or pound. Sessions, services, successes. Thank you!'],
      ['es', 'Hola, marque uno, dos o tres, asterisco o almohadilla. Gracias por su llamada.'],
      ['de', 'Hallo, drücken Sie eins, zwei oder drei, Stern oder Raute. Vielen Dank für Ihren Anruf!'],
    ].flatMap(([voice, text]) => [
      espeak.synthesize(text!, { voice: voice! }),
      espeak.synthesize(text!, { voice: voice!, variant: 'f3', pitch: 70 }),
    ]),
  );
  assert.ok(speech.length > RATE * 30, 'at least 30 s of speech');
  const found = detect(speech);
  assert.is(found.length, 0, `detected ${digitsOf(found)}`);
  // The same speech with a keyed digit in the middle still yields exactly that digit.
  const half = Math.floor(speech.length / 2);
  const mixed = concat(speech.subarray(0, half), dtmfTone('8', 60), speech.subarray(half));
  assert.is(digitsOf(detect(mixed)), '8');
});

test.run();
