// The music on hold in force: one LoopTrack for the life of the PBX, whose clip becomes the
// uploaded music when a configuration with it is applied (read once from the AudioStore, shared by
// every listener), and the built-in music again when production goes back to the default. Callers
// on hold at that moment switch with it.
import type { AudioStore } from '../../data/audio-store.ts';
import type { MusicOnHold } from '../../data/schema.ts';
import type { OpusClip } from '../../media/codec/opus-clip.ts';
import { LoopTrack } from '../../media/player/player.ts';
import type { Logger } from '../logger.ts';

export class HoldMusic {
  readonly track: LoopTrack;
  /** The stored file playing now; null for the built-in music. */
  #fileId: string | null = null;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly builtIn: OpusClip,
    private readonly audio: Pick<AudioStore, 'load'>,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {
    this.track = new LoopTrack(builtIn);
  }

  get fileId(): string | null {
    return this.#fileId;
  }

  /** Plays `setting` from now on; settings apply in order. An unreadable file keeps the music playing now. */
  use(setting: MusicOnHold): Promise<void> {
    this.#queue = this.#queue.then(() => this.#switch(setting));
    return this.#queue;
  }

  async #switch(setting: MusicOnHold): Promise<void> {
    const fileId = setting.type === 'upload' ? setting.fileId : null;
    if (fileId === this.#fileId) return;
    let clip = this.builtIn;
    if (fileId) {
      try {
        clip = await this.audio.load(fileId);
        if (clip.frames.length === 0) throw new Error('the file holds no audio');
      } catch (error) {
        this.logger.warn({ err: error, fileId }, 'music on hold file unreadable: the music playing now goes on');
        return;
      }
    }
    this.track.switchTo(clip);
    this.#fileId = fileId;
    this.logger.info({ fileId, durationMs: clip.durationMs }, 'music on hold changed');
  }
}
