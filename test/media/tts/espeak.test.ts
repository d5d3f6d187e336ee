import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { activeRmsLevel, toDbfs } from '../../../media/dsp/loudness.ts';
import { EspeakSynthesizer, phonemesToText, SPEECH_SAMPLE_RATE } from '../../../media/tts/espeak.ts';

const test = suite('tts/espeak');
let espeak: EspeakSynthesizer;

test.before(async () => {
  espeak = await EspeakSynthesizer.load();
});

const SENTENCES = {
  fr: 'Bonjour, vous êtes bien sur la messagerie de Switchboard.',
  en: 'Hello, you have reached the Switchboard voicemail.',
  es: 'Hola, ha llamado al buzón de voz de Switchboard.',
  de: 'Hallo, Sie sind mit der Mailbox von Switchboard verbunden.',
} as const;

test('each of fr, en, es, de speaks a short sentence: plausible length, audible', () => {
  for (const [voice, sentence] of Object.entries(SENTENCES)) {
    const pcm = espeak.synthesize(sentence, { voice });
    const seconds = pcm.length / SPEECH_SAMPLE_RATE;
    assert.ok(seconds > 1.5 && seconds < 6, `${voice}: ${seconds.toFixed(2)} s`);
    const level = toDbfs(activeRmsLevel(pcm));
    assert.ok(level > -35 && level < 0, `${voice}: ${level.toFixed(1)} dBFS`);
    assert.ok(pcm.every((v) => Number.isFinite(v) && Math.abs(v) <= 1));
  }
});

test('the languages really differ: the same digits are read differently', () => {
  // Loudness contours (RMS per 50 ms) of the same words in two languages hardly correlate, while
  // two takes in one language do (eSpeak varies slightly from take to take, so not sample-exact).
  const voices = ['fr', 'en', 'es', 'de'];
  const takes = voices.map((voice) => loudnessContour(espeak.synthesize('3 7 9', { voice })));
  const retakes = voices.map((voice) => loudnessContour(espeak.synthesize('3 7 9', { voice })));
  for (let a = 0; a < voices.length; a++) {
    const self = correlation(takes[a]!, retakes[a]!);
    assert.ok(self > 0.97, `${voices[a]} against itself: ${self.toFixed(3)}`);
    for (let b = a + 1; b < voices.length; b++) {
      const cross = correlation(takes[a]!, takes[b]!);
      assert.ok(cross < 0.85, `${voices[a]} against ${voices[b]}: ${cross.toFixed(3)}`);
    }
  }
});

test('resampling from 22.05 kHz adds no images above 11 kHz', () => {
  const pcm = espeak.synthesize('Sessions, services, successes.', { voice: 'en' });
  let high = 0;
  let total = 0;
  for (let f = 12000; f < 20000; f += 500) high += goertzel(pcm, f);
  for (let f = 500; f < 8000; f += 500) total += goertzel(pcm, f);
  assert.ok(high < total * 1e-3, `image energy ${high / total}`);
});

test('settings of one request do not leak into the next', () => {
  // eSpeak adds slight random variation, so compare lengths, not samples.
  const before = espeak.synthesize('Un, deux, trois, quatre.', { voice: 'fr' });
  espeak.synthesize('Something else entirely.', { voice: 'en-us', pitch: 90, wordsPerMinute: 400 });
  const after = espeak.synthesize('Un, deux, trois, quatre.', { voice: 'fr' });
  assert.ok(Math.abs(after.length - before.length) < before.length * 0.02, `${before.length} then ${after.length}`);
});

test('rate, pitch and variants change the speech', () => {
  const sentence = 'This is a test of the speaking rate and the voice.';
  const normal = espeak.synthesize(sentence, { voice: 'en' });
  const fast = espeak.synthesize(sentence, { voice: 'en', wordsPerMinute: 300 });
  assert.ok(fast.length < normal.length * 0.75, `${fast.length} vs ${normal.length}`);
  const normalPitch = medianPitchHz(normal);
  const female = medianPitchHz(espeak.synthesize(sentence, { voice: 'en', variant: 'f3' }));
  const high = medianPitchHz(espeak.synthesize(sentence, { voice: 'en', pitch: 90 }));
  assert.ok(normalPitch > 70 && normalPitch < 160, `default voice at ${normalPitch} Hz`);
  assert.ok(female > normalPitch * 1.3, `f3 at ${female} Hz vs ${normalPitch} Hz`);
  assert.ok(high > normalPitch * 1.2, `pitch 90 at ${high} Hz vs ${normalPitch} Hz`);
});

test('plain text is escaped, SSML is honoured on request', () => {
  const escaped = espeak.synthesize('a < b & c', { voice: 'en' });
  assert.ok(escaped.length > SPEECH_SAMPLE_RATE * 0.5);
  const plain = espeak.synthesize('<speak>one</speak>', { voice: 'en', markup: 'ssml' });
  const paused = espeak.synthesize('<speak>one <break time="1s"/> two</speak>', { voice: 'en', markup: 'ssml' });
  assert.ok(paused.length > plain.length + SPEECH_SAMPLE_RATE * 0.9, 'a 1 s break adds about a second');
});

test('voices per language, and variants', () => {
  for (const language of ['fr', 'en', 'es', 'de']) assert.ok(espeak.voices(language).length > 0, language);
  const french = espeak.voices('fr').map((v) => v.id);
  assert.ok(french.includes('roa/fr') && french.includes('roa/fr-BE'), french.join());
  assert.equal(espeak.voices('fr-be').map((v) => v.id), ['roa/fr-BE']);
  assert.ok(espeak.voices('en').some((v) => v.languages.includes('en-us')));
  assert.ok(espeak.voices().length > 100);
  const variants = espeak.variants();
  assert.ok(variants.some((v) => v.id === 'f3' && v.gender === 'female'));
  assert.ok(variants.some((v) => v.id === 'm3'));
  const byId = espeak.synthesize('Bonjour', { voice: 'roa/fr-BE' });
  assert.ok(byId.length > 0);
});

test('unknown voices are refused', () => {
  assert.throws(() => espeak.synthesize('hello', { voice: 'xx-nowhere' }), /no voice/);
});

test('phonemes in IPA and in eSpeak notation, by clause and word', () => {
  const ipa = espeak.phonemes('Bonjour. Laissez un message.', 'fr');
  assert.equal(ipa[0], [['b', 'ɔ̃', 'ʒ', 'ˈu', 'ʁ']]);
  assert.is(ipa.length, 2);
  assert.is(phonemesToText(ipa), 'bɔ̃ʒˈuʁ\nlɛsˈez œ̃ mɛsˈaʒ');
  const ascii = espeak.phonemes('Bonjour', 'fr', 'espeak');
  assert.is(phonemesToText(ascii), "bO~Z'ur");
  assert.is(phonemesToText(espeak.phonemes('Guten Tag', 'de')), 'ɡˈuːtən tˈɑːk');
  assert.equal(espeak.phonemes('', 'en'), []);
});

test('eSpeak phonemes embedded in text are spoken (the route to accents)', () => {
  const spelled = espeak.synthesize("[[bO~Z'ur]]", { voice: 'en' });
  const seconds = spelled.length / SPEECH_SAMPLE_RATE;
  assert.ok(seconds > 0.3 && seconds < 1.5, `${seconds} s`);
});

test('close() makes further use throw', async () => {
  const own = await EspeakSynthesizer.load();
  own.close();
  assert.ok(own.closed);
  assert.throws(() => own.synthesize('hello', { voice: 'en' }), /closed/);
});

/** Median fundamental frequency of the voiced 40 ms windows, by autocorrelation (80-400 Hz). */
function medianPitchHz(pcm: Float32Array): number {
  const window = Math.round(SPEECH_SAMPLE_RATE * 0.04);
  const minLag = Math.round(SPEECH_SAMPLE_RATE / 400);
  const maxLag = Math.round(SPEECH_SAMPLE_RATE / 80);
  const pitches: number[] = [];
  for (let start = 0; start + window + maxLag < pcm.length; start += window) {
    let energy = 0;
    for (let i = start; i < start + window; i++) energy += pcm[i]! ** 2;
    if (energy / window < 1e-3) continue;
    let bestLag = 0;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let sum = 0;
      for (let i = start; i < start + window; i++) sum += pcm[i]! * pcm[i + lag]!;
      if (sum > best) [best, bestLag] = [sum, lag];
    }
    if (best > 0.5 * energy) pitches.push(SPEECH_SAMPLE_RATE / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}

function loudnessContour(pcm: Float32Array): number[] {
  const window = SPEECH_SAMPLE_RATE / 20;
  const contour: number[] = [];
  for (let start = 0; start < pcm.length; start += window) {
    let sum = 0;
    for (let i = start; i < Math.min(pcm.length, start + window); i++) sum += pcm[i]! ** 2;
    contour.push(Math.sqrt(sum / window));
  }
  return contour;
}

/** Pearson correlation, the shorter series padded with zeros. */
function correlation(x: number[], y: number[]): number {
  const n = Math.max(x.length, y.length);
  const a = Array.from({ length: n }, (_, i) => x[i] ?? 0);
  const b = Array.from({ length: n }, (_, i) => y[i] ?? 0);
  const meanA = a.reduce((s, v) => s + v, 0) / n;
  const meanB = b.reduce((s, v) => s + v, 0) / n;
  let product = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    product += (a[i]! - meanA) * (b[i]! - meanB);
    varianceA += (a[i]! - meanA) ** 2;
    varianceB += (b[i]! - meanB) ** 2;
  }
  return product / Math.sqrt(varianceA * varianceB);
}

function goertzel(pcm: Float32Array, frequency: number): number {
  const c = 2 * Math.cos((2 * Math.PI * frequency) / SPEECH_SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s0 = pcm[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

test.run();
