// The audio files the configuration refers to (audio messages, uploaded music on hold), kept as
// Ogg Opus in DATA_DIR/audio/<fileId>.ogg. A file is never changed once written: new audio gets a
// new id, so the draft and production can point at different files and Apply only swaps ids.
// Files no configuration refers to any more are removed by sweep().
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpusClip } from '../media/codec/opus-clip.ts';
import { OPUS_FRAME_MS } from '../media/codec/opus.ts';
import { OggOpusWriter } from '../media/rtp/ogg-opus-writer.ts';
import { readOggOpusFile } from '../media/rtp/ogg-opus-reader.ts';

export interface StoredAudio {
  fileId: string;
  durationMs: number;
}

const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class AudioStore {
  readonly directory: string;

  constructor(dataDirectory: string) {
    this.directory = join(dataDirectory, 'audio');
  }

  /** Writes a clip as a new file (written aside, then renamed: a crash never leaves half a file). */
  async save(clip: OpusClip, comments: Record<string, string> = {}): Promise<StoredAudio> {
    await mkdir(this.directory, { recursive: true });
    const fileId = randomUUID();
    const partial = join(this.directory, `${fileId}.partial`);
    const writer = await OggOpusWriter.createFile(partial, { comments, pageDurationMs: 1000 });
    for (const frame of clip.frames) writer.writePacket(frame);
    await writer.close();
    await rename(partial, this.pathOf(fileId));
    return { fileId, durationMs: clip.durationMs };
  }

  /** Reads a stored file back into 20 ms Opus frames; throws when there is no such file. */
  async load(fileId: string): Promise<OpusClip> {
    const stream = await readOggOpusFile(this.pathOf(fileId));
    return { frames: stream.packets, durationMs: stream.packets.length * OPUS_FRAME_MS };
  }

  /** Where a file lives, for serving it over HTTP; the id is checked so it can never leave the folder. */
  pathOf(fileId: string): string {
    if (!FILE_ID.test(fileId)) throw new Error(`not an audio file id: ${fileId}`);
    return join(this.directory, `${fileId}.ogg`);
  }

  /**
   * Removes every file (and leftover partial file) whose id is not in `keep`: the ids the draft,
   * production and every stored version refer to, so that restoring a version finds its audio.
   * Files written after `sparedSince` (ms since the epoch) stay: one saved by an upload whose draft
   * edit has not landed yet is not referenced, but not unwanted either.
   */
  async sweep(keep: ReadonlySet<string>, sparedSince = Infinity): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return 0;
    }
    for (const name of names) {
      const [id, extension] = name.split('.');
      if (extension === 'ogg' && id && keep.has(id)) continue;
      const modifiedAt = await stat(join(this.directory, name)).then((s) => s.mtimeMs, () => 0);
      if (modifiedAt >= sparedSince) continue;
      await rm(join(this.directory, name), { force: true });
      removed++;
    }
    return removed;
  }
}
