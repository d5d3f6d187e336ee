// A prompt encoded once as Opus frames; a player then sends the same frames to every listener.
import { type LoudnessTarget, normalizeLoudness } from '../dsp/loudness.ts';
import { concatFloat32 } from '../dsp/samples.ts';
import { OPUS_FRAME_MS, OPUS_FRAME_SAMPLES, OpusDecoder, OpusEncoder, type OpusEncoderOptions } from './opus.ts';

export interface OpusClip {
  /** One packet per 20 ms, in order. */
  frames: Uint8Array[];
  durationMs: number;
}

export interface OpusClipOptions extends OpusEncoderOptions {
  /** Evens out level before encoding; omit to keep the source level. */
  loudness?: LoudnessTarget;
}

/** Encodes 48 kHz mono PCM; the last frame is padded with silence. */
export function encodeOpusClip(pcm: Float32Array, options: OpusClipOptions = {}): OpusClip {
  const source = options.loudness ? normalizeLoudness(pcm, options.loudness) : pcm;
  const encoder = new OpusEncoder(options);
  const frames: Uint8Array[] = [];
  const frame = new Float32Array(OPUS_FRAME_SAMPLES);
  try {
    for (let start = 0; start < source.length; start += OPUS_FRAME_SAMPLES) {
      const chunk = source.subarray(start, start + OPUS_FRAME_SAMPLES);
      frame.fill(0);
      frame.set(chunk);
      frames.push(encoder.encode(frame));
    }
  } finally {
    encoder.close();
  }
  return { frames, durationMs: frames.length * OPUS_FRAME_MS };
}

/**
 * encodeOpusClip for long audio on a thread that has other work: `pause` is awaited after every
 * `framesPerSlice` frames (a few milliseconds of encoding), e.g. to give the event loop back.
 */
export async function encodeOpusClipInSlices(pcm: Float32Array, options: OpusClipOptions, pause: () => Promise<void>, framesPerSlice = 50): Promise<OpusClip> {
  const source = options.loudness ? normalizeLoudness(pcm, options.loudness) : pcm;
  const encoder = new OpusEncoder(options);
  const frames: Uint8Array[] = [];
  const frame = new Float32Array(OPUS_FRAME_SAMPLES);
  try {
    for (let start = 0; start < source.length; start += OPUS_FRAME_SAMPLES) {
      frame.fill(0);
      frame.set(source.subarray(start, start + OPUS_FRAME_SAMPLES));
      frames.push(encoder.encode(frame));
      if (frames.length % framesPerSlice === 0) await pause();
    }
  } finally {
    encoder.close();
  }
  return { frames, durationMs: frames.length * OPUS_FRAME_MS };
}

/** Decodes a clip back to 48 kHz mono PCM (previews, exports, tests). */
export function decodeOpusClip(clip: OpusClip): Float32Array {
  const decoder = new OpusDecoder();
  try {
    return concatFloat32(clip.frames.map((frame) => decoder.decode(frame)));
  } finally {
    decoder.close();
  }
}
