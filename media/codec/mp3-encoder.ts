// MP3 (MPEG audio layer III, mono) from PCM or from an Ogg Opus recording, with LAME's JavaScript
// port: what a voicemail e-mail attaches, since every mail client and phone plays MP3.
// The work is cut into slices that give the event loop back: converting a three-minute message
// takes a few seconds of CPU, and calls in progress must not miss their 20 ms ticks meanwhile.
import { Mp3Encoder } from '@breezystack/lamejs';
import { resampleInSlices } from '../dsp/resample.ts';
import { float32ToInt16 } from '../dsp/samples.ts';
import { readOggOpus } from '../rtp/ogg-opus-reader.ts';
import { runWorkerTask } from '../worker-task.ts';
import { withInfoTag } from './mp3-info-tag.ts';
import { decodeOggOpus, OPUS_SAMPLE_RATE, yieldToEventLoop } from './ogg-opus-decoder.ts';

/** Rates an MP3 stream can have (MPEG-1, MPEG-2 and MPEG-2.5 layer III). */
export const MP3_SAMPLE_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
export type Mp3SampleRate = (typeof MP3_SAMPLE_RATES)[number];

export interface Mp3Options {
  /**
   * Rate of the MP3. 24 kHz (MPEG-2) keeps everything a phone call carries, Opus's wideband
   * included, at half the encoding cost of 48 kHz.
   */
  sampleRate?: Mp3SampleRate;
  /** Constant bit rate in kb/s; 48 kb/s is clear speech at 24 kHz (360 kB a minute). */
  bitrateKbps?: number;
}

export const MP3_DEFAULTS: Required<Mp3Options> = { sampleRate: 24000, bitrateKbps: 48 };

/** Samples handed to LAME between two breaks: a multiple of the 1152-sample MPEG-1 frame. */
const ENCODE_SLICE = 1152 * 10;
/** Fewer sinc lobes than the resampler's default: ample for speech, half the cost. */
const RESAMPLE_ZERO_CROSSINGS = 16;

/** Encodes mono samples in [-1, 1] at `sampleRate` as an MP3 file. */
export async function encodeMp3(samples: Float32Array, sampleRate: number, options: Mp3Options = {}): Promise<Uint8Array> {
  const { sampleRate: mp3Rate, bitrateKbps } = { ...MP3_DEFAULTS, ...options };
  if (!MP3_SAMPLE_RATES.includes(mp3Rate)) throw new RangeError(`MP3 cannot be ${mp3Rate} Hz`);
  const atRate =
    sampleRate === mp3Rate ? samples : await resampleInSlices(samples, sampleRate, mp3Rate, { zeroCrossings: RESAMPLE_ZERO_CROSSINGS }, yieldToEventLoop);
  const pcm = float32ToInt16(atRate);
  const encoder = new Mp3Encoder(1, mp3Rate, bitrateKbps);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < pcm.length; start += ENCODE_SLICE) {
    chunks.push(copy(encoder.encodeBuffer(pcm.subarray(start, start + ENCODE_SLICE))));
    await yieldToEventLoop();
  }
  chunks.push(copy(encoder.flush()));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return withInfoTag(out, pcm.length / mp3Rate);
}

export interface Mp3FromOggOpus {
  mp3: Uint8Array;
  /** Length of the audio encoded (the Ogg Opus file's playable length). */
  durationMs: number;
}

export interface OggOpusToMp3Options extends Mp3Options {
  /**
   * Where the MP3 ends, in ms of the Ogg stream's time (its granule positions, pre-skip included):
   * a voicemail message's length when its end was trimmed (trailing silence, the key that ended it).
   */
  endMs?: number;
}

/** Decodes an Ogg Opus file (a voicemail recording) and encodes it as MP3. */
export async function oggOpusToMp3(oggOpus: Uint8Array, options: OggOpusToMp3Options = {}): Promise<Mp3FromOggOpus> {
  const { endMs, ...mp3Options } = options;
  const stream = readOggOpus(oggOpus);
  const decoded = await decodeOggOpus(stream);
  const end = endMs === undefined ? decoded.length : Math.max(0, Math.round(endMs * (OPUS_SAMPLE_RATE / 1000)) - stream.head.preSkip);
  const pcm = decoded.subarray(0, Math.min(decoded.length, end));
  return { mp3: await encodeMp3(pcm, OPUS_SAMPLE_RATE, mp3Options), durationMs: (pcm.length / OPUS_SAMPLE_RATE) * 1000 };
}

/**
 * `oggOpusToMp3` on a background worker thread, so that the PBX's own thread (signaling, RTP
 * relays, the player's 20 ms clock) feels nothing of it: even sliced, LAME's JavaScript has pauses
 * (its first, unoptimised runs; garbage collection) long enough to be heard on calls in progress.
 */
export async function oggOpusToMp3OffThread(oggOpus: Uint8Array, options: OggOpusToMp3Options = {}, timeoutMs = 120_000): Promise<Mp3FromOggOpus> {
  const result = await runWorkerTask<Mp3FromOggOpus>(new URL('./mp3-encoder-worker.ts', import.meta.url), { oggOpus, options }, { timeoutMs });
  return { mp3: new Uint8Array(result.mp3), durationMs: result.durationMs };
}

/** LAME may reuse its output buffer: keep a copy of what it gave. */
function copy(bytes: Uint8Array | Int8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}
