// The audio of production's audio messages, ready to play: read from the AudioStore when a
// configuration is applied (and at start) and kept in memory, so a call never waits on the disk.
// Files are immutable, so a clip is cached by file id and reused across versions. A missing or
// unreadable file is logged and the message plays as having no audio: a call never fails for it.
import type { AudioStore } from '../../data/audio-store.ts';
import type { PbxConfig } from '../../data/schema.ts';
import type { OpusClip } from '../../media/codec/opus-clip.ts';
import type { Logger } from '../logger.ts';

export class AudioMessageClips {
  /** Audio message id → its file id, for the configuration loaded last. */
  #fileOf = new Map<string, string>();
  #clips = new Map<string, OpusClip>();
  /** Loads in order: an older configuration's load never lands after a newer one's. */
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<AudioStore, 'load'>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** Reads the files `config` refers to (those not cached yet) and forgets the others. */
  use(config: PbxConfig): Promise<void> {
    this.#queue = this.#queue.then(() => this.#load(config));
    return this.#queue;
  }

  /** The audio of a message of the configuration in use; null when it has none (yet) or it could not be read. */
  clip(audioMessageId: string): OpusClip | null {
    const fileId = this.#fileOf.get(audioMessageId);
    return fileId ? (this.#clips.get(fileId) ?? null) : null;
  }

  async #load(config: PbxConfig): Promise<void> {
    const fileOf = new Map<string, string>();
    const clips = new Map<string, OpusClip>();
    for (const message of config.audioMessages) {
      if (!message.fileId) continue;
      let clip = clips.get(message.fileId) ?? this.#clips.get(message.fileId);
      if (!clip) {
        try {
          clip = await this.store.load(message.fileId);
        } catch (error) {
          this.logger.warn({ err: error, audioMessageId: message.id, fileId: message.fileId }, 'audio message file unreadable: it plays as no audio');
          continue;
        }
      }
      clips.set(message.fileId, clip);
      fileOf.set(message.id, message.fileId);
    }
    this.#clips = clips;
    this.#fileOf = fileOf;
  }
}
