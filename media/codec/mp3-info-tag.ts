// The Info frame (Xing header with LAME's extension) that LAME's C encoder puts before a CBR file's
// audio and its JavaScript port leaves out: it gives players the exact length (no "duration
// estimated from the bit rate") and decoders the encoder delay and padding, so that the decoded
// audio is exactly as long as what was encoded (gapless).
// Layout: the Xing header as LAME writes it (frames, bytes, TOC, quality), then LAME's 36-byte tag
// (see LAME's doc "Mp3 Info Tag rev 1 specifications").

/** What the frames of an MPEG audio layer III stream say about themselves. */
export interface Mp3FrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  version: 1 | 2 | 2.5;
  sampleRate: number;
  bitrateKbps: number;
  /** Samples per frame: 1152 (MPEG-1) or 576. */
  samples: number;
  mono: boolean;
  /** Bytes in the frame, header included. */
  length: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] } as const;

/** Reads the 4-byte header of a layer III frame at `offset`; undefined if there is none. */
export function readMp3FrameHeader(bytes: Uint8Array, offset = 0): Mp3FrameHeader | undefined {
  if (offset + 4 > bytes.length || bytes[offset] !== 0xff || (bytes[offset + 1]! & 0xe0) !== 0xe0) return undefined;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const versionBits = (b1 >> 3) & 0x03;
  if (versionBits === 1 || ((b1 >> 1) & 0x03) !== 1) return undefined; // reserved version; not layer III
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
  const sampleRate = RATES[version][rateIndex]!;
  const padding = (b2 >> 1) & 0x01;
  const perFrame = version === 1 ? 144 : 72;
  return {
    version,
    sampleRate,
    bitrateKbps,
    samples: version === 1 ? 1152 : 576,
    mono: bytes[offset + 3]! >> 6 === 3,
    length: Math.floor((perFrame * bitrateKbps * 1000) / sampleRate) + padding,
  };
}

/** LAME's encoder delay (ENCDELAY): samples of silence the encoder puts before the audio. */
export const LAME_ENCODER_DELAY = 576;

/**
 * Puts an Info frame in front of a CBR layer III stream that encodes `seconds` of audio. Returns
 * the stream unchanged if it does not start with a frame.
 */
export function withInfoTag(stream: Uint8Array, seconds: number, encoderDelay = LAME_ENCODER_DELAY): Uint8Array {
  const first = readMp3FrameHeader(stream, 0);
  if (!first) return stream;
  // In the stream's own rate: LAME may have chosen a lower one than it was given.
  const samples = Math.round(seconds * first.sampleRate);
  let frames = 0;
  for (let offset = 0; offset < stream.length; ) {
    const frame = readMp3FrameHeader(stream, offset);
    if (!frame) break;
    frames++;
    offset += frame.length;
  }
  const sideInfo = first.version === 1 ? (first.mono ? 17 : 32) : first.mono ? 9 : 17;
  const xingStart = 4 + sideInfo;
  const needed = xingStart + 120 + 36;
  // The smallest bit rate whose frame holds the tag; decoders play the Info frame as nothing.
  const bitrates = first.version === 1 ? BITRATES_V1 : BITRATES_V2;
  const perFrame = first.version === 1 ? 144 : 72;
  const bitrateIndex = bitrates.findIndex((kbps, i) => i > 0 && Math.floor((perFrame * kbps * 1000) / first.sampleRate) >= needed);
  if (bitrateIndex < 0) return stream;
  const frameLength = Math.floor((perFrame * bitrates[bitrateIndex]! * 1000) / first.sampleRate);
  const info = new Uint8Array(frameLength);
  const view = new DataView(info.buffer);
  info[0] = 0xff;
  info[1] = stream[1]! | 0x01; // same version and layer, no CRC
  info[2] = (bitrateIndex << 4) | (stream[2]! & 0x0c); // same rate, no padding
  info[3] = stream[3]!;
  let at = xingStart;
  info.set(new TextEncoder().encode('Info'), at);
  view.setUint32(at + 4, 0x0f, false); // frames, bytes, TOC and quality present
  view.setUint32(at + 8, frames, false); // audio frames: decoders count the Info frame as none
  view.setUint32(at + 12, stream.length + frameLength, false);
  // TOC: for a constant bit rate, position in the file is proportional to time.
  for (let i = 0; i < 100; i++) info[at + 16 + i] = Math.min(255, Math.round((i * 256) / 100));
  view.setUint32(at + 116, 0, false); // quality: unknown
  at += 120;
  info.set(new TextEncoder().encode('LAME3.100'), at);
  info[at + 9] = 0x01; // tag revision 0, VBR method 1: constant bit rate
  info[at + 10] = 0; // lowpass unknown
  info[at + 20] = Math.min(255, first.bitrateKbps);
  const padding = Math.max(0, frames * first.samples - encoderDelay - samples);
  const delay = Math.min(encoderDelay, 0xfff);
  info[at + 21] = delay >> 4;
  info[at + 22] = ((delay & 0x0f) << 4) | ((Math.min(padding, 0xfff) >> 8) & 0x0f);
  info[at + 23] = Math.min(padding, 0xfff) & 0xff;
  info[at + 24] = first.sampleRate > 48000 ? 0xc0 : first.sampleRate === 48000 ? 0x80 : first.sampleRate === 44100 ? 0x40 : 0;
  view.setUint32(at + 28, stream.length + frameLength, false);
  view.setUint16(at + 32, crc16(stream, 0, stream.length), false);
  view.setUint16(at + 34, crc16(info, 0, at + 34), false);
  const out = new Uint8Array(frameLength + stream.length);
  out.set(info, 0);
  out.set(stream, frameLength);
  return out;
}

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    table[i] = crc;
  }
  return table;
})();

/** CRC-16 as LAME computes its tag's checksums (polynomial 0x8005, reflected, initial value 0). */
export function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC16_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}
