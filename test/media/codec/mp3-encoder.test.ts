// MP3 for voicemail e-mails: encoded here, decoded by independent decoders (mpg123's wasm build and
// ffmpeg), compared with the source by length and by loudness envelope.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MPEGDecoder } from 'mpg123-decoder';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { correlation, loudnessEnvelope } from '../../support/envelope.ts';
import { sineTone } from '../../../media/audio/wav.ts';
import { encodeMp3, oggOpusToMp3, oggOpusToMp3OffThread } from '../../../media/codec/mp3-encoder.ts';
import { OPUS_FRAME_SAMPLES, OpusEncoder } from '../../../media/codec/opus.ts';
import { resample, resampleInSlices } from '../../../media/dsp/resample.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import { OggOpusWriter } from '../../../media/rtp/ogg-opus-writer.ts';
import { EspeakSynthesizer } from '../../../media/tts/espeak.ts';
import { dominantFrequency } from '../signal.ts';

const test = suite('codec/mp3-encoder');
let directory: string;
/** About 8 s of speech (eSpeak, French) with pauses: an envelope worth comparing. */
let speech: Float32Array;

test.before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchboard-mp3-'));
  const espeak = await EspeakSynthesizer.load();
  const pause = new Float32Array(48000 * 0.6);
  speech = concatFloat32([
    espeak.synthesize('Bonjour, ici Jean Dupont.', { voice: 'fr' }),
    pause,
    espeak.synthesize('Rappelez-moi au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit.', { voice: 'fr' }),
    pause,
    espeak.synthesize('Merci, à bientôt.', { voice: 'fr' }),
  ]);
  espeak.close?.();
});
test.after(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function mpg123Decode(mp3: Uint8Array): Promise<{ samples: Float32Array; sampleRate: number; errors: number }> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const decoded = decoder.decode(mp3);
    return { samples: decoded.channelData[0]!, sampleRate: decoded.sampleRate, errors: decoded.errors.length };
  } finally {
    decoder.free();
  }
}

function ffmpegDecode(path: string, rate: number): Float32Array {
  const result = spawnSync('ffmpeg', ['-v', 'warning', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', String(rate), '-'], { maxBuffer: 1 << 27 });
  assert.is(result.status, 0, result.stderr.toString());
  assert.is(result.stderr.toString(), '', 'ffmpeg complained');
  return new Float32Array(result.stdout.buffer, result.stdout.byteOffset, result.stdout.byteLength / 4);
}



/** Best envelope correlation over decoder delays of 0-150 ms (MP3 decoders add LAME's delay). */
function envelopeMatch(source: Float32Array, sourceRate: number, decoded: Float32Array, decodedRate: number): number {
  const reference = loudnessEnvelope(resample(source, sourceRate, decodedRate), decodedRate, 20);
  let best = -1;
  for (let lag = 0; lag <= Math.round(decodedRate * 0.15); lag += Math.round(decodedRate * 0.001)) {
    best = Math.max(best, correlation(reference, loudnessEnvelope(decoded.subarray(lag), decodedRate, 20)));
  }
  return best;
}

test('slice-by-slice resampling is the same as resampling at once', async () => {
  const input = concatFloat32([sineTone(440, 1.3, 48000, 0.5), speech.subarray(0, 48000 * 2)]);
  for (const to of [24000, 22050, 16000, 8000]) {
    const whole = resample(input, 48000, to, { zeroCrossings: 16 });
    const sliced = await resampleInSlices(input, 48000, to, { zeroCrossings: 16 }, undefined, 7000);
    assert.is(sliced.length, whole.length, `${to} Hz length`);
    let maxDifference = 0;
    for (let i = 0; i < whole.length; i++) maxDifference = Math.max(maxDifference, Math.abs(whole[i]! - sliced[i]!));
    assert.ok(maxDifference < 1e-6, `${to} Hz: ${maxDifference}`);
  }
});

test('speech as PCM: an MPEG-2 layer III mono file of the same length and envelope (mpg123)', async () => {
  const mp3 = await encodeMp3(speech, 48000);
  // Frame header: sync, MPEG-2 (ID bit 0), layer III, 24 kHz, mono (channel mode 11).
  assert.is(mp3[0], 0xff);
  assert.is(mp3[1]! & 0xfe, 0xf2, 'MPEG-2 layer III');
  assert.is((mp3[2]! >> 2) & 0x03, 1, '24 kHz');
  assert.is(mp3[3]! >> 6, 3, 'mono');
  const seconds = speech.length / 48000;
  assert.ok(Math.abs(mp3.length - (seconds * 48000) / 8) < 2000, `48 kb/s: ${mp3.length} bytes for ${seconds.toFixed(2)} s`);
  const decoded = await mpg123Decode(mp3);
  assert.is(decoded.sampleRate, 24000);
  assert.is(decoded.errors, 0);
  const decodedSeconds = decoded.samples.length / decoded.sampleRate;
  assert.ok(Math.abs(decodedSeconds - seconds) < 0.1, `decoded ${decodedSeconds.toFixed(3)} s for ${seconds.toFixed(3)} s`);
  // The Info frame's delay and padding make the decoded length exact, not just close.
  assert.is(decoded.samples.length, Math.round(speech.length / 2));
  const match = envelopeMatch(speech, 48000, decoded.samples, decoded.sampleRate);
  assert.ok(match >= 0.9, `envelope correlation ${match.toFixed(3)}`);
});

test('an Ogg Opus recording: same length and envelope, a tone keeps its pitch (ffmpeg)', async () => {
  const tone = sineTone(1000, 1, 48000, 0.3);
  const source = concatFloat32([speech, tone]);
  const ogg = join(directory, 'message.ogg');
  await writeRecording(ogg, source);
  const { mp3, durationMs } = await oggOpusToMp3(await readFile(ogg));
  const wholeFrames = Math.floor(source.length / OPUS_FRAME_SAMPLES) * OPUS_FRAME_SAMPLES;
  assert.is(durationMs, ((wholeFrames - 312) / 48000) * 1000);
  const path = join(directory, 'message.mp3');
  await writeFile(path, mp3);
  const decoded = ffmpegDecode(path, 24000);
  const decodedMs = (decoded.length / 24000) * 1000;
  assert.ok(Math.abs(decodedMs - durationMs) < 100, `decoded ${decodedMs.toFixed(0)} ms for ${durationMs.toFixed(0)} ms`);
  const match = envelopeMatch(source.subarray(312), 48000, decoded, 24000);
  assert.ok(match >= 0.9, `envelope correlation ${match.toFixed(3)}`);
  const end = decoded.length;
  assert.is(dominantFrequency(decoded.subarray(end - 12000, end - 2400), 24000, 500, 2000, 5), 1000);
});

/** Writes `pcm` as an Ogg Opus recording, the way a voicemail is stored. */
async function writeRecording(path: string, pcm: Float32Array): Promise<void> {
  const writer = await OggOpusWriter.createFile(path);
  const encoder = new OpusEncoder();
  for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) writer.writePacket(encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES)));
  encoder.close();
  await writer.close();
}

test('on a worker thread: the same MP3, and the PBX thread stays free meanwhile', async () => {
  const minute = concatFloat32(Array.from({ length: Math.ceil((60 * 48000) / speech.length) }, () => speech)).subarray(0, 60 * 48000);
  const path = join(directory, 'minute.ogg');
  await writeRecording(path, minute);
  const ogg = await readFile(path);
  // How busy this thread's event loop is while converting: the share of time it runs code rather
  // than waits. Unlike gaps between timer ticks, a machine busy with other work does not inflate it.
  const busy = async <T>(work: () => Promise<T>): Promise<{ result: T; utilization: number; ms: number }> => {
    const before = performance.eventLoopUtilization();
    const started = performance.now();
    const result = await work();
    return { result, utilization: performance.eventLoopUtilization(before).utilization, ms: performance.now() - started };
  };
  const offThread = await busy(() => oggOpusToMp3OffThread(ogg));
  const inThread = await busy(() => oggOpusToMp3(ogg));
  console.log(
    `60 s: on a worker ${offThread.ms.toFixed(0)} ms, this thread busy ${(offThread.utilization * 100).toFixed(0)} %; ` +
      `in this thread (sliced) ${inThread.ms.toFixed(0)} ms, busy ${(inThread.utilization * 100).toFixed(0)} %`,
  );
  assert.ok(offThread.utilization < 0.2, `this thread was busy ${(offThread.utilization * 100).toFixed(0)} % of the time`);
  assert.ok(inThread.utilization > 0.5, 'in this thread the same work keeps it busy (the measure means something)');
  assert.is(offThread.result.durationMs, inThread.result.durationMs);
  assert.ok(Buffer.from(offThread.result.mp3).equals(Buffer.from(inThread.result.mp3)), 'byte for byte the same file');
  await oggOpusToMp3OffThread(new TextEncoder().encode('not ogg')).then(
    () => assert.unreachable('not Ogg Opus'),
    (error: Error) => assert.match(error.message, /Ogg/),
  );
});

test('silence and nothing at all still give a playable (or empty) file', async () => {
  const silent = await encodeMp3(new Float32Array(48000), 48000);
  const decoded = await mpg123Decode(silent);
  assert.ok(Math.abs(decoded.samples.length / 24000 - 1) < 0.1);
  assert.ok(decoded.samples.every((v) => Math.abs(v) < 1e-3));
  const empty = await encodeMp3(new Float32Array(0), 48000);
  assert.ok(empty.length < 1000);
  await assert.not.throws(async () => encodeMp3(new Float32Array(10), 16000, { sampleRate: 16000, bitrateKbps: 32 }));
  try {
    await encodeMp3(new Float32Array(10), 48000, { sampleRate: 23000 as 24000 });
    assert.unreachable('23 kHz is no MP3 rate');
  } catch (error) {
    assert.instance(error, RangeError);
  }
});

test.run();
