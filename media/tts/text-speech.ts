// A text read aloud by a chosen voice, sentence by sentence (progress can be told, and a long text
// never holds eSpeak for long). When the text's language is not the voice's, the text's words are
// spoken with the voice's accent (see accent.ts): eSpeak's phonemes of the sentence in the text's
// language, mapped to the voice language's nearest sounds, spoken by the voice as [[phonemes]].
import { concatFloat32 } from '../dsp/samples.ts';
import { type AccentLanguage, cleanPhonemes, mapToAccent, phonemeInput } from './accent.ts';
import { type EspeakSynthesizer, SPEECH_SAMPLE_RATE } from './espeak.ts';

export interface TextSpeechRequest {
  text: string;
  /** eSpeak voice id and variant, and the language whose sounds the voice makes. */
  voice: { espeakVoice: string; variant?: string; language: AccentLanguage };
  /** The language the text is written in. */
  textLanguage: AccentLanguage;
}

/** Messages a little slower than eSpeak's default, as telephone announcements are (the prompts' rate). */
export const MESSAGE_WORDS_PER_MINUTE = 160;
/** A breath between sentences. */
const SENTENCE_GAP_SAMPLES = Math.round(SPEECH_SAMPLE_RATE * 0.15);

/** The text in sentences (ending punctuation kept), and lines as sentences of their own. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?…;])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

/** 48 kHz mono speech of the whole text; `onSentence(done, total)` after each sentence. */
export function speakText(espeak: EspeakSynthesizer, request: TextSpeechRequest, onSentence?: (done: number, total: number) => void): Float32Array {
  const sentences = sentencesOf(request.text);
  const parts: Float32Array[] = [];
  sentences.forEach((sentence, index) => {
    if (index > 0) parts.push(new Float32Array(SENTENCE_GAP_SAMPLES));
    parts.push(speakSentence(espeak, sentence, request));
    onSentence?.(index + 1, sentences.length);
  });
  return concatFloat32(parts);
}

/** What eSpeak is given for one sentence: the text itself, or the accented phonemes of it. */
export function speechInput(espeak: EspeakSynthesizer, sentence: string, request: TextSpeechRequest): string {
  if (request.textLanguage === request.voice.language) return sentence;
  const phonemes = cleanPhonemes(espeak.phonemes(sentence, request.textLanguage, 'espeak'));
  const accented = mapToAccent(phonemes, request.textLanguage, request.voice.language).phonemes;
  const ending = /[?!]$/.test(sentence) ? sentence.at(-1) : '.';
  return accented.length > 0 ? phonemeInput(accented, ending) : '';
}

function speakSentence(espeak: EspeakSynthesizer, sentence: string, request: TextSpeechRequest): Float32Array {
  const input = speechInput(espeak, sentence, request);
  if (!input) return new Float32Array(0);
  return espeak.synthesize(input, { voice: request.voice.espeakVoice, variant: request.voice.variant, wordsPerMinute: MESSAGE_WORDS_PER_MINUTE });
}

const LANGUAGE_WORDS: Record<AccentLanguage, { noun: string; adjective: string }> = {
  fr: { noun: 'French', adjective: 'French' },
  en: { noun: 'English', adjective: 'English' },
  es: { noun: 'Spanish', adjective: 'Spanish' },
  de: { noun: 'German', adjective: 'German' },
};

/** What the admin is told will happen: "English text, read with a French accent". */
export function readingInWords(textLanguage: AccentLanguage, voiceLanguage: AccentLanguage): string {
  const adjective = LANGUAGE_WORDS[voiceLanguage].adjective;
  const article = /^[AEIOU]/.test(adjective) ? 'an' : 'a';
  if (textLanguage === voiceLanguage) return `${LANGUAGE_WORDS[textLanguage].noun} text, read by ${article} ${adjective} voice`;
  return `${LANGUAGE_WORDS[textLanguage].noun} text, read with ${article} ${adjective} accent`;
}
