import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { decodeOggOpus } from '../../../media/codec/ogg-opus-decoder.ts';
import { OPUS_FRAME_SAMPLES, OpusEncoder } from '../../../media/codec/opus.ts';
import { OggOpusError, readOggOpus, readOggOpusFile, repairOggOpus, scanOggPages } from '../../../media/rtp/ogg-opus-reader.ts';
import { OggOpusWriter } from '../../../media/rtp/ogg-opus-writer.ts';
import { OGG_CONTINUED, OGG_END_OF_STREAM, oggCrc32 } from '../../../media/rtp/ogg-page.ts';
import { dominantFrequency, seededRandom } from '../signal.ts';

const test = suite('rtp/ogg-opus-reader');
let directory: string;
/** 3 s of 600 Hz written in 100 ms pages: the reference recording the tests cut up. */
let reference: string;
let referencePackets: Uint8Array[];

test.before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchboard-ogg-reader-'));
  referencePackets = encodeFrames(sineTone(600, 3, 48000, 0.4));
  reference = join(directory, 'reference.ogg');
  const writer = await OggOpusWriter.createFile(reference, { pageDurationMs: 100, comments: { CALLER: 'Jean Dupont' } });
  for (const packet of referencePackets) writer.writePacket(packet);
  await writer.close();
});
test.after(async () => {
  await rm(directory, { recursive: true, force: true });
});

function encodeFrames(pcm: Float32Array): Uint8Array[] {
  const encoder = new OpusEncoder();
  const frames: Uint8Array[] = [];
  for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) frames.push(encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES)));
  encoder.close();
  return frames;
}

/** Decodes with ffmpeg (tests only), failing on any warning such as a CRC mismatch or a cut page. */
function ffmpegDecode(path: string): Float32Array {
  const result = spawnSync('ffmpeg', ['-v', 'warning', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', '48000', '-'], { maxBuffer: 1 << 27 });
  assert.is(result.status, 0, result.stderr.toString());
  assert.is(result.stderr.toString(), '', `ffmpeg complained about ${path}`);
  return new Float32Array(result.stdout.buffer, result.stdout.byteOffset, result.stdout.byteLength / 4);
}

/** A raw page with any lacing, so packets can span pages (the writer never does that, others do). */
function rawPage(flags: number, granule: bigint, sequence: number, lacing: number[], body: Uint8Array): Uint8Array {
  const page = new Uint8Array(27 + lacing.length + body.length);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53], 0);
  page[5] = flags;
  view.setBigInt64(6, granule, true);
  view.setUint32(14, 77, true);
  view.setUint32(18, sequence, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  page.set(body, 27 + lacing.length);
  view.setUint32(22, oggCrc32(page), true);
  return page;
}

test('reads what the writer wrote: headers, every packet, granules and length', async () => {
  const stream = await readOggOpusFile(reference);
  assert.equal(stream.head, { version: 1, channels: 1, preSkip: 312, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 });
  assert.is(stream.tags.vendor, 'Switchboard');
  assert.equal(stream.tags.comments, { CALLER: 'Jean Dupont' });
  assert.is(stream.packets.length, referencePackets.length);
  assert.ok(stream.packets.every((p, i) => Buffer.from(p).equals(Buffer.from(referencePackets[i]!))));
  assert.is(stream.endGranule, 3 * 48000);
  assert.is(stream.durationMs, 3000 - 312 / 48);
  assert.ok(stream.endOfStream);
  assert.not.ok(stream.unfinishedPacket);
  assert.is(stream.damagedBytes, 0);
  const pcm = await decodeOggOpus(stream);
  assert.is(pcm.length, 3 * 48000 - 312, 'pre-skip trimmed');
  assert.is(dominantFrequency(pcm.subarray(4800), 48000, 200, 2000, 5), 600);
});

test('packets that span pages are joined; one left unfinished is not returned', () => {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  head[9] = 1;
  new DataView(head.buffer).setUint16(10, 312, true);
  const tags = new Uint8Array(16);
  tags.set(new TextEncoder().encode('OpusTags'));
  const big = new Uint8Array(600).map((_, i) => i & 0xff);
  big[0] = 31 << 3; // a CELT 20 ms TOC: 960 samples
  const pages = [
    rawPage(2, 0n, 0, [19], head),
    rawPage(0, 0n, 1, [16], tags),
    rawPage(0, -1n, 2, [255, 255], big.subarray(0, 510)),
    rawPage(OGG_CONTINUED, 960n, 3, [90, 255], new Uint8Array([...big.subarray(510), ...big.subarray(0, 255)])),
  ];
  const file = Uint8Array.from(pages.flatMap((p) => Array.from(p)));
  const stream = readOggOpus(file);
  assert.is(stream.packets.length, 1);
  assert.ok(Buffer.from(stream.packets[0]!).equals(Buffer.from(big)));
  assert.is(stream.endGranule, 960);
  assert.ok(stream.unfinishedPacket);
  assert.not.ok(stream.endOfStream);
});

test('not Ogg Opus, or headers cut: OggOpusError', async () => {
  assert.throws(() => readOggOpus(new TextEncoder().encode('RIFF....WAVEfmt ')), (e: unknown) => e instanceof OggOpusError);
  assert.throws(() => readOggOpus(new Uint8Array(0)), (e: unknown) => e instanceof OggOpusError);
  const bytes = await readFile(reference);
  const firstPage = scanOggPages(bytes).pages[0]!;
  assert.throws(() => readOggOpus(bytes.subarray(0, firstPage.length + 10)), /OpusTags/);
  const path = join(directory, 'headless.ogg');
  await writeFile(path, bytes.subarray(0, 30));
  await repairOggOpus(path).then(
    () => assert.unreachable('a file without headers cannot be repaired'),
    (error: unknown) => assert.ok(error instanceof OggOpusError),
  );
});

test('a complete file is left alone', async () => {
  const path = join(directory, 'complete.ogg');
  await copyFile(reference, path);
  const before = await readFile(path);
  const result = await repairOggOpus(path);
  assert.equal(result, { packets: referencePackets.length, durationMs: 3000 - 312 / 48, repaired: false, droppedBytes: 0 });
  assert.ok(before.equals(await readFile(path)));
});

test('cut at random byte offsets: the intact pages are kept, the last is marked end of stream, ffmpeg plays it', async () => {
  const bytes = await readFile(reference);
  const { pages } = scanOggPages(bytes);
  const headerEnd = pages[1]!.offset + pages[1]!.length;
  const random = seededRandom(7);
  const offsets = [headerEnd, headerEnd + 1, pages[5]!.offset, pages[5]!.offset + pages[5]!.length - 1, bytes.length - 1];
  while (offsets.length < 40) offsets.push(headerEnd + Math.floor(random() * (bytes.length - headerEnd)));
  const fullDecode = ffmpegDecode(reference);
  for (const [n, offset] of offsets.entries()) {
    const path = join(directory, `cut-${offset}.ogg`);
    await copyFile(reference, path);
    await truncate(path, offset);
    const intact = pages.filter((p) => p.offset + p.length <= offset);
    const audioPages = intact.slice(2);
    const expectedPackets = audioPages.reduce((sum, p) => sum + p.lacing.length, 0);
    const expectedGranule = audioPages.length > 0 ? Number(audioPages.at(-1)!.granulePosition) : 0;
    const result = await repairOggOpus(path);
    assert.is(result.packets, expectedPackets, `cut at ${offset}`);
    assert.is(result.durationMs, Math.max(0, expectedGranule - 312) / 48, `cut at ${offset}`);
    assert.is(result.repaired, true);
    assert.is(result.droppedBytes, offset - (intact.at(-1)!.offset + intact.at(-1)!.length));
    const repaired = await readOggOpusFile(path);
    assert.ok(repaired.endOfStream, 'last page flagged end of stream');
    assert.is(repaired.damagedBytes, 0);
    assert.ok(repaired.packets.every((p, i) => Buffer.from(p).equals(Buffer.from(referencePackets[i]!))));
    // ffmpeg on every few files: same samples as the start of the whole recording, no warning.
    if (n % 5 === 0 && expectedGranule > 312) {
      const decoded = ffmpegDecode(path);
      assert.is(decoded.length, expectedGranule - 312, `cut at ${offset}: decoded length`);
      let maxDifference = 0;
      for (let i = 0; i < decoded.length; i++) maxDifference = Math.max(maxDifference, Math.abs(decoded[i]! - fullDecode[i]!));
      assert.ok(maxDifference < 1e-3, `cut at ${offset}: same audio as the original (${maxDifference})`);
    }
    // A second repair finds nothing to do.
    assert.is((await repairOggOpus(path)).repaired, false);
  }
});

test('a recording flushed but never closed, and one with zeros after its pages, are closed cleanly', async () => {
  const path = join(directory, 'unclosed.ogg');
  const writer = await OggOpusWriter.createFile(path, { pageDurationMs: 200 });
  for (const packet of referencePackets.slice(0, 60)) writer.writePacket(packet);
  await writer.flush();
  const unclosed = await readOggOpusFile(path);
  assert.not.ok(unclosed.endOfStream);
  const result = await repairOggOpus(path);
  assert.equal([result.packets, result.droppedBytes, result.repaired], [60, 0, true]);
  assert.is(ffmpegDecode(path).length, 60 * 960 - 312);

  // A crash can leave a file extended with zeros (the size was updated, the data not written).
  const zeros = join(directory, 'zeros.ogg');
  await writeFile(zeros, Buffer.concat([await readFile(reference), Buffer.alloc(3000)]));
  const zeroResult = await repairOggOpus(zeros);
  assert.equal([zeroResult.packets, zeroResult.droppedBytes], [referencePackets.length, 3000]);
  assert.is((await stat(zeros)).size, (await stat(reference)).size);
});

test('only the headers survived: an empty end-of-stream page closes the file', async () => {
  const bytes = await readFile(reference);
  const { pages } = scanOggPages(bytes);
  const path = join(directory, 'headers-only.ogg');
  await writeFile(path, bytes.subarray(0, pages[2]!.offset + 10));
  const result = await repairOggOpus(path);
  assert.equal([result.packets, result.durationMs], [0, 0]);
  const repaired = await readOggOpusFile(path);
  assert.ok(repaired.endOfStream);
  assert.is(repaired.pages.length, 3);
  assert.is(repaired.pages[2]!.flags, OGG_END_OF_STREAM);
});

test('kill -9 while recording: the file is repaired and plays to where it was cut', async () => {
  const recorder = join(import.meta.dirname, 'fixtures', 'record-forever.ts');
  for (let round = 0; round < 4; round++) {
    const path = join(directory, `killed-${round}.ogg`);
    const child = spawn(process.execPath, ['--import', 'tsx', recorder, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = 0;
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      reported = Number([...output.matchAll(/packets (\d+)/g)].at(-1)?.[1] ?? 0);
    });
    while (reported < 100) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, Math.random() * 200));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const result = await repairOggOpus(path);
    assert.ok(result.packets >= 100, `round ${round}: ${result.packets} packets kept`);
    assert.is(result.durationMs, (result.packets * 960 - 312) / 48);
    const decoded = ffmpegDecode(path);
    assert.is(decoded.length, result.packets * 960 - 312);
    assert.is(dominantFrequency(decoded.subarray(4800, 48000), 48000, 300, 1500, 5), 700);
  }
});

test.run();
