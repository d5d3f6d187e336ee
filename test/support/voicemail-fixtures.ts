// Voicemail messages made through the store's own API in a DATA_DIR, before the server starts
// there: a tone of a chosen pitch per message (so a test can tell them apart by ear), saved,
// heard, or left "recording" with a torn last page as a PBX killed mid-message leaves it.
import { readFile, truncate } from 'node:fs/promises';
import { createDefaultConfig } from '../../data/default-config.ts';
import { VoicemailStore } from '../../data/voicemail-store.ts';
import { sineTone } from '../../media/audio/wav.ts';
import { OPUS_FRAME_SAMPLES, OpusEncoder } from '../../media/codec/opus.ts';
import { scanOggPages } from '../../media/rtp/ogg-opus-reader.ts';
import { OggOpusWriter } from '../../media/rtp/ogg-opus-writer.ts';

export interface SeedMessage {
  boxId: string;
  callerName: string;
  callerNumber: string;
  dialled: string;
  startedAt: string;
  seconds: number;
  toneHz: number;
  /** new (default), heard, or interrupted: still "recording", its file cut inside the last page. */
  state?: 'new' | 'heard' | 'interrupted';
}

/** Writes the messages into DATA_DIR/voicemail; returns their ids in order. */
export async function seedVoicemail(dataDir: string, messages: SeedMessage[]): Promise<string[]> {
  // The embedded default configuration: boxes vm-u101 (Alice) and vm-u102 (Bob).
  const config = createDefaultConfig({ '101': 'unused', '102': 'unused' });
  const store = await VoicemailStore.open(dataDir, { config: () => config });
  const ids: string[] = [];
  for (const seed of messages) {
    const { messageId, audioPath } = await store.begin(seed.boxId, seed);
    const writer = await OggOpusWriter.createFile(audioPath, { pageDurationMs: 200 });
    const encoder = new OpusEncoder();
    const pcm = sineTone(seed.toneHz, seed.seconds, 48000, 0.3);
    for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) writer.writePacket(encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES)));
    encoder.close();
    if (seed.state === 'interrupted') {
      await writer.flush();
      const last = scanOggPages(await readFile(audioPath)).pages.at(-1)!;
      await truncate(audioPath, last.offset + Math.floor(last.length / 2));
    } else {
      await writer.close();
      await store.commit(messageId, Math.round(seed.seconds * 1000));
      if (seed.state === 'heard') await store.markHeard(messageId);
    }
    ids.push(messageId);
  }
  return ids;
}
