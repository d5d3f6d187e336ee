// Opus at the PBX's one internal format: 48 kHz mono, 20 ms frames of 960 float samples in [-1, 1].
import { Decoder, Encoder } from '@evan/opus';
import { float32ToInt16, int16ToFloat32 } from '../dsp/samples.ts';
import { opusGapPacket, opusPacketSamples } from './opus-packet.ts';

export const OPUS_SAMPLE_RATE = 48000;
export const OPUS_FRAME_SAMPLES = 960;
export const OPUS_FRAME_MS = 20;

export interface OpusEncoderOptions {
  /** Bits per second; 32 kb/s is transparent for speech and fine for hold music. */
  bitrate?: number;
  /** 'voip' favours intelligibility, 'audio' fidelity (music prompts), 'restricted_lowdelay' CELT only (cheapest, least delay). */
  application?: 'voip' | 'audio' | 'restricted_lowdelay';
  /** 0-10: CPU against quality. */
  complexity?: number;
}

export class OpusEncoder {
  private encoder: Encoder | undefined;
  private readonly pcm = new Int16Array(OPUS_FRAME_SAMPLES);

  constructor(options: OpusEncoderOptions = {}) {
    const encoder = new Encoder({ channels: 1, sample_rate: OPUS_SAMPLE_RATE, application: options.application ?? 'voip' });
    encoder.bitrate = options.bitrate ?? 32000;
    if (options.complexity !== undefined) encoder.complexity = options.complexity as Encoder['complexity'];
    this.encoder = encoder;
  }

  get closed(): boolean {
    return this.encoder === undefined;
  }

  /** Encodes exactly one 20 ms frame (960 samples). */
  encode(frame: Float32Array): Uint8Array {
    if (!this.encoder) throw new Error('OpusEncoder is closed');
    if (frame.length !== OPUS_FRAME_SAMPLES) throw new RangeError(`an Opus frame is ${OPUS_FRAME_SAMPLES} samples, got ${frame.length}`);
    float32ToInt16(frame, this.pcm);
    return this.encoder.encode(this.pcm);
  }

  /** Encodes one 20 ms frame given as 16-bit PCM (the mixer's format: no float conversion). */
  encodePcm16(frame: Int16Array): Uint8Array {
    if (!this.encoder) throw new Error('OpusEncoder is closed');
    if (frame.length !== OPUS_FRAME_SAMPLES) throw new RangeError(`an Opus frame is ${OPUS_FRAME_SAMPLES} samples, got ${frame.length}`);
    return this.encoder.encode(frame);
  }

  close(): void {
    release(this.encoder);
    this.encoder = undefined;
  }
}

/** Rates libopus decodes to directly (its own resampling, no extra pass). */
export type OpusDecodeRate = 8000 | 12000 | 16000 | 24000 | 48000;

export class OpusDecoder {
  private decoder: Decoder | undefined;
  private lastPacketSamples = OPUS_FRAME_SAMPLES;
  readonly sampleRate: OpusDecodeRate;

  /** Samples come out at `sampleRate` (48 kHz unless told). */
  constructor(options: { sampleRate?: OpusDecodeRate } = {}) {
    this.sampleRate = options.sampleRate ?? OPUS_SAMPLE_RATE;
    this.decoder = new Decoder({ channels: 1, sample_rate: this.sampleRate });
  }

  /**
   * One packet as 16-bit samples at the decoder's rate, straight from libopus (no float copy): the
   * mixer's format, and what follows a caller's sound packet by packet (a recording), where a new
   * Float32Array each time adds up.
   */
  decodePcm16(packet: Uint8Array): Int16Array {
    if (!this.decoder) throw new Error('OpusDecoder is closed');
    const samples = opusPacketSamples(packet);
    if (samples !== undefined) this.lastPacketSamples = samples;
    return int16View(this.decoder.decode(packet));
  }

  /** Concealment for one lost packet as 16-bit samples at the decoder's rate (see decodeLost). */
  decodeLostPcm16(): Int16Array {
    return float32ToInt16(this.decodeLost());
  }

  get closed(): boolean {
    return this.decoder === undefined;
  }

  /** Decodes one packet into as many samples as it carries (960 at 48 kHz for the usual 20 ms). */
  decode(packet: Uint8Array): Float32Array {
    if (!this.decoder) throw new Error('OpusDecoder is closed');
    if (this.sampleRate !== OPUS_SAMPLE_RATE) return int16ToFloat32(this.decodePcm16(packet));
    const samples = opusPacketSamples(packet);
    if (samples !== undefined) this.lastPacketSamples = samples;
    return int16BytesToFloat(this.decoder.decode(packet));
  }

  /** Concealment audio for one lost packet, as long as the last packet received. */
  decodeLost(): Float32Array {
    if (!this.decoder) throw new Error('OpusDecoder is closed');
    // A packet with an empty frame makes libopus run its loss concealment for that frame length.
    const frameSamples = this.lastPacketSamples >= 960 ? 960 : this.lastPacketSamples >= 480 ? 480 : 240;
    // lastPacketSamples counts 48 kHz samples (the packet's own clock).
    const scale = this.sampleRate / OPUS_SAMPLE_RATE;
    const out = new Float32Array(this.lastPacketSamples * scale);
    for (let filled = 0; filled < out.length; filled += frameSamples * scale) {
      out.set(int16BytesToFloat(this.decoder.decode(opusGapPacket(frameSamples))).subarray(0, out.length - filled), filled);
    }
    return out;
  }

  close(): void {
    release(this.decoder);
    this.decoder = undefined;
  }
}

// The wasm build holds memory until drop(); the native build frees on garbage collection.
function release(codec: Encoder | Decoder | undefined): void {
  const droppable = codec as { drop?: () => void } | undefined;
  droppable?.drop?.();
}

function int16View(bytes: Uint8Array): Int16Array {
  if (bytes.byteOffset % 2 !== 0) bytes = bytes.slice();
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
}

function int16BytesToFloat(bytes: Uint8Array): Float32Array {
  return int16ToFloat32(int16View(bytes));
}
