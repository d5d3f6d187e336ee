import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTone } from '../../../media/audio/wav.ts';
import { OPUS_FRAME_SAMPLES, OpusDecoder, OpusEncoder } from '../../../media/codec/opus.ts';
import { opusGapPacket, opusPacketSamples } from '../../../media/codec/opus-packet.ts';
import { concat, dominantFrequency, rms, toneShare } from '../signal.ts';

const test = suite('codec/opus');

function roundTrip(pcm: Float32Array, encoder = new OpusEncoder(), decoder = new OpusDecoder()) {
  const packets: Uint8Array[] = [];
  const decoded: Float32Array[] = [];
  for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) {
    const packet = encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES));
    packets.push(packet);
    decoded.push(decoder.decode(packet));
  }
  encoder.close();
  decoder.close();
  return { packets, pcm: concat(...decoded) };
}

test('a 1 kHz tone survives encode and decode: frequency, level, purity', () => {
  const { packets, pcm } = roundTrip(sineTone(1000, 1, 48000, 0.5));
  assert.is(packets.length, 50);
  assert.is(pcm.length, 48000);
  const steady = pcm.subarray(4800); // past the codec's start-up
  assert.is(dominantFrequency(steady, 48000, 200, 5000, 5), 1000);
  const levelDb = 20 * Math.log10(rms(steady) / (0.5 / Math.SQRT2));
  assert.ok(Math.abs(levelDb) < 1, `level changed by ${levelDb.toFixed(2)} dB`);
  assert.ok(toneShare(steady, 1000, 48000) > 0.95, `tone share ${toneShare(steady, 1000, 48000)}`);
  const bytesPerSecond = packets.reduce((n, p) => n + p.length, 0);
  assert.ok(bytesPerSecond > 2000 && bytesPerSecond < 6000, `${bytesPerSecond * 8} b/s at a 32 kb/s target`);
});

test('packets are independent copies (the native binding reuses one output buffer)', () => {
  const encoder = new OpusEncoder();
  const first = encoder.encode(sineTone(440, 0.02, 48000));
  const copy = Array.from(first);
  encoder.encode(new Float32Array(OPUS_FRAME_SAMPLES).fill(0.3));
  assert.equal(Array.from(first), copy);
  encoder.close();
});

test('every packet is a 20 ms one-frame packet by its TOC', () => {
  const { packets } = roundTrip(sineTone(300, 0.2, 48000));
  for (const packet of packets) assert.is(opusPacketSamples(packet), 960);
});

test('lost packets are concealed with audio of the same length', () => {
  const encoder = new OpusEncoder();
  const decoder = new OpusDecoder();
  const tone = sineTone(600, 0.2, 48000, 0.5);
  for (let i = 0; i < tone.length; i += OPUS_FRAME_SAMPLES) decoder.decode(encoder.encode(tone.subarray(i, i + OPUS_FRAME_SAMPLES)));
  const concealed = decoder.decodeLost();
  assert.is(concealed.length, 960);
  assert.ok(rms(concealed) > 0.05, 'concealment continues the tone rather than going silent');
  encoder.close();
  decoder.close();
});

test('TOC parsing: frame counts and gap packets', () => {
  assert.is(opusPacketSamples(new Uint8Array([(31 << 3) | 1, 0, 0])), 1920, 'code 1: two 20 ms frames');
  assert.is(opusPacketSamples(new Uint8Array([(1 << 3) | 3, 3])), 2880, 'code 3: three 20 ms SILK frames');
  assert.is(opusPacketSamples(new Uint8Array([(16 << 3) | 0])), 120, 'CELT 2.5 ms');
  assert.is(opusPacketSamples(new Uint8Array([])), undefined);
  assert.is(opusPacketSamples(new Uint8Array([3])), undefined, 'code 3 without its count byte');
  for (const n of [120, 240, 480, 960] as const) assert.is(opusPacketSamples(opusGapPacket(n)), n);
});

test('close() releases the codec and later use throws', () => {
  const encoder = new OpusEncoder();
  const decoder = new OpusDecoder();
  encoder.close();
  decoder.close();
  assert.ok(encoder.closed && decoder.closed);
  assert.throws(() => encoder.encode(new Float32Array(OPUS_FRAME_SAMPLES)), /closed/);
  assert.throws(() => decoder.decode(new Uint8Array([0xf8])), /closed/);
  encoder.close(); // twice is harmless
});

test('frames of the wrong size are refused', () => {
  const encoder = new OpusEncoder();
  assert.throws(() => encoder.encode(new Float32Array(480)), /960/);
  encoder.close();
});

test.run();
