// The voice prompts, synthesized with eSpeak NG in the global language and encoded to Opus once.
// The set is made in the background, one prompt per turn of the event loop, so that neither the
// start nor an Apply that changes the language holds everything else up; a prompt asked for
// before its turn is made at once.
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

  /** Switches to `language` and starts making its prompts (about 20x faster than real time). */
  use(language: Language): void {
    if (language === this.#language) return;
    this.#clips = new Map();
    this.#spoken.clear();
    this.#language = language;
    void this.#makeAll(language);
  }

  async #makeAll(language: Language): Promise<void> {
    for (const prompt of PROMPTS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.#language !== language) return;
      try {
        this.clip(prompt);
      } catch {
        // Making ahead is a convenience (the synthesizer may be closed at shut-down): a prompt that
        // is really needed is made when asked for, and that call reports what went wrong.
        return;
      }
    }
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
    const language = this.#language;
    if (!language) throw new Error('PromptLibrary: use(language) first');
    let clip = this.#clips.get(prompt);
    if (!clip) {
      clip = this.#speak(PROMPT_TEXTS[prompt][language], language);
      this.#clips.set(prompt, clip);
    }
    return clip;
  }
}
