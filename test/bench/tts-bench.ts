// Text to speech for audio messages: time per second of speech, reading plainly (the text's
// language is the voice's) and with an accent (phonemes of the text's language mapped to the
// voice's), each of the four languages, eSpeak NG alone and with the Opus encoding that follows.
// Part of `npm run bench`; alone: node --import tsx test/bench/tts-bench.ts
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import type { AccentLanguage } from '../../media/tts/accent.ts';
import { EspeakSynthesizer, SPEECH_SAMPLE_RATE } from '../../media/tts/espeak.ts';
import { speakText } from '../../media/tts/text-speech.ts';

const TEXTS: Record<AccentLanguage, string> = {
  fr: 'Bonjour et bienvenue. Nos bureaux sont ouverts du lundi au vendredi, de neuf heures à dix-huit heures. Pour joindre le service commercial, restez en ligne. Un conseiller va vous répondre dans quelques instants. Merci de votre patience.',
  en: 'Hello and welcome. Our offices are open Monday to Friday, from nine in the morning to six in the evening. To reach our sales team, please stay on the line. One of our advisers will answer you in a few moments. Thank you for your patience.',
  es: 'Hola y bienvenido. Nuestras oficinas están abiertas de lunes a viernes, de nueve de la mañana a seis de la tarde. Para hablar con el equipo comercial, no cuelgue. Un asesor le atenderá en unos instantes. Gracias por su paciencia.',
  de: 'Hallo und willkommen. Unsere Büros sind von Montag bis Freitag von neun bis achtzehn Uhr geöffnet. Um unser Vertriebsteam zu erreichen, bleiben Sie bitte in der Leitung. Ein Berater ist in wenigen Augenblicken für Sie da. Vielen Dank für Ihre Geduld.',
};
const VOICES: Record<AccentLanguage, string> = { fr: 'roa/fr', en: 'gmw/en', es: 'roa/es', de: 'gmw/de' };
/** The foreign voice each text is read with for the accented figure. */
const ACCENT_OF: Record<AccentLanguage, AccentLanguage> = { fr: 'en', en: 'fr', es: 'de', de: 'es' };
const ROUNDS = 3;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const espeak = await EspeakSynthesizer.load();
speakText(espeak, { text: TEXTS.en, voice: { espeakVoice: VOICES.en, language: 'en' }, textLanguage: 'en' }); // warm-up

interface Row {
  reading: string;
  speechSeconds: number;
  speakMsPerSecond: number;
  encodeMsPerSecond: number;
}
const rows: Row[] = [];
for (const language of Object.keys(TEXTS) as AccentLanguage[]) {
  for (const voiceLanguage of [language, ACCENT_OF[language]]) {
    const request = { text: TEXTS[language], voice: { espeakVoice: VOICES[voiceLanguage], language: voiceLanguage }, textLanguage: language };
    let speakMs = 0;
    let encodeMs = 0;
    let seconds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let start = cpuMs();
      const pcm = speakText(espeak, request);
      speakMs += cpuMs() - start;
      start = cpuMs();
      encodeOpusClip(pcm, { loudness: { mode: 'rms', targetDbfs: -20 } });
      encodeMs += cpuMs() - start;
      seconds += pcm.length / SPEECH_SAMPLE_RATE;
    }
    rows.push({
      reading: language === voiceLanguage ? `${language} text, ${voiceLanguage} voice` : `${language} text, ${voiceLanguage} accent`,
      speechSeconds: seconds / ROUNDS,
      speakMsPerSecond: speakMs / seconds,
      encodeMsPerSecond: encodeMs / seconds,
    });
  }
}

console.log('\nText to speech, CPU time per second of speech (eSpeak NG in WebAssembly, 160 words a minute):\n');
console.log('| reading | speech | speaking | + Opus encoding | total |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(`| ${row.reading} | ${row.speechSeconds.toFixed(1)} s | ${row.speakMsPerSecond.toFixed(1)} ms/s | ${row.encodeMsPerSecond.toFixed(1)} ms/s | ${(row.speakMsPerSecond + row.encodeMsPerSecond).toFixed(1)} ms/s |`);
}
const mean = (pick: (row: Row) => number, accented: boolean) => {
  const chosen = rows.filter((row) => row.reading.includes('accent') === accented);
  return chosen.reduce((sum, row) => sum + pick(row), 0) / chosen.length;
};
console.log(`\nplain: ${mean((r) => r.speakMsPerSecond + r.encodeMsPerSecond, false).toFixed(1)} ms per second of speech; accented: ${mean((r) => r.speakMsPerSecond + r.encodeMsPerSecond, true).toFixed(1)} ms`);
espeak.close();
