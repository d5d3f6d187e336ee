// What a scenario's caller or user says, as the 20 ms Opus frames a phone's microphone sends:
// text spoken by eSpeak NG, or a WAV/MP3 file decoded as an upload is; and keys as in-band tones.
import { resolve } from 'node:path';
import { importAudioFile } from '../media/audio/audio-import.ts';
import { encodeOpusClip } from '../media/codec/opus-clip.ts';
import { OPUS_FRAME_SAMPLES } from '../media/codec/opus.ts';
import { dtmfTone } from '../media/dsp/dtmf-tone.ts';
import type { DtmfDigit } from '../media/dtmf-digit.ts';
import { EspeakSynthesizer } from '../media/tts/espeak.ts';
import type { Say } from './scenario.ts';

/** Longest file a scenario may say. */
const MAX_FILE_SECONDS = 600;
/** A caller speaks at a telephone's usual level, as the PBX's prompts are. */
const SPEECH_LOUDNESS = { mode: 'rms', targetDbfs: -20 } as const;

export class Voices {
  #espeak: EspeakSynthesizer | undefined;
  readonly #cache = new Map<string, Uint8Array[]>();

  /** `defaultVoice`: the PBX's language, for text without a voice of its own. */
  constructor(private readonly defaultVoice: () => string) {}

  /** The frames for `say`; a file is read relative to `baseDir` (the scenario's folder). Throws with the reason if unreadable. */
  async frames(say: Say, baseDir: string): Promise<Uint8Array[]> {
    const key = JSON.stringify({ say, baseDir });
    const cached = this.#cache.get(key);
    if (cached) return cached;
    let frames: Uint8Array[];
    if ('file' in say) {
      const path = resolve(baseDir, say.file);
      const audio = await importAudioFile(path, { maxSeconds: MAX_FILE_SECONDS }).catch((error: unknown) => {
        throw new Error(`cannot say ${say.file}: ${error instanceof Error ? error.message : String(error)}`);
      });
      frames = encodeOpusClip(audio.pcm, { loudness: SPEECH_LOUDNESS }).frames;
    } else {
      this.#espeak ??= await EspeakSynthesizer.load();
      const speech = this.#espeak.synthesize(say.text, { voice: say.voice ?? this.defaultVoice() });
      frames = encodeOpusClip(speech, { loudness: SPEECH_LOUDNESS }).frames;
    }
    this.#cache.set(key, frames);
    return frames;
  }

  /** What a phone sends when nobody speaks: one frame of silence, repeated. */
  silence(): Uint8Array[] {
    return encodeOpusClip(new Float32Array(OPUS_FRAME_SAMPLES)).frames;
  }

  /** Keys as sound (for a PBX or a step that listens in-band): each tone 120 ms, then `gapMs` of silence. */
  tones(keys: string, gapMs: number): Uint8Array[] {
    const parts: Float32Array[] = [];
    for (const key of keys) {
      parts.push(dtmfTone(key as DtmfDigit, 120), new Float32Array(Math.round((gapMs / 1000) * 48000)));
    }
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const pcm = new Float32Array(total);
    let offset = 0;
    for (const part of parts) {
      pcm.set(part, offset);
      offset += part.length;
    }
    return encodeOpusClip(pcm).frames;
  }
}
