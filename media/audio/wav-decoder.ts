// WAV files as the PBX takes them: RIFF (or big-endian RIFX), PCM of 8 to 32 bits or IEEE float
// of 32 or 64 bits, any rate, any number of channels. wavefile parses the chunks (from the first
// megabyte: the headers, not the samples); the samples are then read and averaged to one channel
// a megabyte at a time, so a long file never sits in memory twice.
import wavefile from 'wavefile';
import { AudioFileRejected } from './audio-file-rejected.ts';
import type { FileReader } from './file-reader.ts';

export interface WavLayout {
  sampleRate: number;
  channels: number;
  /** 'pcm' (integers) or 'float'. */
  coding: 'pcm' | 'float';
  bitsPerSample: number;
  bigEndian: boolean;
  dataStart: number;
  frames: number;
}

const HEAD_BYTES = 1 << 20;
const READ_BYTES = 1 << 20;

/** Codings a WAV may declare, named for the refusal. */
const CODINGS: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'µ-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x55: 'MP3 inside WAV',
  0xff: 'AAC inside WAV',
};

/** Reads and checks the headers; throws AudioFileRejected for other codings or a cut file. */
export function readWavLayout(file: FileReader): WavLayout {
  const head = file.read(0, HEAD_BYTES).slice();
  if (head.length < 12) throw new AudioFileRejected('unreadable', 'The WAV file is truncated: it ends inside its header.');
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(head, false);
  } catch (error) {
    const declared = new DataView(head.buffer).getUint32(4, head[3] === 0x46); // RIFX sizes are big-endian
    if (declared + 8 > file.size) throw new AudioFileRejected('unreadable', 'The WAV file is truncated: it ends inside its header.');
    throw new AudioFileRejected('unreadable', `The WAV file is damaged: ${(error as Error).message.replace(/\.$/, '')}.`);
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number; blockAlign: number; subformat?: number[] };
  // WAVE_FORMAT_EXTENSIBLE names its coding in the first two bytes of its subformat GUID.
  const format = fmt.audioFormat === 0xfffe && fmt.subformat ? fmt.subformat[0]! & 0xffff : fmt.audioFormat;
  if (format !== 1 && format !== 3) {
    const name = CODINGS[format] ?? `coding 0x${format.toString(16).padStart(4, '0')}`;
    throw new AudioFileRejected('not-mp3-or-wav', `The file is a WAV file in ${name}, not PCM or float.`);
  }
  const coding = format === 3 ? 'float' : 'pcm';
  const bits = fmt.bitsPerSample;
  const validBits = coding === 'float' ? [32, 64] : [8, 16, 24, 32];
  if (!validBits.includes(bits)) throw new AudioFileRejected('not-mp3-or-wav', `The file is a WAV file of ${bits}-bit ${coding} samples, which the PBX does not read.`);
  if (fmt.numChannels < 1 || !(fmt.sampleRate >= 1000 && fmt.sampleRate <= 384_000)) {
    throw new AudioFileRejected('unreadable', `The WAV file is damaged: ${fmt.numChannels} channels at ${fmt.sampleRate} Hz.`);
  }
  const bigEndian = wav.container === 'RIFX';
  const chunk = { chunkSize: (wav.data as { chunkSize: number }).chunkSize };
  const dataStart = dataChunkStart(head, bigEndian);
  const available = Math.max(0, file.size - dataStart);
  // Recorders that stream write 0 or 0xFFFFFFFF as the data size; the rest of the file is the data.
  const streamed = chunk.chunkSize === 0 || chunk.chunkSize === 0xffffffff;
  if (!streamed && chunk.chunkSize > available) {
    throw new AudioFileRejected(
      'unreadable',
      `The WAV file is truncated: its header announces ${megabytes(chunk.chunkSize)} of audio, only ${megabytes(available)} are there.`,
    );
  }
  const blockAlign = fmt.numChannels * (bits / 8);
  const frames = Math.floor((streamed ? available : chunk.chunkSize) / blockAlign);
  if (frames === 0) throw new AudioFileRejected('unreadable', 'The WAV file is empty: it holds no audio samples.');
  return { sampleRate: fmt.sampleRate, channels: fmt.numChannels, coding, bitsPerSample: bits, bigEndian, dataStart, frames };
}

/** The samples, channels averaged, at the file's own rate. */
export function decodeWav(file: FileReader, layout: WavLayout): Float32Array {
  const { channels, bitsPerSample, coding, bigEndian } = layout;
  const bytesPerSample = bitsPerSample / 8;
  const blockAlign = channels * bytesPerSample;
  const read = readerFor(coding, bitsPerSample, !bigEndian);
  const out = new Float32Array(layout.frames);
  const framesPerRead = Math.max(1, Math.floor(READ_BYTES / blockAlign));
  for (let frame = 0; frame < layout.frames; frame += framesPerRead) {
    const count = Math.min(framesPerRead, layout.frames - frame);
    const bytes = file.read(layout.dataStart + frame * blockAlign, count * blockAlign);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += read(view, i * blockAlign + c * bytesPerSample);
      out[frame + i] = sum / channels;
    }
  }
  return out;
}

/** Where the samples start: after the 'data' chunk's id and size (wavefile keeps only its size). */
function dataChunkStart(head: Uint8Array, bigEndian: boolean): number {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let at = 12; at + 8 <= head.length; ) {
    const id = String.fromCharCode(...head.subarray(at, at + 4));
    if (id === 'data') return at + 8;
    const size = view.getUint32(at + 4, !bigEndian);
    at += 8 + size + (size % 2);
  }
  throw new AudioFileRejected('unreadable', 'The WAV file is damaged: its data chunk is not where its header says.');
}

type SampleReader = (view: DataView, offset: number) => number;

function readerFor(coding: 'pcm' | 'float', bits: number, littleEndian: boolean): SampleReader {
  if (coding === 'float') return bits === 32 ? (v, o) => v.getFloat32(o, littleEndian) : (v, o) => v.getFloat64(o, littleEndian);
  switch (bits) {
    case 8:
      return (v, o) => (v.getUint8(o) - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (v, o) => v.getInt16(o, littleEndian) / 32768;
    case 24:
      return littleEndian
        ? (v, o) => ((v.getInt8(o + 2) << 16) | (v.getUint8(o + 1) << 8) | v.getUint8(o)) / 8388608
        : (v, o) => ((v.getInt8(o) << 16) | (v.getUint8(o + 1) << 8) | v.getUint8(o + 2)) / 8388608;
    default:
      return (v, o) => v.getInt32(o, littleEndian) / 2147483648;
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${bytes} bytes`;
}
