// Text to speech for messages: the voices offered, language detection, sentences, the sentence
// the dialog shows, plausible lengths for plain and accented readings, and the speech thread
// (progress per sentence, the same speech as on this thread).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { activeRmsLevel, toDbfs } from '../../../media/dsp/loudness.ts';
import { EspeakSynthesizer, SPEECH_SAMPLE_RATE } from '../../../media/tts/espeak.ts';
import { detectLanguage } from '../../../media/tts/language-detection.ts';
import { SpeechThread } from '../../../media/tts/speech-thread.ts';
import { readingInWords, sentencesOf, speakText } from '../../../media/tts/text-speech.ts';
import { voiceCatalogue } from '../../../media/tts/voice-catalogue.ts';

const test = suite('tts/text-speech');
let espeak: EspeakSynthesizer;

test.before(async () => {
  espeak = await EspeakSynthesizer.load();
});

test('voices: every language has several, male and female, regional variants included', () => {
  const voices = voiceCatalogue(espeak);
  for (const language of ['fr', 'en', 'es', 'de'] as const) {
    const own = voices.filter((v) => v.language === language);
    assert.ok(own.length >= 2, `${language}: ${own.length}`);
    assert.ok(own.some((v) => v.gender === 'female'));
    for (const voice of own) assert.ok(voice.id.length <= 64);
  }
  const names = voices.map((v) => v.name);
  for (const name of ['English (America), female', 'English (Great Britain), male', 'Spanish (Latin America), male', 'French (France), female', 'German, female']) {
    assert.ok(names.includes(name), name);
  }
  assert.is(new Set(voices.map((v) => v.id)).size, voices.length, 'ids are unique');
  // Every voice really speaks: a female variant sounds different from the default.
  const male = espeak.synthesize('Bonjour', { voice: 'roa/fr' });
  const female = espeak.synthesize('Bonjour', { voice: 'roa/fr', variant: 'f3' });
  assert.ok(male.length > 0 && female.length > 0);
});

test('language detection among fr, en, es, de', () => {
  const samples = {
    fr: 'Nos bureaux sont fermés, merci de rappeler demain matin.',
    en: 'Our offices are closed, please call again tomorrow morning.',
    es: 'Nuestras oficinas están cerradas, llame mañana por la mañana.',
    de: 'Unsere Büros sind geschlossen, bitte rufen Sie morgen früh an.',
  };
  for (const [language, text] of Object.entries(samples)) assert.is(detectLanguage(text)?.language, language, text);
  assert.is(detectLanguage('12 34 !'), null);
  assert.is(detectLanguage(''), null);
});

test('sentences, and what the dialog says will happen', () => {
  assert.equal(sentencesOf('Hello there. How are you?\nFine!  Thanks… 42'), ['Hello there.', 'How are you?', 'Fine!', 'Thanks…', '42']);
  assert.equal(sentencesOf(' ... \n\n'), []);
  assert.is(readingInWords('en', 'fr'), 'English text, read with a French accent');
  assert.is(readingInWords('de', 'de'), 'German text, read by a German voice');
  assert.is(readingInWords('fr', 'en'), 'French text, read with an English accent');
});

const TEN_WORDS = {
  fr: 'Merci de votre appel, nous vous répondons dans un instant.',
  en: 'Thank you for calling, we will answer you in a moment.',
  es: 'Gracias por su llamada, le atenderemos en un momento enseguida.',
  de: 'Danke für Ihren Anruf, wir sind gleich für Sie da.',
} as const;

test('a ten-word sentence lasts 1.5 to 6 s, read plainly or with any accent, and is audible', () => {
  const voices = { fr: 'roa/fr', en: 'gmw/en', es: 'roa/es', de: 'gmw/de' } as const;
  for (const [textLanguage, text] of Object.entries(TEN_WORDS) as [keyof typeof TEN_WORDS, string][]) {
    for (const [voiceLanguage, espeakVoice] of Object.entries(voices) as [keyof typeof voices, string][]) {
      const pcm = speakText(espeak, { text, voice: { espeakVoice, language: voiceLanguage }, textLanguage });
      const seconds = pcm.length / SPEECH_SAMPLE_RATE;
      assert.ok(seconds >= 1.5 && seconds <= 6, `${textLanguage} text, ${voiceLanguage} voice: ${seconds.toFixed(2)} s`);
      assert.ok(toDbfs(activeRmsLevel(pcm)) > -35, `${textLanguage} text, ${voiceLanguage} voice is audible`);
    }
  }
});

test('the speech thread reports progress per sentence and speaks as this thread does', async () => {
  const thread = new SpeechThread();
  try {
    const job = { text: 'One sentence here. A second one! And the third?', voice: { espeakVoice: 'gmw/de', language: 'de' as const }, textLanguage: 'en' as const };
    const progress: number[] = [];
    const pcm = await thread.speak(job, (fraction) => progress.push(fraction));
    assert.equal(progress.map((p) => p.toFixed(2)), ['0.33', '0.67', '1.00']);
    const here = speakText(espeak, job);
    assert.ok(Math.abs(pcm.length - here.length) < here.length * 0.05, `${pcm.length} vs ${here.length} samples`);
    assert.is(thread.pending, 0);
  } finally {
    await thread.close();
  }
});

test.run();
