// Reading Ogg Opus files (RFC 3533 pages, RFC 7845 headers) back into Opus packets, and repairing a
// file whose writer died mid-way (kill -9 while recording a voicemail): everything up to the last
// intact page is kept, a torn page is dropped, and the last page is marked end of stream so that any
// player reads the file to its end without complaint.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { encodeOggPage, OGG_CONTINUED, OGG_END_OF_STREAM, oggCrc32 } from './ogg-page.ts';

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const HEADER_BYTES = 27;
/** Ogg's "no packet finishes on this page". */
const NO_GRANULE = -1n;

/** The file is not Ogg Opus, or its headers are damaged: nothing in it can be played. */
export class OggOpusError extends Error {}

/** One page as found in a file, with its exact place there. */
export interface RawOggPage {
  offset: number;
  length: number;
  flags: number;
  granulePosition: bigint;
  serialNumber: number;
  sequenceNumber: number;
  /** Segment sizes (the lacing table). */
  lacing: Uint8Array;
  body: Uint8Array;
}

export interface OggPageScan {
  pages: RawOggPage[];
  /** Bytes from the start that are whole, valid pages; whatever follows is torn or not Ogg. */
  intactBytes: number;
}

/** Splits bytes into pages, stopping at the first one that is cut short or fails its CRC. */
export function scanOggPages(bytes: Uint8Array): OggPageScan {
  const pages: RawOggPage[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    if (!CAPTURE.every((b, i) => bytes[offset + i] === b) || bytes[offset + 4] !== 0) break;
    const segments = bytes[offset + 26]!;
    if (offset + HEADER_BYTES + segments > bytes.length) break;
    const lacing = bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + segments);
    const bodyLength = lacing.reduce((n, v) => n + v, 0);
    const length = HEADER_BYTES + segments + bodyLength;
    if (offset + length > bytes.length) break;
    // A copy (Buffer's slice would be a view): the CRC is computed with its own field zeroed.
    const page = new Uint8Array(bytes.subarray(offset, offset + length));
    const view = new DataView(page.buffer);
    const crc = view.getUint32(22, true);
    page.fill(0, 22, 26);
    if (oggCrc32(page) !== crc) break;
    pages.push({
      offset,
      length,
      flags: page[5]!,
      granulePosition: view.getBigInt64(6, true),
      serialNumber: view.getUint32(14, true),
      sequenceNumber: view.getUint32(18, true),
      lacing,
      body: bytes.subarray(offset + HEADER_BYTES + segments, offset + length),
    });
    offset += length;
  }
  return { pages, intactBytes: offset };
}

export interface OpusHead {
  version: number;
  channels: number;
  /** Samples (48 kHz) the decoder's output starts with that are not part of the audio. */
  preSkip: number;
  inputSampleRate: number;
  /** Q7.8 dB. */
  outputGain: number;
  mappingFamily: number;
}

export interface OpusTags {
  vendor: string;
  comments: Record<string, string>;
}

export interface OggOpusStream {
  head: OpusHead;
  tags: OpusTags;
  /** The audio packets, in order; a packet left unfinished by a torn page is not among them. */
  packets: Uint8Array[];
  /**
   * Granule position of the last page that finishes a packet: 48 kHz samples from the start of
   * the decoder's output, pre-skip included (RFC 7845 section 4).
   */
  endGranule: number;
  /** Playable length: the end granule less the pre-skip. */
  durationMs: number;
  /** The last intact page says end of stream: the writer closed the file. */
  endOfStream: boolean;
  /** A packet was cut at the end of the intact pages (it continues onto a page that is missing). */
  unfinishedPacket: boolean;
  intactBytes: number;
  /** Bytes after the intact pages: a torn page, or not Ogg at all. */
  damagedBytes: number;
  /** Intact pages of the Opus stream. */
  pages: RawOggPage[];
}

/** Reads an Ogg Opus file; throws OggOpusError when its headers are not there or not intact. */
export function readOggOpus(bytes: Uint8Array): OggOpusStream {
  const { pages: allPages, intactBytes } = scanOggPages(bytes);
  const first = allPages[0];
  if (!first) throw new OggOpusError('not an Ogg file (no intact page)');
  // One logical stream: chained or multiplexed streams are not something this PBX writes.
  const pages = allPages.filter((p) => p.serialNumber === first.serialNumber);
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let endGranule = 0n;
  let headerPackets = 0;
  let head: OpusHead | undefined;
  let tags: OpusTags | undefined;
  for (const page of pages) {
    // A page that does not continue a packet drops whatever the previous one left unfinished.
    if (!(page.flags & OGG_CONTINUED)) partial = [];
    let start = 0;
    let finished = false;
    for (let i = 0; i < page.lacing.length; i++) {
      const size = page.lacing[i]!;
      partial.push(page.body.subarray(start, start + size));
      start += size;
      if (size === 255) continue;
      const packet = concat(partial);
      partial = [];
      finished = true;
      if (headerPackets === 0) head = parseOpusHead(packet);
      else if (headerPackets === 1) tags = parseOpusTags(packet);
      else packets.push(packet);
      headerPackets = Math.min(headerPackets + 1, 2);
    }
    if (finished && page.granulePosition !== NO_GRANULE && headerPackets === 2) endGranule = page.granulePosition;
  }
  if (!head) throw new OggOpusError('no OpusHead packet');
  if (!tags) throw new OggOpusError('no OpusTags packet');
  const granule = Number(endGranule);
  const last = pages.at(-1)!;
  return {
    head,
    tags,
    packets,
    endGranule: granule,
    durationMs: Math.max(0, granule - head.preSkip) / 48,
    endOfStream: (last.flags & OGG_END_OF_STREAM) !== 0,
    unfinishedPacket: partial.length > 0,
    intactBytes,
    damagedBytes: bytes.length - intactBytes,
    pages,
  };
}

export async function readOggOpusFile(path: string): Promise<OggOpusStream> {
  return readOggOpus(await readFile(path));
}

export interface RepairResult {
  /** Audio packets kept. */
  packets: number;
  /** Playable length of what was kept. */
  durationMs: number;
  /** The file was rewritten (false: it was already complete and closed). */
  repaired: boolean;
  /** Bytes dropped from the end: a torn page, an unfinished packet. */
  droppedBytes: number;
}

/**
 * Makes a recording whose writer was killed a complete file: keeps the intact pages, drops a torn
 * page and any packet left unfinished, and flags the last page end of stream. The file is replaced
 * atomically (temporary file, then rename), so a crash during the repair leaves it repairable.
 * Throws OggOpusError when not even the headers survived.
 */
export async function repairOggOpus(path: string): Promise<RepairResult> {
  const bytes = await readFile(path);
  const stream = readOggOpus(bytes);
  if (stream.damagedBytes === 0 && stream.endOfStream && !stream.unfinishedPacket) {
    return { packets: stream.packets.length, durationMs: stream.durationMs, repaired: false, droppedBytes: 0 };
  }
  const pages = [...stream.pages];
  // Pages at the end that finish no packet only hold pieces of the unfinished one.
  while (pages.length > 2 && pages.at(-1)!.granulePosition === NO_GRANULE) pages.pop();
  const last = pages.at(-1)!;
  const kept: Uint8Array[] = pages.slice(0, -1).map((p) => bytes.subarray(p.offset, p.offset + p.length));
  // The last page again, without the segments of an unfinished packet, marked end of stream.
  let segments = last.lacing.length;
  while (segments > 0 && last.lacing[segments - 1] === 255) segments--;
  const lastIsHeader = countFinishedPackets(pages) <= 2;
  const lastBytes = rebuildPage(last, segments, lastIsHeader ? last.flags : last.flags | OGG_END_OF_STREAM);
  kept.push(lastBytes);
  const droppedBytes = bytes.length - kept.reduce((n, p) => n + p.length, 0);
  if (lastIsHeader) {
    // Only the headers survived: an empty last page closes the stream (as the writer does for an
    // empty recording); the headers' own pages stay as RFC 7845 wants them.
    kept.push(
      encodeOggPage({
        flags: OGG_END_OF_STREAM,
        granulePosition: 0n,
        serialNumber: last.serialNumber,
        sequenceNumber: last.sequenceNumber + 1,
        packets: [],
      }),
    );
  }
  const temporary = `${path}.repair`;
  const handle = await open(temporary, 'w');
  try {
    for (const page of kept) await handle.write(page);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const repaired = readOggOpus(await readFile(path));
  return { packets: repaired.packets.length, durationMs: repaired.durationMs, repaired: true, droppedBytes };
}

function countFinishedPackets(pages: RawOggPage[]): number {
  let count = 0;
  for (const page of pages) for (const size of page.lacing) if (size < 255) count++;
  return count;
}

/** Re-encodes a page with only its first `segments` segments and new flags (so a new CRC). */
function rebuildPage(page: RawOggPage, segments: number, flags: number): Uint8Array {
  const lacing = page.lacing.subarray(0, segments);
  const body = page.body.subarray(0, lacing.reduce((n, v) => n + v, 0));
  const out = new Uint8Array(HEADER_BYTES + lacing.length + body.length);
  const view = new DataView(out.buffer);
  out.set(CAPTURE, 0);
  out[4] = 0;
  out[5] = flags;
  view.setBigInt64(6, page.granulePosition, true);
  view.setUint32(14, page.serialNumber, true);
  view.setUint32(18, page.sequenceNumber, true);
  out[26] = lacing.length;
  out.set(lacing, HEADER_BYTES);
  out.set(body, HEADER_BYTES + lacing.length);
  view.setUint32(22, oggCrc32(out), true);
  return out;
}

function parseOpusHead(packet: Uint8Array): OpusHead {
  if (packet.length < 19 || text(packet.subarray(0, 8)) !== 'OpusHead') throw new OggOpusError('the first packet is not an OpusHead');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const head: OpusHead = {
    version: packet[8]!,
    channels: packet[9]!,
    preSkip: view.getUint16(10, true),
    inputSampleRate: view.getUint32(12, true),
    outputGain: view.getInt16(16, true),
    mappingFamily: packet[18]!,
  };
  // RFC 7845: the major version (upper 4 bits) must be 0; a newer major version is incompatible.
  if (head.version >> 4 !== 0) throw new OggOpusError(`unsupported Ogg Opus version ${head.version}`);
  if (head.channels < 1) throw new OggOpusError('OpusHead says 0 channels');
  return head;
}

function parseOpusTags(packet: Uint8Array): OpusTags {
  if (packet.length < 16 || text(packet.subarray(0, 8)) !== 'OpusTags') throw new OggOpusError('the second packet is not OpusTags');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const vendorLength = view.getUint32(8, true);
  let offset = 12 + vendorLength;
  if (offset + 4 > packet.length) throw new OggOpusError('OpusTags is cut short');
  const vendor = text(packet.subarray(12, offset));
  const count = view.getUint32(offset, true);
  offset += 4;
  const comments: Record<string, string> = {};
  for (let i = 0; i < count && offset + 4 <= packet.length; i++) {
    const length = view.getUint32(offset, true);
    const comment = text(packet.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
    const equals = comment.indexOf('=');
    if (equals > 0) comments[comment.slice(0, equals).toUpperCase()] = comment.slice(equals + 1);
  }
  return { vendor, comments };
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
