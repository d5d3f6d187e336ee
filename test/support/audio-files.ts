// Audio files for upload tests, made here in code: MP3 with LAME (lamejs), WAV in PCM and float
// with wavefile, and files that only pretend to be audio (a PNG named .mp3).
import { Mp3Encoder } from '@breezystack/lamejs';
import wavefile from 'wavefile';
import { withInfoTag } from '../../media/codec/mp3-info-tag.ts';
import { float32ToInt16 } from '../../media/dsp/samples.ts';

/** A sine at `hz`, faded in and out over 10 ms so that a loop of it does not click. */
export function tone(hz: number, seconds: number, sampleRate: number, amplitude = 0.5): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  const ramp = Math.round(0.01 * sampleRate);
  for (let i = 0; i < samples.length; i++) {
    const envelope = Math.min(1, i / ramp, (samples.length - i) / ramp);
    samples[i] = amplitude * envelope * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  }
  return samples;
}

export interface Mp3FileOptions {
  sampleRate?: number;
  bitrateKbps?: number;
  /** The same samples on both channels of a stereo stream. */
  stereo?: boolean;
  /** With a LAME Info frame (exact length, frame count), as LAME's own encoder writes. */
  infoTag?: boolean;
}

/** An MP3 file of `samples` (at `options.sampleRate`, default 44.1 kHz), encoded by LAME. */
export function mp3File(samples: Float32Array, options: Mp3FileOptions = {}): Buffer {
  const { sampleRate = 44100, bitrateKbps = 128, stereo = false, infoTag = true } = options;
  const encoder = new Mp3Encoder(stereo ? 2 : 1, sampleRate, bitrateKbps);
  const pcm = float32ToInt16(samples);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < pcm.length; start += 1152 * 10) {
    const slice = pcm.subarray(start, start + 1152 * 10);
    chunks.push(new Uint8Array(stereo ? encoder.encodeBuffer(slice, slice) : encoder.encodeBuffer(slice)).slice());
  }
  chunks.push(new Uint8Array(encoder.flush()).slice());
  const stream = Buffer.concat(chunks);
  return Buffer.from(infoTag ? withInfoTag(stream, samples.length / sampleRate) : stream);
}

/** A WAV file: 16-bit PCM, or 32-bit float, with one or two channels (the same samples on each). */
export function wavFile(samples: Float32Array, sampleRate: number, options: { channels?: 1 | 2; bitDepth?: '16' | '32f' | '24' | '8' } = {}): Buffer {
  const { channels = 1, bitDepth = '16' } = options;
  const wav = new wavefile.WaveFile();
  const scaled = (() => {
    if (bitDepth === '32f') return Float64Array.from(samples);
    const full = bitDepth === '16' ? 32767 : bitDepth === '24' ? 8388607 : 127;
    return Float64Array.from(samples, (v) => Math.round(v * full) + (bitDepth === '8' ? 128 : 0));
  })();
  wav.fromScratch(channels, sampleRate, bitDepth, channels === 1 ? scaled : [scaled, scaled]);
  return Buffer.from(wav.toBuffer());
}

/** A real, tiny PNG image (1×1 pixel): what a file renamed to .mp3 may really be. */
export function pngFile(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
}
