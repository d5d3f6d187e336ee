// Cuts the end off a finished recording: what ended a voicemail message (the silence waited for,
// the tone of the key that ended it) is not part of it, in the file as in its length and its MP3.
// The packets stay as they were received; the last page's granule position ends the stream
// exactly where asked (RFC 7845 section 4.5, end trimming), so players stop there.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { opusPacketSamples } from '../codec/opus-packet.ts';
import { readOggOpus } from '../rtp/ogg-opus-reader.ts';
import { encodeOggPage, OGG_END_OF_STREAM, OGG_MAX_SEGMENTS, oggSegmentCount } from '../rtp/ogg-page.ts';

/** Audio per page in the rewritten file, as the recorder writes them. */
const PAGE_SAMPLES = 48 * 500;

/**
 * Ends the Ogg Opus file at `endMs` of its time (granule positions, pre-skip included, as the
 * recorder's durationMs counts). The file is replaced atomically (temporary file, then rename);
 * nothing is done when it does not reach past `endMs`. Returns whether it was cut.
 */
export async function trimRecordingEnd(path: string, endMs: number): Promise<boolean> {
  const bytes = await readFile(path);
  const stream = readOggOpus(bytes);
  const endGranule = Math.max(stream.head.preSkip, Math.round(endMs * 48));
  if (endGranule >= stream.endGranule) return false;
  const [headPage, tagsPage] = stream.pages;
  if (!headPage || !tagsPage) return false;
  const out: Uint8Array[] = [bytes.subarray(headPage.offset, headPage.offset + headPage.length), bytes.subarray(tagsPage.offset, tagsPage.offset + tagsPage.length)];
  let sequenceNumber = tagsPage.sequenceNumber + 1;
  let granule = 0;
  let page: Uint8Array[] = [];
  let pageSegments = 0;
  let pageStart = 0;
  const emit = (last: boolean) => {
    out.push(
      encodeOggPage({
        flags: last ? OGG_END_OF_STREAM : 0,
        granulePosition: BigInt(last ? endGranule : granule),
        serialNumber: headPage.serialNumber,
        sequenceNumber: sequenceNumber++,
        packets: page,
      }),
    );
    page = [];
    pageSegments = 0;
    pageStart = granule;
  };
  // Every packet that starts before the end; the last one may run past it (the granule cuts it).
  for (const packet of stream.packets) {
    if (granule >= endGranule) break;
    const segments = oggSegmentCount(packet.length);
    if (page.length > 0 && (pageSegments + segments > OGG_MAX_SEGMENTS || granule - pageStart >= PAGE_SAMPLES)) emit(false);
    page.push(packet);
    pageSegments += segments;
    granule += opusPacketSamples(packet) ?? 0;
  }
  emit(true);
  const temporary = `${path}.trim`;
  const handle = await open(temporary, 'w');
  try {
    for (const part of out) await handle.write(part);
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
  return true;
}
