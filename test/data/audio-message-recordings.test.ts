// A phone recording kept as an audio message: the file the call wrote, cut where asked (the # tone
// goes), saved packet for packet in the AudioStore, and the draft's message pointed at it.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioMessageRecordingStore, UnknownAudioMessage } from '../../data/audio-message-recordings.ts';
import { AudioStore } from '../../data/audio-store.ts';
import { ConfigStore } from '../../data/config-store.ts';
import { upsertEntity } from '../../data/draft-edits.ts';
import { sineTone } from '../../media/audio/wav.ts';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { OggOpusWriter } from '../../media/rtp/ogg-opus-writer.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

async function fixture() {
  const directory = await mkdtemp(join(tmpdir(), 'message-recordings-'));
  const config = await ConfigStore.open(directory, () =>
    upsertEntity(sampleConfig(), 'audioMessages', { id: 'am-1', name: 'Welcome', source: 'none', voice: null, text: null, textLanguage: null, fileId: null, durationMs: null }));
  const audio = new AudioStore(directory);
  const recordings = await AudioMessageRecordingStore.open(directory, audio, config);
  /** Records 3 s of tone into the place the store gives, as a call's recorder does (RTP timestamps). */
  const recordCall = async () => {
    const { recordingId, path } = await recordings.begin();
    const writer = await OggOpusWriter.createFile(path);
    const frames = encodeOpusClip(sineTone(440, 3, 48_000)).frames;
    frames.forEach((frame, i) => writer.writePacket(frame, 1000 + i * 960));
    await writer.close();
    return { recordingId, path, frames };
  };
  return { directory, config, audio, recordings, recordCall, cleanup: () => rm(directory, { recursive: true, force: true }) };
}

test('keep cuts the recording where asked and points the draft message at the new file', async () => {
  const { config, audio, recordings, recordCall, cleanup } = await fixture();
  try {
    assert.is(recordings.current('am-1'), null);
    const { recordingId, path, frames } = await recordCall();
    const kept = await recordings.keep(recordingId, { audioMessageId: 'am-1', keepMs: 2750, by: 'admin' });
    assert.is(kept.durationMs, 2740, 'whole 20 ms frames up to the cut');
    assert.not.ok(existsSync(path), 'the call\'s own file is gone');
    const stored = await audio.load(kept.fileId);
    assert.is(stored.frames.length, 137);
    assert.equal(Buffer.from(stored.frames[100]!), Buffer.from(frames[100]!), 'packets as received');
    const message = config.draft.config.audioMessages.find((m) => m.id === 'am-1')!;
    assert.equal({ source: message.source, fileId: message.fileId, durationMs: message.durationMs }, { source: 'recording', fileId: kept.fileId, durationMs: 2740 });
    assert.is(config.draft.updatedBy, 'admin');
    assert.equal(recordings.current('am-1'), { type: 'recording', path: audio.pathOf(kept.fileId) });
    assert.is(config.production.config.audioMessages[0]!.fileId, null, 'production waits for Apply changes');
  } finally {
    await cleanup();
  }
});

test('a message deleted from the draft meanwhile: nothing changes, the call\'s file is removed', async () => {
  const { config, recordings, recordCall, cleanup } = await fixture();
  try {
    await config.editDraft('someone', undefined, (c) => ({ ...c, audioMessages: [] }));
    const { recordingId, path } = await recordCall();
    try {
      await recordings.keep(recordingId, { audioMessageId: 'am-1', keepMs: 2000, by: 'admin' });
      assert.unreachable();
    } catch (error) {
      assert.instance(error, UnknownAudioMessage);
    }
    assert.not.ok(existsSync(path));
    assert.is(config.draft.updatedBy, 'someone');
  } finally {
    await cleanup();
  }
});

test.run();
