// MP3s made as the audio comes (voicemail recordings): byte for byte what encoding the whole at
// once gives, held back where the end may still be cut, and on a worker thread by name.
import { Mp3Encoder } from '@breezystack/lamejs';
import { MPEGDecoder } from 'mpg123-decoder';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { MP3_DEFAULTS } from '../../../media/codec/mp3-encoder.ts';
import { withInfoTag } from '../../../media/codec/mp3-info-tag.ts';
import { Mp3Stream } from '../../../media/codec/mp3-stream.ts';
import { Mp3Streams } from '../../../media/codec/mp3-streams.ts';
import { concatFloat32, float32ToInt16 } from '../../../media/dsp/samples.ts';
import { EspeakSynthesizer } from '../../../media/tts/espeak.ts';
import { resample } from '../../../media/dsp/resample.ts';
import { correlation, loudnessEnvelope } from '../../support/envelope.ts';

const test = suite('codec/mp3-stream');
const RATE = 24000;
/** About 12 s of speech at 24 kHz, 16-bit. */
let speech: Int16Array;

test.before(async () => {
  const espeak = await EspeakSynthesizer.load();
  const said = espeak.synthesize('Hello, this is Paul from the garage. Your car is ready, you can pick it up tomorrow morning. Call me back on zero six, twelve, thirty four.', { voice: 'en' });
  espeak.close();
  speech = float32ToInt16(resample(concatFloat32([said, sineTone(700, 1, 48000, 0.3)]), 48000, RATE));
});

async function mpg123(mp3: Uint8Array): Promise<Float32Array> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const decoded = decoder.decode(mp3);
    assert.is(decoded.errors.length, 0);
    assert.is(decoded.sampleRate, RATE);
    return decoded.channelData[0]!;
  } finally {
    decoder.free();
  }
}

/** What encodeMp3 does with the same 16-bit samples: one LAME pass over all of them. */
function oneShot(samples: Int16Array): Uint8Array {
  const encoder = new Mp3Encoder(1, RATE, MP3_DEFAULTS.bitrateKbps);
  const parts = [encoder.encodeBuffer(samples), encoder.flush()].map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength).slice());
  const out = new Uint8Array(parts[0]!.length + parts[1]!.length);
  out.set(parts[0]!);
  out.set(parts[1]!, parts[0]!.length);
  return withInfoTag(out, samples.length / RATE);
}

/** Pushes `samples` 20 ms at a time, as packets come; `safeEnd(total)` says how far is safe. */
function pushAsPackets(stream: Mp3Stream, samples: Int16Array, safeEnd: (total: number) => number, each?: () => void): void {
  for (let start = 0; start < samples.length; start += 480) {
    const packet = samples.slice(start, start + 480);
    stream.append(packet, safeEnd(start + packet.length));
    each?.();
  }
}

test('made 20 ms at a time with a 2 s backlog, the MP3 is byte for byte the one made at once', () => {
  const backlog = 2 * RATE;
  const stream = new Mp3Stream({ backlogSamples: backlog });
  let leftAtMost = 0;
  pushAsPackets(stream, speech, (total) => total, () => {
    const left = stream.totalSamples - stream.encodedSamples;
    assert.ok(left >= backlog || stream.encodedSamples === 0, `${left} samples left, fewer than the backlog`);
    leftAtMost = Math.max(leftAtMost, left);
  });
  assert.ok(stream.encodedSamples > speech.length - backlog - 11520, `encoded ${stream.encodedSamples} of ${speech.length} as it came`);
  assert.ok(leftAtMost < backlog + 11520 + 480, `never more than the backlog and a chunk left: ${leftAtMost}`);
  assert.equal(stream.finish(speech.length), oneShot(speech));
});

test('what may still be cut is held back: the MP3 ends where asked, after the samples encoded', async () => {
  const stream = new Mp3Stream({ backlogSamples: RATE });
  const cut = 6 * RATE;
  // The speaker went quiet at 6 s: nothing after it is safe, however far the audio goes on.
  pushAsPackets(stream, speech, (total) => Math.min(total, cut));
  assert.ok(stream.encodedSamples <= cut && stream.encodedSamples > cut - 2 * 11520, `encoded up to ${stream.encodedSamples}`);
  const mp3 = stream.finish(cut);
  assert.equal(mp3, oneShot(speech.subarray(0, cut)), 'the same as encoding the first 6 s alone');
  assert.is((await mpg123(mp3)).length, cut, 'the Info tag makes the decoded length exact');

  const late = new Mp3Stream({ backlogSamples: RATE });
  pushAsPackets(late, speech, (total) => total);
  assert.throws(() => late.finish(cut), RangeError, 'an end before what LAME has taken cannot be kept');
});

test('Mp3Streams: by name on a worker thread; no stream, or an end it cannot keep, gives undefined', async () => {
  const streams = new Mp3Streams({ backlogSeconds: 1, unclaimedMs: 300 });
  try {
    const msPer = 1000 / RATE;
    // The first 156 samples are a recording's pre-skip: not in the MP3, times stay the source's.
    const input = streams.open('/voicemail/box/a.ogg', { skipSamples: 156 });
    for (let start = 0; start < speech.length; start += 480) input.push(speech.subarray(start, start + 480), (start + 480) * msPer);
    input.end();
    const endMs = speech.length * msPer;
    const mp3 = await streams.finish('/voicemail/box/a.ogg', endMs);
    assert.ok(mp3, 'the MP3');
    assert.equal(mp3, oneShot(speech.subarray(156)), 'what an MP3 of the same samples made at once is');
    const decoded = await mpg123(mp3);
    const source = new Float32Array(speech.subarray(156)).map((v) => v / 32768);
    assert.ok(correlation(loudnessEnvelope(decoded, RATE, 20), loudnessEnvelope(source, RATE, 20)) > 0.95);
    assert.is(await streams.finish('/voicemail/box/a.ogg', endMs), undefined, 'finished once');
    assert.is(await streams.finish('/voicemail/box/never.ogg', 1000), undefined, 'no such stream');

    const early = streams.open('/voicemail/box/b.ogg');
    for (let start = 0; start < speech.length; start += 480) early.push(speech.subarray(start, start + 480), (start + 480) * msPer);
    assert.is(await streams.finish('/voicemail/box/b.ogg', 2000), undefined, 'encoded past 2 s already: made from the recording instead');

    const unclaimed = streams.open('/voicemail/box/c.ogg');
    unclaimed.push(speech.subarray(0, 4800), 200);
    unclaimed.end();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.is(await streams.finish('/voicemail/box/c.ogg', 200), undefined, 'dropped when nobody claimed it (a discarded message)');
  } finally {
    await streams.close();
  }
});

test.run();
