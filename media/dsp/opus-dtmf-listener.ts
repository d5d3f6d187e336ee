// In-band DTMF from an Opus stream: decodes each packet and runs the Goertzel detector. Decoding
// costs ~20 µs a packet, so a leg runs this only while someone waits for keys (a menu, voicemail),
// never for a plain bridged call, where the tones pass through in the audio anyway.
import { OpusDecoder } from '../codec/opus.ts';
import type { DtmfDigit } from '../dtmf-digit.ts';
import { DtmfDetector } from './dtmf-detector.ts';

export class OpusDtmfListener {
  /** Made only if a packet comes without its sound (see `push`). */
  #decoder: OpusDecoder | undefined;
  readonly #detector = new DtmfDetector({ sampleRate: 48000 });

  /** The digits whose tones this packet completed; `decoded`: its sound, when decoded already for something else. */
  push(opusPacket: Uint8Array, decoded?: Float32Array): DtmfDigit[] {
    const pcm = decoded ?? (this.#decoder ??= new OpusDecoder()).decode(opusPacket);
    return this.#detector.push(pcm).map((d) => d.digit);
  }

  close(): void {
    this.#decoder?.close();
  }
}
