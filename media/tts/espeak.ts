// Speech from text with eSpeak NG (every language bundled, compiled to WebAssembly), delivered as
// the PBX's 48 kHz mono float PCM. Loading costs ~0.1 s and 24 MB, so the composition root makes
// one EspeakSynthesizer and shares it; calls are synchronous, so one instance serves everyone.
import type { EspeakNgModule, EspeakNgWorker } from '@echogarden/espeak-ng-emscripten';
import { Resampler } from '../dsp/resample.ts';
import { concatFloat32, int16ToFloat32 } from '../dsp/samples.ts';

export const SPEECH_SAMPLE_RATE = 48000;

export interface EspeakVoice {
  /** eSpeak's identifier, usable as `voice`, e.g. 'roa/fr-BE'. */
  id: string;
  /** e.g. 'French (Belgium)'. */
  name: string;
  /** Language codes this voice speaks, most specific first, e.g. ['fr-be', 'fr']. */
  languages: string[];
}

export interface EspeakVariant {
  /** Appended to a voice as 'fr+f3'. */
  id: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
}

export interface SpeechOptions {
  /** A language code ('fr', 'en-us', 'es', 'de'), or a voice id from `voices()`. */
  voice: string;
  /** A variant id from `variants()`, e.g. 'f3' for a female voice. */
  variant?: string;
  /** Words per minute, 80-450; eSpeak's default is 175. */
  wordsPerMinute?: number;
  /** 0-99, default 50. */
  pitch?: number;
  /** Intonation range 0-99, default 50 (0 is a monotone). */
  pitchRange?: number;
  /** 'ssml' passes <break/>, <prosody> and the like through; plain text is escaped. */
  markup?: 'text' | 'ssml';
}

export type PhonemeAlphabet = 'ipa' | 'espeak';

/** Clauses, each a list of words, each a list of phonemes (stress marks stay on their phoneme). */
export type Phonemes = string[][][];

const VARIANTS_DIRECTORY = '/usr/share/espeak-ng-data/voices/!v';

export class EspeakSynthesizer {
  private worker: EspeakNgWorker | undefined;
  private readonly toSpeechRate: Resampler;
  private voiceList: EspeakVoice[] | undefined;
  private variantList: EspeakVariant[] | undefined;

  private constructor(
    private readonly module: EspeakNgModule,
    worker: EspeakNgWorker,
  ) {
    this.worker = worker;
    this.toSpeechRate = new Resampler(worker.get_samplerate(), SPEECH_SAMPLE_RATE);
  }

  static async load(): Promise<EspeakSynthesizer> {
    const { default: initialize } = await import('@echogarden/espeak-ng-emscripten');
    const module = await initialize();
    return new EspeakSynthesizer(module, new module.eSpeakNGWorker());
  }

  get closed(): boolean {
    return this.worker === undefined;
  }

  /** All voices, or those speaking a language ('fr' matches fr, fr-be, fr-ch; 'fr-be' only Belgian). */
  voices(language?: string): EspeakVoice[] {
    this.voiceList ??= this.open()
      .list_voices()
      .map((v) => ({ id: v.identifier, name: v.name, languages: v.languages.map((l) => l.name) }));
    if (!language) return this.voiceList;
    const wanted = language.toLowerCase();
    return this.voiceList.filter((v) => v.languages.some((l) => l === wanted || l.startsWith(`${wanted}-`)));
  }

  /** Voice qualities that combine with any voice (female, male, whisper, robots...). */
  variants(): EspeakVariant[] {
    this.variantList ??= this.module.FS.readdir(VARIANTS_DIRECTORY)
      .filter((file) => !file.startsWith('.'))
      .map((file) => {
        const text = this.module.FS.readFile(`${VARIANTS_DIRECTORY}/${file}`, { encoding: 'utf8' });
        const name = /^name\s+(.+)$/m.exec(text)?.[1]?.trim() ?? file;
        const gender = /^gender\s+(\w+)/m.exec(text)?.[1];
        return { id: file, name, gender: gender === 'male' || gender === 'female' ? gender : 'unknown' };
      });
    return this.variantList;
  }

  /** Speaks the text, which may embed eSpeak phonemes as [[h@l'oU]]; returns 48 kHz mono PCM in [-1, 1]. */
  synthesize(text: string, options: SpeechOptions): Float32Array {
    const worker = this.open();
    this.selectVoice(options.variant ? `${options.voice}+${options.variant}` : options.voice);
    worker.set_rate(options.wordsPerMinute ?? 175);
    worker.set_pitch(options.pitch ?? 50);
    worker.set_range(options.pitchRange ?? 50);
    const chunks: Float32Array[] = [];
    const input = options.markup === 'ssml' ? text : escapeForSsml(text);
    worker.synthesize(input, (samples) => {
      if (samples && samples.length > 0) chunks.push(int16ToFloat32(samples));
      return false;
    });
    return this.toSpeechRate.resample(concatFloat32(chunks));
  }

  /** The sounds eSpeak speaks for the text (its phoneme events, in IPA), e.g. to check an accent. */
  spokenPhonemes(text: string, options: SpeechOptions): string[] {
    const worker = this.open();
    this.selectVoice(options.variant ? `${options.voice}+${options.variant}` : options.voice);
    const phonemes: string[] = [];
    worker.synthesize(options.markup === 'ssml' ? text : escapeForSsml(text), (_samples, events) => {
      for (const event of events as { type: string; id?: unknown }[]) if (event.type === 'phoneme' && typeof event.id === 'string') phonemes.push(event.id);
      return false;
    });
    return phonemes;
  }

  /** How eSpeak would pronounce the text in a language: `-x` (alphabet 'espeak') or `--ipa` style. */
  phonemes(text: string, voice: string, alphabet: PhonemeAlphabet = 'ipa'): Phonemes {
    const worker = this.open();
    this.selectVoice(voice);
    const pointer = worker.convert_to_phonemes(text, alphabet === 'ipa').ptr;
    const raw = this.takeString(pointer);
    return raw
      .split(' | ')
      .map((clause) =>
        clause
          .split(' ')
          .filter((word) => word.length > 0)
          .map((word) => word.split('_').filter((phoneme) => phoneme.length > 0)),
      )
      .filter((clause) => clause.length > 0);
  }

  /** Frees the synthesizer; the WebAssembly module itself stays until the process ends. */
  close(): void {
    this.worker = undefined;
  }

  private open(): EspeakNgWorker {
    if (!this.worker) throw new Error('EspeakSynthesizer is closed');
    return this.worker;
  }

  private selectVoice(voice: string): void {
    if (this.open().set_voice(voice) !== 0) throw new Error(`eSpeak has no voice '${voice}'`);
  }

  private takeString(pointer: number): string {
    const heap = this.module.HEAPU8;
    let end = pointer;
    while (heap[end] !== 0) end++;
    const text = new TextDecoder().decode(heap.subarray(pointer, end));
    this.module._free(pointer);
    return text;
  }
}

/** Renders phonemes the way `espeak-ng -x` / `--ipa` prints them: words by spaces, clauses by lines. */
export function phonemesToText(phonemes: Phonemes): string {
  return phonemes.map((clause) => clause.map((word) => word.join('')).join(' ')).join('\n');
}

function escapeForSsml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
