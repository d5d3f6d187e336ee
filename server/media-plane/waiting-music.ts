// What callers of each incoming number hear while the phones ring, when the number chose music on
// hold instead of ringback: the hold music itself, or, with a repeated message, a loop rendered
// once when the configuration is applied (media/audio/waiting-loop.ts) and shared by every caller
// waiting on that number. A number keeps its loop across applies as long as its music, message
// and interval stay the same; until a new loop is ready the previous one (or the plain music) plays.
import type { AudioStore } from '../../data/audio-store.ts';
import type { PbxConfig } from '../../data/schema.ts';
import type { OpusClip } from '../../media/codec/opus-clip.ts';
import { LoopTrack } from '../../media/player/player.ts';
import type { Logger } from '../logger.ts';
import type { HoldMusic } from './hold-music.ts';

export type RenderWaitingLoop = (music: OpusClip, message: OpusClip, repeatAfterSeconds: number) => Promise<OpusClip>;

interface NumberLoop {
  /** Music, message file and interval the loop was made from. */
  recipe: string;
  track: LoopTrack;
}

export class WaitingMusic {
  /** Incoming number id → its rendered loop (numbers with a repeated message only). */
  #loops = new Map<string, NumberLoop>();
  /** Incoming number id → true for music on hold without a message. */
  #plainMusic = new Set<string>();
  #config: PbxConfig | null = null;
  #queue: Promise<void> = Promise.resolve();
  /** How many loops were rendered since start: once per number per change, never per call. */
  rendered = 0;
  #pending = 0;

  constructor(
    private readonly holdMusic: HoldMusic,
    private readonly audio: Pick<AudioStore, 'load'>,
    private readonly render: RenderWaitingLoop,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  /** What a caller of `incomingNumberId` hears while waiting; null: the ringback tone. */
  track(incomingNumberId: string): LoopTrack | null {
    const loop = this.#loops.get(incomingNumberId);
    if (loop) return loop.track;
    return this.#plainMusic.has(incomingNumberId) ? this.holdMusic.track : null;
  }

  /** Loops being rendered now (the status route shows it; tests wait for 0). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Renders the loops `config` needs (those not already made, or made from other music) and
   * forgets the others. Call it once the hold music of `config` is in use: loops are made from it.
   */
  use(config: PbxConfig): Promise<void> {
    this.#config = config;
    this.#pending++;
    this.#queue = this.#queue.then(() => this.#prepare(config)).finally(() => this.#pending--);
    return this.#queue;
  }

  async #prepare(config: PbxConfig): Promise<void> {
    const plain = new Set<string>();
    const loops = new Map<string, NumberLoop>();
    for (const number of config.incomingNumbers) {
      const ringing = number.whileRinging;
      if (ringing.type !== 'music-on-hold') continue;
      const message = ringing.repeatedMessageId ? config.audioMessages.find((m) => m.id === ringing.repeatedMessageId) : undefined;
      if (!message?.fileId) {
        plain.add(number.id);
        continue;
      }
      const recipe = `${this.holdMusic.fileId ?? 'built-in'}|${message.fileId}|${ringing.repeatAfterSeconds}`;
      const existing = this.#loops.get(number.id);
      if (existing?.recipe === recipe) {
        loops.set(number.id, existing);
        continue;
      }
      try {
        const voice = await this.audio.load(message.fileId);
        const clip = await this.render(this.holdMusic.track.clip, voice, ringing.repeatAfterSeconds);
        this.rendered++;
        if (existing) {
          existing.track.switchTo(clip);
          existing.recipe = recipe;
          loops.set(number.id, existing);
        } else {
          loops.set(number.id, { recipe, track: new LoopTrack(clip) });
        }
        this.logger.info({ incomingNumberId: number.id, durationMs: clip.durationMs }, 'waiting music rendered');
      } catch (error) {
        this.logger.warn({ err: error, incomingNumberId: number.id }, 'waiting music could not be rendered: the music plays alone');
        plain.add(number.id);
      }
    }
    if (this.#config !== config) return; // a newer configuration is queued: it decides
    this.#plainMusic = plain;
    this.#loops = loops;
  }
}
