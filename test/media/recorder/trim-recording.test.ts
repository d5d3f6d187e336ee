// Cutting a recording's end: the packets kept as they were, the stream ending exactly where asked
// for every reader (this PBX's, ffmpeg's), the file replaced whole.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { trimRecordingEnd } from '../../../media/recorder/trim-recording.ts';
import { readOggOpus } from '../../../media/rtp/ogg-opus-reader.ts';
import { OggOpusWriter } from '../../../media/rtp/ogg-opus-writer.ts';

function ffmpegSamples(path: string): number {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', '48000', '-'], { maxBuffer: 64 << 20 }).length / 4;
}

test('cut at 2 345 ms: the same packets up to there, the stream ends there exactly; a later end changes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trim-'));
  const path = join(dir, 'message.ogg');
  const writer = await OggOpusWriter.createFile(path, { pageDurationMs: 500, comments: { TITLE: 'Voicemail' } });
  const frames = encodeOpusClip(sineTone(500, 5, 48000, 0.3)).frames;
  frames.forEach((frame, i) => writer.writePacket(frame, i * 960));
  await writer.close();
  const before = readOggOpus(await readFile(path));

  assert.ok(await trimRecordingEnd(path, 2345));
  const after = readOggOpus(await readFile(path));
  assert.is(after.endGranule, 2345 * 48);
  assert.is(after.durationMs, (2345 * 48 - 312) / 48);
  assert.ok(after.endOfStream);
  assert.is(after.tags.comments.TITLE, 'Voicemail');
  assert.is(after.packets.length, Math.ceil((2345 * 48) / 960), 'whole packets up to the end, the last one cut by the granule');
  after.packets.forEach((packet, i) => assert.equal(packet, before.packets[i], `packet ${i} as received`));
  assert.ok(Math.abs(ffmpegSamples(path) - (2345 * 48 - 312)) <= 960, `ffmpeg: ${ffmpegSamples(path)} samples`);
  assert.equal((await readdir(dir)).sort(), ['message.ogg'], 'no temporary file left');

  assert.not.ok(await trimRecordingEnd(path, 2345), 'already that long');
  assert.not.ok(await trimRecordingEnd(path, 9000), 'shorter than the end asked');
  assert.is(readOggOpus(await readFile(path)).endGranule, 2345 * 48);
});

test.run();
