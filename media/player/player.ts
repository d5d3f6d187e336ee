// Plays encoded clips to any number of listeners on one drift-corrected 20 ms clock. Clips are
// encoded once; a loop (hold music, ringback) advances once per tick and every listener gets the
// same frame, so 100 listeners cost 100 sends and no encoding. A one-shot clip (a prompt) has its
// own position per listener, still from the shared frames.
import type { OpusClip } from '../codec/opus-clip.ts';

const FRAME_MS = 20;

/** Receives one Opus frame every 20 ms. */
export type FrameSink = (frame: Uint8Array) => void;

/** A clip that plays round and round, listeners joining wherever it is. */
export class LoopTrack {
  position = 0;
  readonly listeners = new Set<FrameSink>();
  #clip: OpusClip;

  constructor(clip: OpusClip) {
    if (clip.frames.length === 0) throw new Error('LoopTrack: empty clip');
    this.#clip = clip;
  }

  get clip(): OpusClip {
    return this.#clip;
  }

  /** Plays another clip from its start, to the listeners already there too (new music applied). */
  switchTo(clip: OpusClip): void {
    if (clip.frames.length === 0) throw new Error('LoopTrack: empty clip');
    this.#clip = clip;
    this.position = 0;
  }
}

export interface Playback {
  /** Resolves when the clip has finished or was stopped. */
  readonly done: Promise<void>;
  stop(): void;
}

interface OneShot {
  clip: OpusClip;
  position: number;
  sink: FrameSink;
  finish: () => void;
}

export class Player {
  readonly #loops = new Set<LoopTrack>();
  readonly #oneShots = new Set<OneShot>();
  #timer: NodeJS.Timeout | undefined;
  #nextTickAt = 0;
  #closed = false;

  /** Starts sending `loop` to `sink`; the returned function stops it. */
  listen(loop: LoopTrack, sink: FrameSink): () => void {
    loop.listeners.add(sink);
    this.#loops.add(loop);
    this.#start();
    return () => {
      loop.listeners.delete(sink);
    };
  }

  /** Plays `clip` once to `sink`, from its start. */
  play(clip: OpusClip, sink: FrameSink): Playback {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const shot: OneShot = { clip, position: 0, sink, finish };
    if (clip.frames.length === 0) {
      finish();
      return { done, stop: () => {} };
    }
    this.#oneShots.add(shot);
    this.#start();
    return {
      done,
      stop: () => {
        if (this.#oneShots.delete(shot)) finish();
      },
    };
  }

  get listenerCount(): number {
    let count = this.#oneShots.size;
    for (const loop of this.#loops) count += loop.listeners.size;
    return count;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const shot of this.#oneShots) shot.finish();
    this.#oneShots.clear();
    this.#loops.clear();
  }

  #start(): void {
    if (this.#timer || this.#closed) return;
    this.#nextTickAt = performance.now();
    this.#schedule();
  }

  #schedule(): void {
    // Aim at the ideal time of the next tick, not "20 ms from now": timer lateness does not add up.
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#nextTickAt - performance.now()));
  }

  #tick(): void {
    this.#timer = undefined;
    const now = performance.now();
    // After a long stall, skip ahead rather than bursting the missed frames.
    if (now - this.#nextTickAt > 10 * FRAME_MS) this.#nextTickAt = now;
    this.#nextTickAt += FRAME_MS;

    for (const loop of this.#loops) {
      if (loop.listeners.size === 0) {
        this.#loops.delete(loop);
        continue;
      }
      const frame = loop.clip.frames[loop.position]!;
      loop.position = (loop.position + 1) % loop.clip.frames.length;
      for (const sink of loop.listeners) sink(frame);
    }
    for (const shot of this.#oneShots) {
      shot.sink(shot.clip.frames[shot.position]!);
      shot.position++;
      if (shot.position >= shot.clip.frames.length) {
        this.#oneShots.delete(shot);
        shot.finish();
      }
    }
    if (this.#loops.size > 0 || this.#oneShots.size > 0) this.#schedule();
  }
}
