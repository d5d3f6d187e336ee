// MP3 files as the PBX takes them: the frames are walked first (every header checked, the last
// frame complete, as many frames as the Xing/Info header announces), then decoded by mpg123's
// WebAssembly build. Walking first is what tells a cut file (422) from a good one before any
// decoding, and gives the exact length to check against the limit.
import { MPEGDecoder } from 'mpg123-decoder';
import { AudioFileRejected } from '../audio/audio-file-rejected.ts';
import type { FileReader } from '../audio/file-reader.ts';
import { readMp3FrameHeader, type Mp3FrameHeader } from './mp3-info-tag.ts';

export interface Mp3Layout {
  /** Where the first audio frame starts and where the last one ends. */
  start: number;
  end: number;
  frames: number;
  first: Mp3FrameHeader;
  /** The bit rate of the audio frames (not of the Info frame, which is as small as it can be). */
  bitrateKbps: number;
  /** Samples the frames hold (encoder delay and padding included). */
  samples: number;
}

/** How far past the tags the first frame may be (some encoders pad with zeros). */
const FIRST_FRAME_SEARCH_BYTES = 64 * 1024;
const FEED_BYTES = 64 * 1024;

const sameStream = (a: Mp3FrameHeader, b: Mp3FrameHeader) => a.version === b.version && a.sampleRate === b.sampleRate;

/** Checks the whole stream's framing; throws AudioFileRejected for a cut or frameless file. */
export function walkMp3(file: FileReader): Mp3Layout {
  let offset = skipId3v2(file, 0);
  const start = findFirstFrame(file, offset);
  if (start === undefined) {
    if (offset >= file.size) throw new AudioFileRejected('unreadable', 'The MP3 file holds a tag but no audio.');
    throw new AudioFileRejected('not-mp3-or-wav', 'The file is not MP3 or WAV: no MPEG audio frame was found in it.');
  }
  const first = readMp3FrameHeader(file.read(start, 4))!;
  const xing = readXingHeader(file, start, first);
  let frames = 0;
  let end = start;
  let bitrateKbps = first.bitrateKbps;
  offset = start;
  while (offset < file.size) {
    const header = readMp3FrameHeader(file.read(offset, 4));
    if (header && sameStream(header, first)) {
      if (offset + header.length > file.size) {
        throw new AudioFileRejected(
          'unreadable',
          `The MP3 file is truncated: it ends in the middle of frame ${frames + 1} (${file.size - offset} of its ${header.length} bytes are there).`,
        );
      }
      frames++;
      if (frames === 2 && xing) bitrateKbps = header.bitrateKbps;
      offset += header.length;
      end = offset;
      continue;
    }
    if (isTrailingTag(file, offset)) break;
    const next = findFirstFrame(file, offset + 1, first);
    if (next === undefined) break; // trailing bytes that are not audio: ignored, as players do
    offset = next;
  }
  // The Info frame itself carries no audio.
  const audioFrames = xing ? frames - 1 : frames;
  const announced = xing?.frames;
  if (audioFrames <= 0) throw new AudioFileRejected('unreadable', 'The MP3 file has no audio frames.');
  if (announced !== undefined && announced > audioFrames) {
    throw new AudioFileRejected('unreadable', `The MP3 file is truncated: its header announces ${announced} frames, only ${audioFrames} are there.`);
  }
  return { start, end, frames, first, bitrateKbps, samples: audioFrames * first.samples };
}

/** Decodes the walked stream to one channel at its own rate (stereo is averaged). */
export async function decodeMp3(file: FileReader, layout: Mp3Layout): Promise<{ samples: Float32Array; sampleRate: number }> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  // mpg123 may give a frame more than counted (the Info frame decodes as silence with some builds).
  const out = new Float32Array(layout.samples + 2 * layout.first.samples);
  let written = 0;
  let errors = 0;
  let sampleRate = layout.first.sampleRate;
  try {
    for (let position = layout.start; position < layout.end; position += FEED_BYTES) {
      const decoded = decoder.decode(file.read(position, Math.min(FEED_BYTES, layout.end - position)).slice());
      errors += decoded.errors.length;
      if (decoded.sampleRate) sampleRate = decoded.sampleRate;
      const [left, right] = decoded.channelData;
      const n = Math.min(decoded.samplesDecoded, out.length - written);
      if (layout.first.mono || !right) out.set(left!.subarray(0, n), written);
      else for (let i = 0; i < n; i++) out[written + i] = (left![i]! + right[i]!) / 2;
      written += n;
    }
  } finally {
    decoder.free();
  }
  if (errors > Math.max(2, layout.frames * 0.01) || written < layout.samples * 0.5) {
    throw new AudioFileRejected('unreadable', `The MP3 file is damaged: ${errors} of its ${layout.frames} frames could not be decoded.`);
  }
  return { samples: out.subarray(0, written), sampleRate };
}

/** Skips ID3v2 tags at `offset`; a tag running past the end of the file means a cut file. */
function skipId3v2(file: FileReader, offset: number): number {
  for (;;) {
    const head = file.read(offset, 10);
    if (head.length < 3 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return offset;
    if (head.length < 10) throw new AudioFileRejected('unreadable', 'The MP3 file is truncated: it ends inside its ID3 tag.');
    const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    const end = offset + 10 + size + (head[5]! & 0x10 ? 10 : 0);
    if (end > file.size) throw new AudioFileRejected('unreadable', `The MP3 file is truncated: it ends inside its ID3 tag (${end - file.size} bytes missing).`);
    offset = end;
  }
}

/**
 * The first position from `from` where a frame starts and the next one follows it (or the file
 * ends within it): one sync word alone is too easily found by chance in other data.
 */
function findFirstFrame(file: FileReader, from: number, like?: Mp3FrameHeader): number | undefined {
  const limit = Math.min(file.size, from + FIRST_FRAME_SEARCH_BYTES);
  for (let offset = from; offset < limit; offset++) {
    const bytes = file.read(offset, 4);
    if (bytes[0] !== 0xff) continue;
    const header = readMp3FrameHeader(bytes);
    if (!header || (like && !sameStream(header, like))) continue;
    const nextAt = offset + header.length;
    if (nextAt >= file.size) return offset;
    const next = readMp3FrameHeader(file.read(nextAt, 4));
    if (next && sameStream(next, header)) return offset;
    if (isTrailingTag(file, nextAt)) return offset;
  }
  return undefined;
}

/** ID3v1, APE and Lyrics3 tags come after the audio. */
function isTrailingTag(file: FileReader, offset: number): boolean {
  const text = String.fromCharCode(...file.read(offset, 9));
  return (text.startsWith('TAG') && file.size - offset <= 128 + 355) || text.startsWith('APETAGEX') || text.startsWith('LYRICSBEG') || text.startsWith('ID3');
}

/** The Xing/Info header of the first frame, if it is one, and the frame count it announces. */
function readXingHeader(file: FileReader, start: number, first: Mp3FrameHeader): { frames: number | undefined } | undefined {
  const sideInfo = first.version === 1 ? (first.mono ? 17 : 32) : first.mono ? 9 : 17;
  const at = start + 4 + sideInfo;
  const bytes = file.read(at, 12);
  const id = String.fromCharCode(...bytes.subarray(0, 4));
  if ((id !== 'Xing' && id !== 'Info') || bytes.length < 12) return undefined;
  const flags = new DataView(bytes.buffer, bytes.byteOffset, 12).getUint32(4, false);
  return { frames: flags & 1 ? new DataView(bytes.buffer, bytes.byteOffset, 12).getUint32(8, false) : undefined };
}
