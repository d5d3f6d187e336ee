// Streaming Ogg Opus files (RFC 7845) from Opus packets, e.g. a voicemail or call recording made
// straight from the RTP payloads without decoding. Pages go out as they fill, so a crash loses at
// most one page; gaps in the RTP timestamps are filled with empty packets that decoders conceal,
// so the file's timing matches the call's.
import { open } from 'node:fs/promises';
import { opusGapPacket, opusPacketSamples } from '../codec/opus-packet.ts';
import { encodeOggPage, OGG_BEGINNING_OF_STREAM, OGG_END_OF_STREAM, OGG_MAX_SEGMENTS, oggSegmentCount } from './ogg-page.ts';

/** Where the bytes go: a FileHandle, a stream wrapper, or a test's array. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<unknown>;
}

export interface OggOpusWriterOptions {
  serialNumber?: number;
  /** Samples the decoder drops at the start: libopus encoders' lookahead is 312 at 48 kHz. */
  preSkip?: number;
  /** Rate of the original audio, for information only (players may resample to it). */
  inputSampleRate?: number;
  vendor?: string;
  /** User comments, e.g. { TITLE: 'Voicemail', DATE: '2026-11-24' }. */
  comments?: Record<string, string>;
  /** Audio gathered into one page before it is written; a page is also written on flush(). */
  pageDurationMs?: number;
  /** A longer jump in RTP timestamps is taken as a restart of the sender's clock, not as silence. */
  maxGapMs?: number;
}

const SAMPLES_PER_MS = 48;

export class OggOpusWriter {
  private readonly sink: ByteSink;
  private readonly serialNumber: number;
  private readonly pageSamples: number;
  private readonly maxGapSamples: number;
  private readonly onClose: (() => Promise<void>) | undefined;
  private sequenceNumber = 0;
  private pending: Uint8Array[] = [];
  private pendingSegments = 0;
  private pendingSamples = 0;
  private granulePosition = 0;
  private nextTimestamp: number | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private isClosed = false;

  constructor(sink: ByteSink, options: OggOpusWriterOptions = {}, onClose?: () => Promise<void>) {
    this.sink = sink;
    this.onClose = onClose;
    this.serialNumber = options.serialNumber ?? Math.floor(Math.random() * 0x100000000);
    this.pageSamples = (options.pageDurationMs ?? 1000) * SAMPLES_PER_MS;
    this.maxGapSamples = (options.maxGapMs ?? 60_000) * SAMPLES_PER_MS;
    // Both header packets sit alone on their pages, with granule position 0 (RFC 7845 section 3).
    this.emit({ flags: OGG_BEGINNING_OF_STREAM, granulePosition: 0n, packets: [opusHead(options)] });
    this.emit({ flags: 0, granulePosition: 0n, packets: [opusTags(options)] });
  }

  /** A writer onto a new file, which close() also closes. */
  static async createFile(path: string, options: OggOpusWriterOptions = {}): Promise<OggOpusWriter> {
    const handle = await open(path, 'w');
    return new OggOpusWriter({ write: (bytes) => handle.write(bytes) }, options, () => handle.close());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Audio written so far, in ms, gaps included (pre-skip not subtracted). */
  get durationMs(): number {
    return (this.granulePosition + this.pendingSamples) / SAMPLES_PER_MS;
  }

  /**
   * Appends one Opus packet. With the packet's RTP timestamp (Opus's 48 kHz clock), missing time
   * before it is filled and late or repeated packets are dropped; returns false for a dropped packet.
   */
  writePacket(packet: Uint8Array, rtpTimestamp?: number): boolean {
    if (this.isClosed) throw new Error('OggOpusWriter is closed');
    const samples = opusPacketSamples(packet);
    if (samples === undefined) return false;
    if (rtpTimestamp !== undefined) {
      const timestamp = rtpTimestamp >>> 0;
      if (this.nextTimestamp !== undefined) {
        const gap = (timestamp - this.nextTimestamp) | 0; // signed: wraps around 2^32
        if (gap < 0) return false;
        if (gap > 0 && gap <= this.maxGapSamples) this.fillGap(gap);
      }
      this.nextTimestamp = (timestamp + samples) >>> 0;
    }
    this.append(packet, samples);
    return true;
  }

  /** Writes everything so far as complete pages and waits until the sink has taken them. */
  async flush(): Promise<void> {
    this.finishPage(0);
    await this.settle();
  }

  /** Writes the last page, marked end of stream, and closes the file if this writer opened it. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.finishPage(OGG_END_OF_STREAM, true);
    this.isClosed = true;
    try {
      await this.settle();
    } finally {
      await this.onClose?.();
    }
  }

  private fillGap(samples: number): void {
    let left = samples;
    for (const size of [960, 480, 240, 120] as const) {
      while (left >= size) {
        this.append(opusGapPacket(size), size);
        left -= size;
      }
    }
    // A remainder under 2.5 ms cannot be expressed as an Opus frame; the next packet absorbs it.
  }

  private append(packet: Uint8Array, samples: number): void {
    const segments = oggSegmentCount(packet.length);
    // A full page waits for the next packet, so that close() can still mark it as the last.
    if (this.pendingSegments + segments > OGG_MAX_SEGMENTS || this.pendingSamples >= this.pageSamples) this.finishPage(0);
    this.pending.push(packet);
    this.pendingSegments += segments;
    this.pendingSamples += samples;
  }

  private finishPage(flags: number, evenIfEmpty = false): void {
    if (this.pending.length === 0 && !evenIfEmpty) return;
    this.granulePosition += this.pendingSamples;
    this.emit({ flags, granulePosition: BigInt(this.granulePosition), packets: this.pending });
    this.pending = [];
    this.pendingSegments = 0;
    this.pendingSamples = 0;
  }

  private emit(page: { flags: number; granulePosition: bigint; packets: Uint8Array[] }): void {
    const bytes = encodeOggPage({ ...page, serialNumber: this.serialNumber, sequenceNumber: this.sequenceNumber++ });
    this.writing = this.writing.then(() => (this.failure === undefined ? this.sink.write(bytes) : undefined)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private async settle(): Promise<void> {
    await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }
}

function opusHead(options: OggOpusWriterOptions): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = 1; // channels: mono
  view.setUint16(10, options.preSkip ?? 312, true);
  view.setUint32(12, options.inputSampleRate ?? 48000, true);
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family 0: mono or stereo, no table
  return head;
}

function opusTags(options: OggOpusWriterOptions): Uint8Array {
  const encoder = new TextEncoder();
  const vendor = encoder.encode(options.vendor ?? 'Switchboard');
  const comments = Object.entries(options.comments ?? {}).map(([key, value]) => encoder.encode(`${key}=${value}`));
  const tags = new Uint8Array(8 + 4 + vendor.length + 4 + comments.reduce((n, c) => n + 4 + c.length, 0));
  const view = new DataView(tags.buffer);
  tags.set(encoder.encode('OpusTags'), 0);
  let offset = 8;
  view.setUint32(offset, vendor.length, true);
  tags.set(vendor, offset + 4);
  offset += 4 + vendor.length;
  view.setUint32(offset, comments.length, true);
  offset += 4;
  for (const comment of comments) {
    view.setUint32(offset, comment.length, true);
    tags.set(comment, offset + 4);
    offset += 4 + comment.length;
  }
  return tags;
}
