// Text messages: what the "Convert text to message" dialog needs. The voices on offer, what will
// happen to a text (its language, detected or chosen, against the voice's: plain reading or an
// accent), and generation: eSpeak on the speech thread, Opus encoding here in slices, the result
// stored in the AudioStore as a preview. Saving a preview puts it into the draft as the message's
// audio; a preview never saved is swept with the other files no configuration refers to.
import type { AudioStore } from '../../data/audio-store.ts';
import type { AudioMessage } from '../../data/schema.ts';
import { encodeOpusClipInSlices } from '../../media/codec/opus-clip.ts';
import { yieldToEventLoop } from '../../media/codec/ogg-opus-decoder.ts';
import { SPEECH_SAMPLE_RATE } from '../../media/tts/espeak.ts';
import type { AccentLanguage } from '../../media/tts/accent.ts';
import { detectLanguage } from '../../media/tts/language-detection.ts';
import type { SpeechThread } from '../../media/tts/speech-thread.ts';
import { readingInWords } from '../../media/tts/text-speech.ts';
import type { CatalogueVoice } from '../../media/tts/voice-catalogue.ts';

export const MAX_TEXT_LENGTH = 5000;
/** Generations waiting or in progress, all admins together; beyond this, "try again in a moment". */
const MAX_PENDING = 4;
/** Previews remembered for Save; the oldest is forgotten beyond this. */
const MAX_PREVIEWS = 100;
/** A short silence before the words, so the first syllable is not lost while audio starts (as prompts). */
const LEAD_IN_SAMPLES = SPEECH_SAMPLE_RATE * 0.25;

export interface TextMessageRequest {
  text: string;
  voice: string;
  /** The text's language as the admin chose it; absent: detected. */
  language?: AccentLanguage;
}

export interface ReadingPlan {
  voice: CatalogueVoice;
  /** What tinyld found; null when the text has no words to tell. */
  detectedLanguage: AccentLanguage | null;
  /** The language the text is read in: the admin's choice, else the detected one, else the voice's. */
  language: AccentLanguage;
  accent: boolean;
  /** "English text, read with a French accent". */
  reading: string;
}

export interface Preview {
  fileId: string;
  durationMs: number;
  voice: string;
  text: string;
  language: AccentLanguage;
  /** The admin's choice of language, kept with the message so the dialog opens as it was left. */
  chosenLanguage: AccentLanguage | null;
  reading: string;
}

/** A request the dialog must change (unknown voice, empty or too long text): a 400. */
export class TextMessageRefused extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export class TextMessageBusy extends Error {}

export class TextMessages {
  readonly #previews = new Map<string, Preview>();

  constructor(
    private readonly options: {
      voices: CatalogueVoice[];
      speech: Pick<SpeechThread, 'speak' | 'pending'>;
      audio: Pick<AudioStore, 'save'>;
    },
  ) {}

  get voices(): CatalogueVoice[] {
    return this.options.voices;
  }

  plan(request: TextMessageRequest): ReadingPlan {
    const voice = this.options.voices.find((v) => v.id === request.voice);
    if (!voice) throw new TextMessageRefused(`no voice ${request.voice}`, 'voice');
    if (request.text.length > MAX_TEXT_LENGTH) throw new TextMessageRefused(`at most ${MAX_TEXT_LENGTH} characters (this one has ${request.text.length})`, 'text');
    const detectedLanguage = detectLanguage(request.text)?.language ?? null;
    const language = request.language ?? detectedLanguage ?? voice.language;
    return { voice, detectedLanguage, language, accent: language !== voice.language, reading: readingInWords(language, voice.language) };
  }

  /** What generate() would refuse, checked before anything starts (the route answers 400 or 503). */
  check(request: TextMessageRequest): ReadingPlan {
    const plan = this.plan(request);
    if (!/[\p{L}\p{N}]/u.test(request.text)) throw new TextMessageRefused('type the text to read', 'text');
    if (this.options.speech.pending >= MAX_PENDING) throw new TextMessageBusy('Text to speech is busy with other messages; try again in a moment');
    return plan;
  }

  /** Speaks the text and stores it as a preview; `onProgress` gets 0-1 as it goes. */
  async generate(request: TextMessageRequest, onProgress: (fraction: number) => void = () => {}): Promise<Preview> {
    const plan = this.check(request);
    const { voice } = plan;
    const speech = await this.options.speech.speak(
      { text: request.text, voice: { espeakVoice: voice.espeakVoice, variant: voice.variant, language: voice.language }, textLanguage: plan.language },
      (fraction) => onProgress(0.9 * fraction),
    );
    const padded = new Float32Array(LEAD_IN_SAMPLES + speech.length);
    padded.set(speech, LEAD_IN_SAMPLES);
    const clip = await encodeOpusClipInSlices(padded, { loudness: { mode: 'rms', targetDbfs: -20 } }, yieldToEventLoop);
    const stored = await this.options.audio.save(clip, { TITLE: 'Text message', LANGUAGE: plan.language, VOICE: voice.id });
    onProgress(1);
    const preview: Preview = { ...stored, voice: voice.id, text: request.text, language: plan.language, chosenLanguage: request.language ?? null, reading: plan.reading };
    if (this.#previews.size >= MAX_PREVIEWS) this.#previews.delete(this.#previews.keys().next().value!);
    this.#previews.set(stored.fileId, preview);
    return preview;
  }

  /** The message's fields once a preview is saved into it; null when the preview is not known (any more). */
  savedFields(fileId: string): Pick<AudioMessage, 'source' | 'voice' | 'text' | 'textLanguage' | 'fileId' | 'durationMs'> | null {
    const preview = this.#previews.get(fileId);
    if (!preview) return null;
    return { source: 'text', voice: preview.voice, text: preview.text, textLanguage: preview.chosenLanguage, fileId: preview.fileId, durationMs: preview.durationMs };
  }
}
