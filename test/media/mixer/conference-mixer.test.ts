// The conference mixer frame by frame (no clock): participants send real Opus tones, each listener's
// mix is decoded and its frequencies measured (Goertzel), so "hears the others, not itself" is what
// a phone would really hear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpusDecoder } from '../../../media/codec/opus.ts';
import { goertzelPower } from '../../../media/dsp/goertzel.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import { ConferenceMixer } from '../../../media/mixer/conference-mixer.ts';
import { float32ToInt16 } from '../../../media/dsp/samples.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { whiteNoise } from '../signal.ts';
import { opusToneFrames } from '../../support/tone-analysis.ts';

const TONES = { a: 440, b: 660, c: 880 } as const;
type Name = keyof typeof TONES;

/** A room whose participants each send their tone; what each one is sent is kept. */
function room(names: Name[], frames = 200) {
  const mixer = new ConferenceMixer();
  const sources = Object.fromEntries(names.map((name) => [name, opusToneFrames(TONES[name], frames, 0.3)])) as Record<Name, Uint8Array[]>;
  const heard = Object.fromEntries(names.map((name) => [name, [] as Uint8Array[]])) as Record<Name, Uint8Array[]>;
  for (const name of names) mixer.add(name, (frame) => heard[name].push(frame));
  const sequence = Object.fromEntries(names.map((name) => [name, 0])) as Record<Name, number>;
  /** One 20 ms frame: each of `talking` sends its next packet, then the mixer ticks. */
  const step = (talking: Name[] = names) => {
    for (const name of talking) {
      const n = sequence[name]++;
      mixer.receive(name, sources[name][n % sources[name].length]!, n);
    }
    mixer.tick();
  };
  return { mixer, heard, step, sources };
}

/** Power (dB) of each test tone in the decoded frames, skipping the encoder's first frames. */
function levels(frames: Uint8Array[], skip = 5): Record<Name, number> {
  const decoder = new OpusDecoder();
  const pcm = concatFloat32(frames.map((frame) => decoder.decode(frame))).subarray(skip * 960);
  decoder.close();
  const db = (hz: number) => 10 * Math.log10(goertzelPower(pcm, hz, 48_000) + 1e-12);
  return { a: db(TONES.a), b: db(TONES.b), c: db(TONES.c) };
}

/** A 0.3 sine reads 10·log10(0.3²/2) ≈ −13 dB. */
const PRESENT_DB = -20;
const ABSENT_DB = -45;

function assertHears(frames: Uint8Array[], present: Name[], absent: Name[], who: string): void {
  const level = levels(frames);
  for (const name of present) assert.ok(level[name] > PRESENT_DB, `${who} hears ${name} (${TONES[name]} Hz): ${JSON.stringify(level)}`);
  for (const name of absent) assert.ok(level[name] < ABSENT_DB, `${who} does not hear ${name} (${TONES[name]} Hz): ${JSON.stringify(level)}`);
}

test('three participants: each hears the other two tones and not its own', () => {
  const { mixer, heard, step } = room(['a', 'b', 'c']);
  for (let i = 0; i < 60; i++) step();
  assert.is(heard.a.length, 60);
  assertHears(heard.a, ['b', 'c'], ['a'], 'a');
  assertHears(heard.b, ['a', 'c'], ['b'], 'b');
  assertHears(heard.c, ['a', 'b'], ['c'], 'c');
  // Everyone talks: one encoder per listener, nothing shared.
  assert.is(mixer.stats.encodesLastTick, 3);
  mixer.close();
});

test('a participant who sends nothing (DTX, loss) adds nothing and stalls nobody; its mix is the one shared encode', () => {
  const { mixer, heard, step } = room(['a', 'b', 'c']);
  for (let i = 0; i < 60; i++) step(['a', 'b']);
  assert.is(heard.a.length, 60, 'a is sent a frame every tick though c sends nothing');
  assertHears(heard.a, ['b'], ['a', 'c'], 'a');
  assertHears(heard.b, ['a'], ['b', 'c'], 'b');
  assertHears(heard.c, ['a', 'b'], ['c'], 'c (silent) hears both talkers');
  // a and b each their own mix; c hears everyone, the shared encode.
  assert.is(mixer.stats.encodesLastTick, 3);
  mixer.close();
});

test('one talker: the silent listeners share one encode, the same bytes for each', () => {
  const { mixer, heard, step } = room(['a', 'b', 'c']);
  for (let i = 0; i < 40; i++) step(['a']);
  assert.is(mixer.stats.encodesLastTick, 2, "a's own mix (silence) and one shared frame for b and c");
  for (let i = 0; i < 40; i++) assert.equal(heard.b[i], heard.c[i]);
  assertHears(heard.b, ['a'], ['b', 'c'], 'b');
  mixer.close();
});

test('a microphone sending only faint noise (−70 dBFS) is not mixed: nobody hears its hiss', () => {
  const mixer = new ConferenceMixer();
  const heard: Uint8Array[] = [];
  const quiet = encodeOpusClip(whiteNoise(48_000, 10 ** (-70 / 20))).frames;
  const talker = opusToneFrames(TONES.a, 50, 0.3);
  mixer.add('talker', () => {});
  mixer.add('quiet', () => {});
  mixer.add('listener', (frame) => heard.push(frame));
  for (let i = 0; i < 50; i++) {
    mixer.receive('talker', talker[i]!, i);
    mixer.receive('quiet', quiet[i]!, i);
    mixer.tick();
  }
  // talker's own mix, and one shared by quiet and listener.
  assert.is(mixer.stats.encodesLastTick, 2);
  mixer.close();
});

test('loud voices together are clipped, never wrapped round', () => {
  const mixer = new ConferenceMixer();
  const heard: Uint8Array[] = [];
  const loud = opusToneFrames(TONES.a, 60, 0.7);
  mixer.add('x', () => {});
  mixer.add('y', () => {});
  mixer.add('listener', (frame) => heard.push(frame));
  for (let i = 0; i < 60; i++) {
    mixer.receive('x', loud[i]!, i);
    mixer.receive('y', loud[i]!, i);
    mixer.tick();
  }
  // 0.7 + 0.7 in phase: clipped at full scale its fundamental is stronger than one 0.7 sine
  // (−4.6 dB); wrapped round to −0.6 it would collapse.
  assert.ok(levels(heard).a > -4.6, `the sum is clipped: ${levels(heard).a.toFixed(1)} dB at 440 Hz`);
  mixer.close();
});

test('joining and leaving mid-stream: the newcomer is heard from its first frames, the leaver no more; alone, nothing is sent', () => {
  const mixer = new ConferenceMixer();
  const sources = { a: opusToneFrames(TONES.a, 300, 0.3), b: opusToneFrames(TONES.b, 300, 0.3), c: opusToneFrames(TONES.c, 300, 0.3) };
  const heard = { a: [] as Uint8Array[], b: [] as Uint8Array[], c: [] as Uint8Array[] };
  const inRoom = new Set<Name>();
  const join = (name: Name) => {
    mixer.add(name, (frame) => heard[name].push(frame));
    inRoom.add(name);
  };
  let n = 0;
  const run = (frames: number) => {
    for (let i = 0; i < frames; i++, n++) {
      for (const name of inRoom) mixer.receive(name, sources[name][n]!, n);
      mixer.tick();
    }
  };
  join('a');
  run(20);
  assert.is(heard.a.length, 0, 'alone: no mix, no encode (the PBX plays music instead)');
  assert.is(mixer.stats.encodesLastTick, 0);
  join('b');
  run(40);
  const aWithB = heard.a.length;
  assertHears(heard.a.slice(0, aWithB), ['b'], ['a', 'c'], 'a with b');
  join('c');
  run(40);
  assertHears(heard.a.slice(aWithB), ['b', 'c'], ['a'], 'a with b and c');
  assertHears(heard.c, ['a', 'b'], ['c'], 'c from its first frames');
  mixer.remove('b');
  inRoom.delete('b');
  const aAfterB = heard.a.length;
  run(40);
  assertHears(heard.a.slice(aAfterB), ['c'], ['a', 'b'], 'a after b left');
  mixer.remove('c');
  inRoom.delete('c');
  const aAlone = heard.a.length;
  run(10);
  assert.is(heard.a.length, aAlone, 'alone again: nothing sent');
  mixer.close();
});

test('an announcement is heard by every listener but the one it is about, over the voices', () => {
  const { mixer, heard, step } = room(['a', 'b', 'c']);
  for (let i = 0; i < 10; i++) step(['a']);
  const from = { a: heard.a.length, b: heard.b.length, c: heard.c.length };
  const tone = float32ToInt16(sine(1200, 0.5, 0.3));
  mixer.announce(tone, 'c');
  for (let i = 0; i < 25; i++) step(['a']);
  const db = (frames: Uint8Array[]) => {
    const decoder = new OpusDecoder();
    const pcm = concatFloat32(frames.map((frame) => decoder.decode(frame)));
    return 10 * Math.log10(goertzelPower(pcm, 1200, 48_000) + 1e-12);
  };
  assert.ok(db(heard.a.slice(from.a)) > PRESENT_DB, 'a (talking) hears it');
  assert.ok(db(heard.b.slice(from.b)) > PRESENT_DB, 'b (silent) hears it');
  assert.ok(db(heard.c.slice(from.c)) < ABSENT_DB, 'c, who joined, does not');
  assertHears(heard.c.slice(from.c), ['a'], ['b', 'c'], 'c still hears a');
  mixer.close();
});

test('a burst of packets is kept and played in order; a late or repeated packet is dropped', () => {
  const mixer = new ConferenceMixer();
  const heard: Uint8Array[] = [];
  const frames = opusToneFrames(TONES.b, 80, 0.3);
  mixer.add('talker', () => {});
  mixer.add('listener', (frame) => heard.push(frame));
  // Two packets every other tick: the audio stays continuous.
  for (let i = 0; i < 80; i += 2) {
    mixer.receive('talker', frames[i]!, i);
    mixer.receive('talker', frames[i + 1]!, i + 1);
    mixer.receive('talker', frames[i]!, i); // repeated
    mixer.tick();
    mixer.tick();
  }
  const decoder = new OpusDecoder();
  const pcm = concatFloat32(heard.map((frame) => decoder.decode(frame))).subarray(5 * 960);
  let silentFrames = 0;
  for (let start = 0; start + 960 <= pcm.length; start += 960) {
    if (goertzelPower(pcm, TONES.b, 48_000, start, 960) < 1e-4) silentFrames++;
  }
  assert.is(silentFrames, 0, 'no gap in the tone');
  mixer.close();
});

function sine(hz: number, seconds: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * 48_000));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / 48_000);
  return out;
}

test.run();
