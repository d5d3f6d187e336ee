// Ogg Opus to PCM: the packets of a file (read by media/rtp/ogg-opus-reader) through the Opus
// decoder, trimmed as RFC 7845 says (pre-skip at the start, the last granule position at the end).
// Long files are decoded in slices that give the event loop back, so that calls in progress keep
// their 20 ms clock while a voicemail is converted for an e-mail.
import { concatFloat32 } from '../dsp/samples.ts';
import type { OggOpusStream } from '../rtp/ogg-opus-reader.ts';
import { OPUS_SAMPLE_RATE, OpusDecoder } from './opus.ts';

/** Packets decoded between two breaks for the event loop (0.5 s of 20 ms packets). */
const PACKETS_PER_SLICE = 25;

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The audio of an Ogg Opus stream as 48 kHz mono samples, output gain applied. */
export async function decodeOggOpus(stream: OggOpusStream): Promise<Float32Array> {
  const decoder = new OpusDecoder();
  const parts: Float32Array[] = [];
  try {
    for (let i = 0; i < stream.packets.length; i++) {
      // A packet libopus refuses (damaged) is concealed rather than ending the whole decode.
      try {
        parts.push(decoder.decode(stream.packets[i]!));
      } catch {
        parts.push(decoder.decodeLost());
      }
      if ((i + 1) % PACKETS_PER_SLICE === 0) await yieldToEventLoop();
    }
  } finally {
    decoder.close();
  }
  const decoded = concatFloat32(parts);
  const end = Math.min(decoded.length, Math.max(stream.head.preSkip, stream.endGranule));
  const audio = decoded.slice(Math.min(stream.head.preSkip, end), end);
  if (stream.head.outputGain !== 0) {
    // Q7.8 dB (RFC 7845 section 5.1).
    const gain = 10 ** (stream.head.outputGain / (20 * 256));
    for (let i = 0; i < audio.length; i++) audio[i] = audio[i]! * gain;
  }
  return audio;
}

export { OPUS_SAMPLE_RATE };
