// Ogg pages (RFC 3533): the framing that carries Opus packets in .ogg/.opus files.

export const OGG_CONTINUED = 0x01;
export const OGG_BEGINNING_OF_STREAM = 0x02;
export const OGG_END_OF_STREAM = 0x04;

/** Lacing allows at most 255 segments of up to 255 bytes in one page. */
export const OGG_MAX_SEGMENTS = 255;

const HEADER_BYTES = 27;

export interface OggPage {
  flags: number;
  /** Codec-defined position of the last packet completed on the page; -1 when none completes. */
  granulePosition: bigint;
  serialNumber: number;
  sequenceNumber: number;
  /** Whole packets only: this writer never splits a packet across pages. */
  packets: readonly Uint8Array[];
}

/** Segments a packet needs: one per 255 bytes, plus a final shorter (possibly empty) one. */
export function oggSegmentCount(packetLength: number): number {
  return Math.floor(packetLength / 255) + 1;
}

export function encodeOggPage(page: OggPage): Uint8Array {
  const lacing: number[] = [];
  for (const packet of page.packets) {
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  if (lacing.length > OGG_MAX_SEGMENTS) throw new RangeError(`an Ogg page holds ${OGG_MAX_SEGMENTS} segments, not ${lacing.length}`);
  const bodyLength = page.packets.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(HEADER_BYTES + lacing.length + bodyLength);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  bytes[4] = 0; // stream structure version
  bytes[5] = page.flags;
  view.setBigInt64(6, page.granulePosition, true);
  view.setUint32(14, page.serialNumber >>> 0, true);
  view.setUint32(18, page.sequenceNumber >>> 0, true);
  // bytes 22-25: CRC, computed below over the page with this field zero
  bytes[26] = lacing.length;
  bytes.set(lacing, HEADER_BYTES);
  let offset = HEADER_BYTES + lacing.length;
  for (const packet of page.packets) {
    bytes.set(packet, offset);
    offset += packet.length;
  }
  view.setUint32(22, oggCrc32(bytes), true);
  return bytes;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value and final XOR zero. */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  return crc;
}
