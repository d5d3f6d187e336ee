// Which of the PBX's languages a text is written in, with tinyld (pure JavaScript, no model to
// download, ~1 ms for a paragraph) restricted to those languages, so a French text is never
// taken for Catalan. Short texts can be misread ("Hello" alone reads as Spanish): the admin can
// override what it finds.
import { detectAll } from 'tinyld';
import { ACCENT_LANGUAGES, type AccentLanguage } from './accent.ts';

export interface DetectedLanguage {
  language: AccentLanguage;
  /** tinyld's accuracy, 0-1. */
  confidence: number;
}

/** The language of the text, or null when there are no words to tell (digits, punctuation, nothing). */
export function detectLanguage(text: string): DetectedLanguage | null {
  const [best] = detectAll(text, { only: [...ACCENT_LANGUAGES] });
  if (!best || !(ACCENT_LANGUAGES as readonly string[]).includes(best.lang)) return null;
  return { language: best.lang as AccentLanguage, confidence: best.accuracy };
}
