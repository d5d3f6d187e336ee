// The voices offered for audio messages: every eSpeak NG voice of French, English, Spanish and
// German (regional ones included: en-GB, en-US, es, es-419, fr-BE...), each as eSpeak's default
// (male) and with its female variant.
import { ACCENT_LANGUAGES, type AccentLanguage } from './accent.ts';
import type { EspeakSynthesizer } from './espeak.ts';

export interface CatalogueVoice {
  /** What is stored with a message: eSpeak's voice id, with '+variant' for the female voice. */
  id: string;
  /** e.g. 'English (America), female'. */
  name: string;
  /** The language whose sounds the voice makes (its accent when it reads another language). */
  language: AccentLanguage;
  espeakVoice: string;
  variant?: string;
  gender: 'male' | 'female';
}

/** eSpeak's female variant that sounds most natural across these languages. */
const FEMALE_VARIANT = 'f3';

export function voiceCatalogue(espeak: EspeakSynthesizer): CatalogueVoice[] {
  const voices: CatalogueVoice[] = [];
  for (const language of ACCENT_LANGUAGES) {
    for (const voice of espeak.voices(language)) {
      voices.push({ id: voice.id, name: `${voice.name}, male`, language, espeakVoice: voice.id, gender: 'male' });
      voices.push({ id: `${voice.id}+${FEMALE_VARIANT}`, name: `${voice.name}, female`, language, espeakVoice: voice.id, variant: FEMALE_VARIANT, gender: 'female' });
    }
  }
  return voices;
}
