// Uploads judged by their content: real MP3 and WAV files (made here by LAME and wavefile) are
// decoded to 48 kHz mono at the right pitch and length; anything else is refused with its reason.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioFileRejected, importAudioFile, type ImportedAudio } from '../../../media/audio/audio-import.ts';
import { readMp3FrameHeader } from '../../../media/codec/mp3-info-tag.ts';
import { mp3File, pngFile, tone, wavFile } from '../../support/audio-files.ts';
import { dominantFrequency } from '../signal.ts';

const test = suite('audio/audio-import');
let directory: string;
const LIMIT = { maxSeconds: 600 };

test.before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchboard-import-'));
});
test.after(async () => {
  await rm(directory, { recursive: true, force: true });
});

let count = 0;
async function importBytes(bytes: Uint8Array, name: string, options = LIMIT): Promise<ImportedAudio> {
  const path = join(directory, `${count++}-${name}`);
  await writeFile(path, bytes);
  return importAudioFile(path, options);
}

async function rejection(bytes: Uint8Array, name: string, options = LIMIT): Promise<AudioFileRejected> {
  try {
    await importBytes(bytes, name, options);
  } catch (error) {
    if (error instanceof AudioFileRejected) return error;
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

/** The middle second of the decoded audio peaks at `hz`, and the length is right. */
function assertTone(audio: ImportedAudio, hz: number, seconds: number): void {
  const middle = audio.pcm.subarray(Math.round(audio.pcm.length / 2) - 24000, Math.round(audio.pcm.length / 2) + 24000);
  const found = dominantFrequency(middle, 48000, 100, 4000, 5);
  assert.ok(Math.abs(found - hz) <= 10, `peaks at ${found} Hz, expected ${hz}`);
  assert.ok(Math.abs(audio.durationMs - seconds * 1000) <= 60, `lasts ${audio.durationMs} ms, expected ${seconds * 1000}`);
}

test('an MP3 (LAME, 44.1 kHz mono, 128 kb/s) decodes to 48 kHz mono at the same pitch and length', async () => {
  const audio = await importBytes(mp3File(tone(525, 3, 44100)), 'tone.mp3');
  assert.is(audio.format, 'mp3');
  assert.is(audio.description, 'MP3, 44.1 kHz mono, 128 kb/s');
  assertTone(audio, 525, 3);
});

test('a stereo MP3 at 48 kHz without an Info frame, under another name: judged by content', async () => {
  const audio = await importBytes(mp3File(tone(700, 2, 48000), { sampleRate: 48000, stereo: true, infoTag: false }), 'song.wav');
  assert.is(audio.format, 'mp3');
  assert.match(audio.description, /^MP3, 48 kHz stereo/);
  assertTone(audio, 700, 2);
});

test('WAV: 16-bit PCM at 8 kHz, 32-bit float at 48 kHz, stereo at 44.1 kHz, 24-bit and 8-bit', async () => {
  const cases = [
    { bytes: wavFile(tone(440, 2, 8000), 8000), description: 'WAV, 16-bit PCM, 8 kHz mono', hz: 440 },
    { bytes: wavFile(tone(1000, 2, 48000), 48000, { bitDepth: '32f' }), description: 'WAV, 32-bit float, 48 kHz mono', hz: 1000 },
    { bytes: wavFile(tone(660, 2, 44100), 44100, { channels: 2 }), description: 'WAV, 16-bit PCM, 44.1 kHz stereo', hz: 660 },
    { bytes: wavFile(tone(880, 2, 16000), 16000, { bitDepth: '24' }), description: 'WAV, 24-bit PCM, 16 kHz mono', hz: 880 },
    { bytes: wavFile(tone(300, 2, 22050), 22050, { bitDepth: '8' }), description: 'WAV, 8-bit PCM, 22.05 kHz mono', hz: 300 },
  ];
  for (const { bytes, description, hz } of cases) {
    const audio = await importBytes(bytes, 'music.wav');
    assert.is(audio.format, 'wav');
    assert.is(audio.description, description);
    assertTone(audio, hz, 2);
  }
});

test('a 16-bit WAV keeps its level: a 0.5 sine decodes with a peak near 0.5', async () => {
  const audio = await importBytes(wavFile(tone(440, 1, 48000, 0.5), 48000), 'level.wav');
  const peak = audio.pcm.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
  assert.ok(Math.abs(peak - 0.5) < 0.01, `peak ${peak}`);
});

test('a PNG image renamed .mp3 is refused: "a PNG image, not MP3 or WAV"', async () => {
  const error = await rejection(pngFile(), 'music.mp3');
  assert.is(error.reason, 'not-mp3-or-wav');
  assert.is(error.message, 'The file is a PNG image, not MP3 or WAV.');
});

test('other files are named: Ogg, FLAC, HTML, text, A-law WAV, random bytes', async () => {
  const alaw = wavFile(tone(440, 0.5, 8000), 8000);
  alaw.writeUInt16LE(6, 20);
  const cases: [Uint8Array, string][] = [
    [Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]), 'The file is an Ogg file (Opus or Vorbis audio), not MP3 or WAV.'],
    [Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(60)]), 'The file is a FLAC file, not MP3 or WAV.'],
    [Buffer.from('<!DOCTYPE html><html><body>hello</body></html>'), 'The file is an HTML page, not MP3 or WAV.'],
    [Buffer.from('just some words\nin a text file\n'), 'The file is a text file, not MP3 or WAV.'],
    [alaw, 'The file is a WAV file in A-law, not PCM or float.'],
    [Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251)), 'The file is a file whose content is not audio the PBX knows, not MP3 or WAV.'],
  ];
  for (const [bytes, message] of cases) {
    const error = await rejection(bytes, 'upload.mp3');
    assert.is(error.reason, 'not-mp3-or-wav', message);
    assert.is(error.message, message);
  }
});

test('an empty file is unreadable (422): "The file is empty."', async () => {
  const error = await rejection(new Uint8Array(0), 'empty.mp3');
  assert.is(error.reason, 'unreadable');
  assert.is(error.message, 'The file is empty.');
});

test('an MP3 cut in the middle of a frame is truncated; one cut on a frame boundary is caught by its Info frame', async () => {
  const whole = mp3File(tone(525, 3, 44100));
  const cut = await rejection(whole.subarray(0, Math.round(whole.length * 0.6)), 'cut.mp3');
  assert.is(cut.reason, 'unreadable');
  assert.match(cut.message, /^The MP3 file is truncated: it ends in the middle of frame \d+ \(\d+ of its \d+ bytes are there\)\.$/);
  // Find the frame boundary nearest the middle.
  let offset = 0;
  while (offset < whole.length / 2) offset += readMp3FrameHeader(whole, offset)!.length;
  const boundary = await rejection(whole.subarray(0, offset), 'boundary.mp3');
  assert.is(boundary.reason, 'unreadable');
  assert.match(boundary.message, /^The MP3 file is truncated: its header announces \d+ frames, only \d+ are there\.$/);
});

test('a WAV cut short: its data chunk announces more than is there; cut inside the header', async () => {
  const whole = wavFile(tone(440, 2, 48000), 48000);
  const cut = await rejection(whole.subarray(0, 100_000), 'cut.wav');
  assert.is(cut.reason, 'unreadable');
  assert.is(cut.message, 'The WAV file is truncated: its header announces 192000 bytes of audio, only 99956 bytes are there.');
  const header = await rejection(whole.subarray(0, 30), 'header.wav');
  assert.is(header.reason, 'unreadable');
  assert.is(header.message, 'The WAV file is truncated: it ends inside its header.');
  const noSamples = await rejection(whole.subarray(0, 44), 'nothing.wav');
  assert.is(noSamples.reason, 'unreadable');
  assert.match(noSamples.message, /^The WAV file is truncated/);
});

test('an ID3 tag and nothing else; a tag that runs past the end', async () => {
  const tag = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 10, ...Buffer.alloc(10)]);
  assert.is((await rejection(tag, 'tag.mp3')).message, 'The MP3 file holds a tag but no audio.');
  assert.match((await rejection(tag.subarray(0, 15), 'cut-tag.mp3')).message, /^The MP3 file is truncated: it ends inside its ID3 tag/);
});

test('longer than the limit: refused as too large before decoding', async () => {
  const error = await rejection(wavFile(tone(440, 3, 8000), 8000), 'long.wav', { maxSeconds: 2 });
  assert.is(error.reason, 'too-large');
  assert.is(error.message, 'The audio lasts 0 min 03 s; at most 0 min 02 s is taken.');
  const mp3 = await rejection(mp3File(tone(440, 3, 44100)), 'long.mp3', { maxSeconds: 2 });
  assert.is(mp3.reason, 'too-large');
});

test.run();
