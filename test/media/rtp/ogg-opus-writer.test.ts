import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { OPUS_FRAME_SAMPLES, OpusEncoder } from '../../../media/codec/opus.ts';
import { opusPacketSamples } from '../../../media/codec/opus-packet.ts';
import { goertzelPower } from '../../../media/dsp/goertzel.ts';
import { OggOpusWriter } from '../../../media/rtp/ogg-opus-writer.ts';
import { encodeOggPage, oggCrc32, OGG_BEGINNING_OF_STREAM, OGG_END_OF_STREAM } from '../../../media/rtp/ogg-page.ts';
import { concat, dominantFrequency, rms } from '../signal.ts';

const test = suite('rtp/ogg-opus-writer');
let directory: string;

test.before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchboard-ogg-'));
});
test.after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Independent reader for what the writer produced: splits pages, checks capture pattern and CRC. */
function readPages(file: Uint8Array) {
  const pages: { flags: number; granule: bigint; serial: number; sequence: number; packets: Uint8Array[] }[] = [];
  let offset = 0;
  while (offset < file.length) {
    const view = new DataView(file.buffer, file.byteOffset + offset);
    assert.is(new TextDecoder().decode(file.subarray(offset, offset + 4)), 'OggS', `capture pattern at ${offset}`);
    const segments = file[offset + 26]!;
    const lacing = file.subarray(offset + 27, offset + 27 + segments);
    const bodyLength = lacing.reduce((n, v) => n + v, 0);
    const page = file.slice(offset, offset + 27 + segments + bodyLength);
    const crc = view.getUint32(22, true);
    page.fill(0, 22, 26);
    assert.is(oggCrc32(page), crc, `CRC of page at ${offset}`);
    const packets: Uint8Array[] = [];
    let start = offset + 27 + segments;
    let length = 0;
    for (const value of lacing) {
      length += value;
      if (value < 255) {
        packets.push(file.subarray(start, start + length));
        start += length;
        length = 0;
      }
    }
    assert.is(length, 0, 'no packet continues onto the next page');
    pages.push({ flags: file[offset + 5]!, granule: view.getBigInt64(6, true), serial: view.getUint32(14, true), sequence: view.getUint32(18, true), packets });
    offset += page.length;
  }
  return pages;
}

/** Decodes with ffmpeg (tests only), failing on any warning such as a CRC mismatch. */
function ffmpegDecode(path: string): Float32Array {
  const result = spawnSync('ffmpeg', ['-v', 'warning', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', '48000', '-'], { maxBuffer: 1 << 27 });
  assert.is(result.status, 0, result.stderr.toString());
  assert.is(result.stderr.toString(), '', 'ffmpeg complained');
  return new Float32Array(result.stdout.buffer, result.stdout.byteOffset, result.stdout.byteLength / 4);
}

function encodeFrames(pcm: Float32Array): Uint8Array[] {
  const encoder = new OpusEncoder();
  const frames: Uint8Array[] = [];
  for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) frames.push(encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES)));
  encoder.close();
  return frames;
}

function memorySink() {
  const chunks: Uint8Array[] = [];
  return { chunks, write: async (bytes: Uint8Array) => void chunks.push(bytes), bytes: () => Uint8Array.from(chunks.flatMap((c) => Array.from(c))) };
}

test('lacing: 255-byte multiples end with an empty segment; CRC of a known page', () => {
  const page = encodeOggPage({ flags: 0, granulePosition: 0n, serialNumber: 1, sequenceNumber: 0, packets: [new Uint8Array(255), new Uint8Array(600), new Uint8Array(0)] });
  assert.equal(Array.from(page.subarray(26, 27 + page[26]!)), [6, 255, 0, 255, 255, 90, 0]);
  assert.is(page.length, 27 + 6 + 855);
  assert.throws(() => encodeOggPage({ flags: 0, granulePosition: 0n, serialNumber: 1, sequenceNumber: 0, packets: Array.from({ length: 256 }, () => new Uint8Array(1)) }));
  // Reference value: the CRC of "123456789" with Ogg's parameters (CRC-32/MPEG-2 without init and xorout).
  assert.is(oggCrc32(new TextEncoder().encode('123456789')), 0x89a1897f);
});

test('headers: OpusHead then OpusTags, each alone on a page, then audio pages with growing granules', async () => {
  const sink = memorySink();
  const writer = new OggOpusWriter(sink, { serialNumber: 0x1234, comments: { TITLE: 'Voicemail', CALLER: 'test' }, pageDurationMs: 200 });
  for (const frame of encodeFrames(sineTone(440, 1, 48000, 0.3))) writer.writePacket(frame);
  await writer.close();
  const pages = readPages(sink.bytes());
  assert.ok(pages.every((p, i) => p.serial === 0x1234 && p.sequence === i));
  assert.is(pages[0]!.flags, OGG_BEGINNING_OF_STREAM);
  const head = pages[0]!.packets[0]!;
  assert.is(new TextDecoder().decode(head.subarray(0, 8)), 'OpusHead');
  const headView = new DataView(head.buffer, head.byteOffset);
  assert.equal([head[8], head[9], headView.getUint16(10, true), headView.getUint32(12, true), head[18]], [1, 1, 312, 48000, 0]);
  const tags = new TextDecoder().decode(pages[1]!.packets[0]!);
  assert.ok(tags.startsWith('OpusTags') && tags.includes('Switchboard') && tags.includes('TITLE=Voicemail') && tags.includes('CALLER=test'));
  assert.equal([pages[0]!.granule, pages[1]!.granule, pages[1]!.packets.length], [0n, 0n, 1]);
  const audio = pages.slice(2);
  assert.is(audio.length, 5, '1 s in 200 ms pages');
  assert.equal(audio.map((p) => p.granule), [9600n, 19200n, 28800n, 38400n, 48000n]);
  assert.ok(audio.slice(0, -1).every((p) => p.flags === 0));
  assert.is(audio.at(-1)!.flags, OGG_END_OF_STREAM);
});

test('a tone written to a file decodes with ffmpeg to the right length and frequency', async () => {
  const path = join(directory, 'tone.ogg');
  const writer = await OggOpusWriter.createFile(path);
  for (const frame of encodeFrames(sineTone(1000, 2, 48000, 0.4))) writer.writePacket(frame);
  assert.is(writer.durationMs, 2000);
  await writer.close();
  const decoded = ffmpegDecode(path);
  assert.is(decoded.length, 96000 - 312, 'two seconds less the pre-skip');
  assert.is(dominantFrequency(decoded.subarray(4800), 48000, 200, 4000, 5), 1000);
  assert.ok(Math.abs(rms(decoded.subarray(4800)) - 0.4 / Math.SQRT2) < 0.03);
});

test('missing packets are filled so that what follows plays at its true time', async () => {
  const path = join(directory, 'gap.ogg');
  // 1 kHz for 1 s, then 1.5 kHz for 1 s; packets 50-59 (1.0-1.2 s) never arrive.
  const frames = encodeFrames(concat(sineTone(1000, 1, 48000, 0.4), sineTone(1500, 1, 48000, 0.4)));
  const writer = await OggOpusWriter.createFile(path);
  const firstTimestamp = 2 ** 32 - 960 * 20; // wraps around 2^32 on the way
  frames.forEach((frame, i) => {
    if (i < 50 || i >= 60) assert.ok(writer.writePacket(frame, (firstTimestamp + i * 960) >>> 0));
  });
  assert.is(writer.durationMs, 2000);
  await writer.close();
  const decoded = ffmpegDecode(path);
  assert.is(decoded.length, 96000 - 312);
  const at = (seconds: number) => Math.round(seconds * 48000) - 312;
  assert.is(dominantFrequency(decoded.subarray(at(0.2), at(0.9)), 48000, 500, 2500, 5), 1000);
  assert.is(dominantFrequency(decoded.subarray(at(1.3), at(1.9)), 48000, 500, 2500, 5), 1500);
  // The 1.5 kHz tone must start at 1.2 s, not at 1.0 s where it would without the filling. (The
  // decoder fades back in over ~0.1 s after a loss, so look for its first trace, not full level.)
  let onset = 0;
  for (let t = 0.9; t < 1.5; t += 0.005) {
    if (Math.sqrt(goertzelPower(decoded, 1500, 48000, at(t), 480)) > 0.01) {
      onset = t;
      break;
    }
  }
  assert.ok(onset >= 1.19 && onset < 1.24, `1.5 kHz starts at ${onset.toFixed(3)} s`);
});

test('late and repeated packets are dropped; sequential writing without timestamps works too', async () => {
  const sink = memorySink();
  const writer = new OggOpusWriter(sink);
  const [a, b, c] = encodeFrames(sineTone(500, 0.06, 48000));
  assert.ok(writer.writePacket(a!, 1000));
  assert.ok(writer.writePacket(b!, 1960));
  assert.not.ok(writer.writePacket(a!, 1000), 'repeat');
  assert.not.ok(writer.writePacket(c!, 40), 'older');
  assert.not.ok(writer.writePacket(new Uint8Array(0)), 'no TOC byte');
  assert.ok(writer.writePacket(c!));
  await writer.close();
  const audio = readPages(sink.bytes()).slice(2);
  assert.equal(audio.flatMap((p) => p.packets.map((q) => opusPacketSamples(q))), [960, 960, 960]);
  assert.is(audio.at(-1)!.granule, 2880n);
});

test('a jump beyond maxGapMs is a clock restart, not hours of silence', async () => {
  const sink = memorySink();
  const writer = new OggOpusWriter(sink, { maxGapMs: 5000 });
  const [a, b] = encodeFrames(sineTone(500, 0.04, 48000));
  writer.writePacket(a!, 0);
  writer.writePacket(b!, 48000 * 3600);
  assert.is(writer.durationMs, 40);
  await writer.close();
});

test('flush() puts complete pages on disk: the file is playable while still being written', async () => {
  const path = join(directory, 'growing.ogg');
  const writer = await OggOpusWriter.createFile(path, { pageDurationMs: 5000 });
  const frames = encodeFrames(sineTone(800, 2, 48000, 0.3));
  frames.slice(0, 50).forEach((f) => writer.writePacket(f));
  await writer.flush();
  const partial = await readFile(path);
  const pages = readPages(partial);
  assert.is(pages.at(-1)!.granule, 48000n);
  assert.is(ffmpegDecode(path).length, 48000 - 312);
  frames.slice(50).forEach((f) => writer.writePacket(f));
  await writer.close();
  assert.ok((await stat(path)).size > partial.length);
  assert.is(ffmpegDecode(path).length, 96000 - 312);
  await writer.close(); // twice is harmless
  assert.throws(() => writer.writePacket(frames[0]!), /closed/);
});

test('an empty recording is still a valid file', async () => {
  const path = join(directory, 'empty.ogg');
  await (await OggOpusWriter.createFile(path)).close();
  const pages = readPages(await readFile(path));
  assert.is(pages.length, 3);
  assert.is(pages[2]!.flags, OGG_END_OF_STREAM);
});

test('a failing sink surfaces on flush and close', async () => {
  const writer = new OggOpusWriter({ write: async () => Promise.reject(new Error('disk full')) });
  writer.writePacket(encodeFrames(sineTone(500, 0.02, 48000))[0]!);
  await writer.flush().then(
    () => assert.unreachable('flush should fail'),
    (error: Error) => assert.match(error.message, 'disk full'),
  );
  await writer.close().then(
    () => assert.unreachable('close should fail'),
    (error: Error) => assert.match(error.message, 'disk full'),
  );
});

test.run();
