// In-band DTMF from an Opus stream: the Goertzel detector on each packet's sound. A leg runs this
// only while someone waits for keys (a menu, voicemail), never for a plain bridged call, where the
// tones pass through in the audio anyway. The detector works at 8 kHz, the telephone rate DTMF was
// made for: a third of the filtering of 24 kHz, the rate the sound comes at.
import { OpusDecoder } from '../codec/opus.ts';
import type { DtmfDigit } from '../dtmf-digit.ts';
import { DtmfDetector } from './dtmf-detector.ts';

/** The rate push's `sound` is expected at. */
export const DTMF_LISTENER_SOUND_RATE = 24000;
const DETECTOR_RATE = 8000;
const DECIMATION = DTMF_LISTENER_SOUND_RATE / DETECTOR_RATE;

export interface HeardKey {
  digit: DtmfDigit;
  /** How long its tone had sounded by the end of the packet that completed it, in ms. */
  soundingMs: number;
}

export class OpusDtmfListener {
  /** Made only if a packet comes without its sound (see `push`). */
  #decoder: OpusDecoder | undefined;
  readonly #detector = new DtmfDetector({ sampleRate: DETECTOR_RATE });
  /** The 8 kHz samples of one packet, reused (a 120 ms packet at most). */
  #narrow = new Float32Array((DETECTOR_RATE * 120) / 1000);
  #samplesSeen = 0;

  /**
   * The keys whose tones this packet completed; `sound`: the packet's 16-bit sound at 24 kHz, when
   * decoded already for something else.
   */
  push(opusPacket: Uint8Array, sound?: Int16Array): HeardKey[] {
    const pcm = sound ?? (this.#decoder ??= new OpusDecoder({ sampleRate: DTMF_LISTENER_SOUND_RATE })).decodePcm16(opusPacket);
    const length = Math.floor(pcm.length / DECIMATION);
    if (this.#narrow.length < length) this.#narrow = new Float32Array(length);
    // The mean of each 3 samples: a low-pass with its null at 8 kHz (what would fold onto DC) and
    // -0.5 dB at 1633 Hz, the highest DTMF tone; enough for tones 30 dB above what folds back.
    const scale = 1 / (DECIMATION * 32768);
    for (let i = 0, j = 0; i < length; i++, j += DECIMATION) this.#narrow[i] = (pcm[j]! + pcm[j + 1]! + pcm[j + 2]!) * scale;
    const detected = this.#detector.push(this.#narrow.subarray(0, length));
    this.#samplesSeen += length;
    const nowMs = (this.#samplesSeen * 1000) / DETECTOR_RATE;
    return detected.map((d) => ({ digit: d.digit, soundingMs: nowMs - d.atMs }));
  }

  close(): void {
    this.#decoder?.close();
  }
}
