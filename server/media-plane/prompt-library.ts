// The voice prompts, synthesized with eSpeak NG in the global language and encoded to Opus once.
// A new language (after Apply changes) synthesizes the set again; calls keep the old set until then.
import { encodeOpusClip, type OpusClip } from '../../media/codec/opus-clip.ts';
import type { EspeakSynthesizer } from '../../media/tts/espeak.ts';
import type { Language } from '../../data/schema.ts';
import { PROMPTS, type PromptName, type SpokenValue } from '../calls/ports.ts';
import { PROMPT_TEXTS, spokenText } from './prompt-texts.ts';

/** Prompts a little slower than eSpeak's default, as telephone announcements are. */
const PROMPT_WORDS_PER_MINUTE = 160;
/** A short silence before the words, so the first syllable is not lost while audio starts. */
const LEAD_IN_SAMPLES = 48000 * 0.25;
/** Spoken values kept ready; the oldest is forgotten beyond this. */
const SPOKEN_CACHE_SIZE = 200;

export class PromptLibrary {
  #language: Language | null = null;
  #clips = new Map<PromptName, OpusClip>();
  #spoken = new Map<string, OpusClip>();

  constructor(private readonly speech: EspeakSynthesizer) {}

  get language(): Language | null {
    return this.#language;
  }

  /** Synthesizes every prompt in `language` (about 20x faster than real time), unless already done. */
  use(language: Language): void {
    if (language === this.#language) return;
    const clips = new Map<PromptName, OpusClip>();
    for (const prompt of PROMPTS) clips.set(prompt, this.#speak(PROMPT_TEXTS[prompt][language], language));
    this.#clips = clips;
    this.#spoken.clear();
    this.#language = language;
  }

  /** A prompt with a value in it ("You have 3 new messages"), synthesized on first use. */
  spoken(value: SpokenValue): OpusClip {
    const language = this.#language;
    if (!language) throw new Error('PromptLibrary: use(language) first');
    const key = JSON.stringify(value);
    let clip = this.#spoken.get(key);
    if (!clip) {
      clip = this.#speak(spokenText(value, language), language);
      if (this.#spoken.size >= SPOKEN_CACHE_SIZE) this.#spoken.delete(this.#spoken.keys().next().value!);
      this.#spoken.set(key, clip);
    }
    return clip;
  }

  #speak(text: string, language: Language): OpusClip {
    const speech = this.speech.synthesize(text, { voice: language, wordsPerMinute: PROMPT_WORDS_PER_MINUTE });
    const padded = new Float32Array(LEAD_IN_SAMPLES + speech.length);
    padded.set(speech, LEAD_IN_SAMPLES);
    return encodeOpusClip(padded, { loudness: { mode: 'rms', targetDbfs: -20 } });
  }

  clip(prompt: PromptName): OpusClip {
    const clip = this.#clips.get(prompt);
    if (!clip) throw new Error('PromptLibrary: use(language) first');
    return clip;
  }
}
