// Production's audio messages as clips: read from a real AudioStore, cached by file id, and a
// missing or broken file logged and played as no audio.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioStore } from '../../../data/audio-store.ts';
import { upsertEntity } from '../../../data/draft-edits.ts';
import type { AudioMessage } from '../../../data/schema.ts';
import { sineTone } from '../../../media/audio/wav.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { AudioMessageClips } from '../../../server/media-plane/audio-message-clips.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';

const message = (id: string, fileId: string | null): AudioMessage => ({ id, name: id, source: fileId ? 'text' : 'none', voice: null, text: null, textLanguage: null, fileId, durationMs: fileId ? 1000 : null });

test('clips of the configuration in use; a missing or unreadable file is logged and plays as nothing', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'audio-clips-'));
  try {
    const store = new AudioStore(directory);
    const good = await store.save(encodeOpusClip(sineTone(440, 1, 48000)));
    const broken = await store.save(encodeOpusClip(sineTone(440, 1, 48000)));
    await writeFile(store.pathOf(broken.fileId), 'not an ogg file');
    const warnings: string[] = [];
    const reads: string[] = [];
    const clips = new AudioMessageClips(
      { load: (fileId) => (reads.push(fileId), store.load(fileId)) },
      { warn: (_details: object, message: string) => void warnings.push(message) } as never,
    );
    let config = sampleConfig();
    for (const each of [message('am-good', good.fileId), message('am-broken', broken.fileId), message('am-missing', 'no-such-file'), message('am-none', null)]) {
      config = upsertEntity(config, 'audioMessages', each);
    }
    await clips.use(config);
    assert.is(clips.clip('am-good')?.frames.length, 50);
    assert.is(clips.clip('am-broken'), null);
    assert.is(clips.clip('am-missing'), null);
    assert.is(clips.clip('am-none'), null);
    assert.is(clips.clip('am-unknown'), null);
    assert.is(warnings.length, 2);

    // Applied again with the same file: no new read. A message removed is forgotten.
    reads.length = 0;
    await clips.use(upsertEntity(sampleConfig(), 'audioMessages', message('am-renamed', good.fileId)));
    assert.equal(reads, []);
    assert.is(clips.clip('am-renamed')?.frames.length, 50);
    assert.is(clips.clip('am-good'), null);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test.run();
