import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioStore } from '../../data/audio-store.ts';
import { sineTone } from '../../media/audio/wav.ts';
import { decodeOpusClip, encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { goertzelPower } from '../../media/dsp/goertzel.ts';

test('a saved clip loads back frame for frame and still sounds like the original', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'audio-store-'));
  try {
    const store = new AudioStore(directory);
    const clip = encodeOpusClip(sineTone(440, 1.5, 48000));
    const saved = await store.save(clip, { TITLE: 'test' });
    assert.is(saved.durationMs, 1500);
    const loaded = await store.load(saved.fileId);
    assert.is(loaded.frames.length, clip.frames.length);
    assert.equal(Buffer.from(loaded.frames[10]!), Buffer.from(clip.frames[10]!));
    const pcm = decodeOpusClip(loaded).subarray(4800, 4800 + 4800);
    assert.ok(goertzelPower(pcm, 440, 48000) > 100 * goertzelPower(pcm, 1000, 48000));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('sweep removes files no configuration refers to; ids cannot leave the folder', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'audio-store-'));
  try {
    const store = new AudioStore(directory);
    const clip = encodeOpusClip(sineTone(440, 0.2, 48000));
    const kept = await store.save(clip);
    const dropped = await store.save(clip);
    assert.is(await store.sweep(new Set([kept.fileId])), 1);
    assert.equal(await readdir(store.directory), [`${kept.fileId}.ogg`]);
    const missing = await store.load(dropped.fileId).then(() => 'loaded', (error: NodeJS.ErrnoException) => error.code);
    assert.is(missing, 'ENOENT');
    assert.throws(() => store.pathOf('../users'), /not an audio file id/);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test.run();
