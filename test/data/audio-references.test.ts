// The sweep of stored audio: files the draft, production or any stored version refer to stay
// (restoring a version finds its audio); the others go, once they are older than the grace period
// that protects an upload whose draft edit has not landed yet.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioStore } from '../../data/audio-store.ts';
import { audioFileIdsOf, SWEEP_GRACE_MS, sweepUnreferencedAudio } from '../../data/audio-references.ts';
import { ConfigStore } from '../../data/config-store.ts';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { sineTone } from '../../media/audio/wav.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

test('files of old versions, production and the draft stay; unreferenced ones go after the grace period', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'audio-refs-'));
  try {
    const audio = new AudioStore(directory);
    const store = await ConfigStore.open(directory, () => sampleConfig());
    const clip = encodeOpusClip(sineTone(440, 0.2, 48000));
    const [first, second, inDraft, orphan] = await Promise.all([0, 1, 2, 3].map(() => audio.save(clip)));
    const music = (fileId: string) => ({ type: 'upload' as const, fileId, name: 'music.mp3', durationMs: 200 });
    await store.editDraft('admin', undefined, (config) => ({ ...config, musicOnHold: music(first!.fileId) }));
    await store.apply('admin', undefined);
    await store.editDraft('admin', undefined, (config) => ({
      ...config,
      musicOnHold: music(second!.fileId),
      audioMessages: [{ id: 'am-1', name: 'Hello', source: 'upload', voice: null, text: null, textLanguage: null, fileId: inDraft!.fileId, durationMs: 200 }],
    }));
    assert.equal(audioFileIdsOf(store.draft.config).sort(), [second!.fileId, inDraft!.fileId].sort());

    assert.is(await sweepUnreferencedAudio(store, audio), 0, 'a fresh orphan is spared');
    assert.is(await sweepUnreferencedAudio(store, audio, Date.now() + SWEEP_GRACE_MS + 1000), 1);
    const left = (await readdir(audio.directory)).map((name) => name.replace('.ogg', '')).sort();
    assert.equal(left, [first!.fileId, second!.fileId, inDraft!.fileId].sort(), 'version 2 (production) keeps the first; the draft the others');
    assert.not.ok(left.includes(orphan!.fileId));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test.run();
