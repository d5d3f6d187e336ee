// What a file is, from its first bytes: uploads are judged by their content, never by their name
// or the Content-Type the browser guessed. Only MP3 and WAV are audio the PBX takes; everything
// else is named as precisely as its signature allows, so that the refusal tells the admin why.
import { readMp3FrameHeader } from '../codec/mp3-info-tag.ts';

export type FileSignature =
  | { kind: 'wav' }
  | { kind: 'mp3' }
  /** Anything else, in words: "a PNG image", "an Ogg file (Opus or Vorbis audio)". */
  | { kind: 'other'; description: string };

/** How many first bytes `identifyFile` looks at. */
export const SIGNATURE_BYTES = 4096;

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

const MAGIC: { at: number; bytes: number[] | string; description: string }[] = [
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], description: 'a PNG image' },
  { at: 0, bytes: [0xff, 0xd8, 0xff], description: 'a JPEG image' },
  { at: 0, bytes: 'GIF8', description: 'a GIF image' },
  { at: 0, bytes: '%PDF', description: 'a PDF document' },
  { at: 0, bytes: [0x50, 0x4b, 0x03, 0x04], description: 'a ZIP archive (or an office document)' },
  { at: 0, bytes: [0x1f, 0x8b], description: 'a gzip archive' },
  { at: 0, bytes: 'OggS', description: 'an Ogg file (Opus or Vorbis audio)' },
  { at: 0, bytes: 'fLaC', description: 'a FLAC file' },
  { at: 4, bytes: 'ftyp', description: 'an MP4 or M4A file (AAC audio or video)' },
  { at: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3], description: 'a WebM or Matroska file' },
  { at: 0, bytes: [0x7f, 0x45, 0x4c, 0x46], description: 'a program (ELF)' },
  { at: 0, bytes: 'MZ', description: 'a Windows program' },
  { at: 0, bytes: '#!AMR', description: 'an AMR file' },
  { at: 0, bytes: '.snd', description: 'an AU file' },
  { at: 0, bytes: 'MThd', description: 'a MIDI file' },
];

function startsWith(head: Uint8Array, at: number, magic: number[] | string): boolean {
  const bytes = typeof magic === 'string' ? [...magic].map((c) => c.charCodeAt(0)) : magic;
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

/** Identifies a file from its first bytes (up to SIGNATURE_BYTES); `head` must not be empty. */
export function identifyFile(head: Uint8Array): FileSignature {
  if (startsWith(head, 0, 'RIFF') || startsWith(head, 0, 'RIFX') || startsWith(head, 0, 'RF64')) {
    const form = head.length >= 12 ? ascii(head, 8, 12) : '';
    if (form === 'WAVE' || head.length < 12) return { kind: 'wav' };
    if (form === 'WEBP') return { kind: 'other', description: 'a WebP image' };
    if (form === 'AVI ') return { kind: 'other', description: 'an AVI video' };
    return { kind: 'other', description: `a RIFF file of type "${form.trim()}", not a WAV file` };
  }
  if (startsWith(head, 0, 'FORM') && head.length >= 12 && ascii(head, 8, 11) === 'AIF') {
    return { kind: 'other', description: 'an AIFF file' };
  }
  for (const magic of MAGIC) if (startsWith(head, magic.at, magic.bytes)) return { kind: 'other', description: magic.description };
  if (startsWith(head, 0, 'ID3')) return { kind: 'mp3' };
  // ADTS (raw AAC) shares MPEG audio's sync word, with layer bits 00.
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xf6) === 0xf0) return { kind: 'other', description: 'an AAC file (ADTS)' };
  if (readMp3FrameHeader(head, 0)) return { kind: 'mp3' };
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) {
    return { kind: 'other', description: 'MPEG audio of another layer (MP1 or MP2), not MP3' };
  }
  const text = textKind(head);
  if (text) return { kind: 'other', description: text };
  return { kind: 'other', description: 'a file whose content is not audio the PBX knows' };
}

/** Text, and which kind when it says so; null for binary content. */
function textKind(head: Uint8Array): string | null {
  const sample = head.subarray(0, 512);
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, lastCompleteUtf8(sample)));
  } catch {
    return null;
  }
  // Control characters other than tab, newline and carriage return mean binary.
  if (/[\u0000-\u0008\u000e-\u001f\u007f]/.test(decoded)) return null;
  const start = decoded.trimStart().slice(0, 100).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'an HTML page';
  if (start.startsWith('<svg') || (start.startsWith('<?xml') && decoded.toLowerCase().includes('<svg'))) return 'an SVG image';
  if (start.startsWith('<?xml')) return 'an XML document';
  if (start.startsWith('{') || start.startsWith('[')) return 'a text file (JSON)';
  return 'a text file';
}

/** Length of `bytes` without a UTF-8 sequence cut at its end. */
function lastCompleteUtf8(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (back < needed) end -= back;
    }
    break;
  }
  return end;
}
