// An uploaded audio file, judged by its content and decoded to the PBX's one format (48 kHz mono):
// a real MP3 or a real WAV is taken, anything else is refused with the reason in words. Used on
// the upload worker thread (server/media-plane/audio-upload-worker.ts) and by the tests directly.
import { decodeMp3, walkMp3 } from '../codec/mp3-decoder.ts';
import { OPUS_SAMPLE_RATE } from '../codec/opus.ts';
import { Resampler } from '../dsp/resample.ts';
import { AudioFileRejected } from './audio-file-rejected.ts';
import { FileReader } from './file-reader.ts';
import { identifyFile, SIGNATURE_BYTES } from './file-signature.ts';
import { decodeWav, readWavLayout } from './wav-decoder.ts';

export { AudioFileRejected };

export interface ImportedAudio {
  format: 'mp3' | 'wav';
  /** What the file was, e.g. "MP3, 44.1 kHz stereo" or "WAV, 16-bit PCM, 8 kHz mono". */
  description: string;
  /** 48 kHz mono, as decoded (no level change). */
  pcm: Float32Array;
  durationMs: number;
}

export interface ImportOptions {
  /** Longest audio taken; longer files are refused before they are decoded. */
  maxSeconds: number;
}

/** Fewer sinc lobes than the resampler's default: ample for a phone line, half the cost. */
const RESAMPLE_ZERO_CROSSINGS = 16;

/** Judges and decodes the file at `path`; throws AudioFileRejected with the reason. */
export async function importAudioFile(path: string, options: ImportOptions): Promise<ImportedAudio> {
  const file = new FileReader(path);
  try {
    if (file.size === 0) throw new AudioFileRejected('unreadable', 'The file is empty.');
    const signature = identifyFile(file.read(0, SIGNATURE_BYTES));
    if (signature.kind === 'other') throw new AudioFileRejected('not-mp3-or-wav', `The file is ${signature.description}, not MP3 or WAV.`);
    let samples: Float32Array;
    let sampleRate: number;
    let description: string;
    if (signature.kind === 'wav') {
      const layout = readWavLayout(file);
      checkLength(layout.frames / layout.sampleRate, options);
      samples = decodeWav(file, layout);
      sampleRate = layout.sampleRate;
      const coding = layout.coding === 'float' ? `${layout.bitsPerSample}-bit float` : `${layout.bitsPerSample}-bit PCM`;
      description = `WAV, ${coding}, ${kilohertz(sampleRate)} ${channelsInWords(layout.channels)}`;
    } else {
      const layout = walkMp3(file);
      checkLength(layout.samples / layout.first.sampleRate, options);
      ({ samples, sampleRate } = await decodeMp3(file, layout));
      description = `MP3, ${kilohertz(sampleRate)} ${layout.first.mono ? 'mono' : 'stereo'}, ${layout.bitrateKbps} kb/s`;
    }
    const pcm = sampleRate === OPUS_SAMPLE_RATE ? samples : new Resampler(sampleRate, OPUS_SAMPLE_RATE, { zeroCrossings: RESAMPLE_ZERO_CROSSINGS }).resample(samples);
    return { format: signature.kind, description, pcm, durationMs: Math.round((pcm.length / OPUS_SAMPLE_RATE) * 1000) };
  } finally {
    file.close();
  }
}

function checkLength(seconds: number, options: ImportOptions): void {
  if (seconds > options.maxSeconds) {
    throw new AudioFileRejected('too-large', `The audio lasts ${minutesInWords(seconds)}; at most ${minutesInWords(options.maxSeconds)} is taken.`);
  }
}

function minutesInWords(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

function kilohertz(rate: number): string {
  return `${Number((rate / 1000).toFixed(2))} kHz`;
}

function channelsInWords(channels: number): string {
  return channels === 1 ? 'mono' : channels === 2 ? 'stereo' : `${channels} channels`;
}
