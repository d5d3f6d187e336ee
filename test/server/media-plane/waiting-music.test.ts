// Waiting music per incoming number: the hold music itself, or a loop rendered once per change
// (music, message or interval) and kept across applies that change something else; the hold
// music's one track switching on Apply.
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MusicOnHold, PbxConfig } from '../../../data/schema.ts';
import type { OpusClip } from '../../../media/codec/opus-clip.ts';
import { HoldMusic } from '../../../server/media-plane/hold-music.ts';
import { WaitingMusic } from '../../../server/media-plane/waiting-music.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';

const clip = (label: number, frames = 3): OpusClip => ({ frames: Array.from({ length: frames }, () => new Uint8Array([label])), durationMs: frames * 20 });
const logger = pino({ level: 'silent' });

function setup() {
  const files = new Map<string, OpusClip>([['music-a', clip(1)], ['music-b', clip(2)], ['voice', clip(9)]]);
  const audio = { load: async (id: string) => files.get(id) ?? Promise.reject(new Error(`no file ${id}`)) };
  const holdMusic = new HoldMusic(clip(0), audio, logger);
  const renders: { music: number; voice: number; seconds: number }[] = [];
  const waiting = new WaitingMusic(holdMusic, audio, async (music, voice, seconds) => {
    renders.push({ music: music.frames[0]![0]!, voice: voice.frames[0]![0]!, seconds });
    return clip(100 + renders.length);
  }, logger);
  return { holdMusic, waiting, renders };
}

function configWith(whileRinging: PbxConfig['incomingNumbers'][number]['whileRinging'], musicOnHold: MusicOnHold = { type: 'default' }, voiceFile: string | null = 'voice'): PbxConfig {
  const config = sampleConfig();
  return {
    ...config,
    musicOnHold,
    audioMessages: [{ id: 'am-hold', name: 'Please hold', source: 'upload', voice: null, text: null, textLanguage: null, fileId: voiceFile, durationMs: voiceFile ? 60 : null }],
    incomingNumbers: config.incomingNumbers.map((n, i) => (i === 0 ? { ...n, whileRinging } : n)),
  };
}

test('ringback, plain music, and a loop rendered once per change of music, message or interval', async () => {
  const { holdMusic, waiting, renders } = setup();
  const numberId = sampleConfig().incomingNumbers[0]!.id;
  const use = async (config: PbxConfig) => {
    await holdMusic.use(config.musicOnHold);
    await waiting.use(config);
  };
  await use(configWith({ type: 'ringback' }));
  assert.is(waiting.track(numberId), null, 'ringback');

  await use(configWith({ type: 'music-on-hold', repeatedMessageId: null, repeatAfterSeconds: 30 }));
  assert.is(waiting.track(numberId), holdMusic.track, 'the hold music itself, shared');

  await use(configWith({ type: 'music-on-hold', repeatedMessageId: 'am-hold', repeatAfterSeconds: 30 }, { type: 'default' }, null));
  assert.is(waiting.track(numberId), holdMusic.track, 'a message without audio: music alone');
  assert.is(renders.length, 0);

  const withMessage = configWith({ type: 'music-on-hold', repeatedMessageId: 'am-hold', repeatAfterSeconds: 30 });
  await use(withMessage);
  const loop = waiting.track(numberId)!;
  assert.equal(renders, [{ music: 0, voice: 9, seconds: 30 }]);
  assert.is(loop.clip.frames[0]![0], 101);

  await use({ ...withMessage, settings: { ...withMessage.settings, language: 'de' } });
  assert.is(renders.length, 1, 'another change: nothing rendered again');

  await use({ ...withMessage, musicOnHold: { type: 'upload', fileId: 'music-a', name: 'a.mp3', durationMs: 60 } });
  assert.is(holdMusic.track.clip.frames[0]![0], 1, 'the hold music switched to the uploaded file');
  assert.equal(renders.at(-1), { music: 1, voice: 9, seconds: 30 }, 'new music: rendered again from it');
  assert.is(waiting.track(numberId), loop, 'the same track: callers already waiting switch too');
  assert.is(loop.clip.frames[0]![0], 102);
  assert.is(waiting.rendered, 2);
});

test('an unreadable music file keeps the music playing now', async () => {
  const { holdMusic } = setup();
  await holdMusic.use({ type: 'upload', fileId: 'music-b', name: 'b.mp3', durationMs: 60 });
  await holdMusic.use({ type: 'upload', fileId: 'gone', name: 'gone.mp3', durationMs: 60 });
  assert.is(holdMusic.fileId, 'music-b');
  assert.is(holdMusic.track.clip.frames[0]![0], 2);
  await holdMusic.use({ type: 'default' });
  assert.is(holdMusic.fileId, null);
  assert.is(holdMusic.track.clip.frames[0]![0], 0);
});

test.run();
