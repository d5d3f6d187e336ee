// One drift-corrected 20 ms clock for every conference room of the thread: each tick mixes every
// room once, so all rooms share one timer and their frames go out together. It runs only while
// some room exists, and times its own ticks (the bench's "mix time per frame").

const FRAME_MS = 20;

export interface Tickable {
  tick(): void;
}

export interface MixerClockStats {
  ticks: number;
  /** Time spent in ticks (all rooms), total and worst, in milliseconds. */
  busyMs: number;
  maxTickMs: number;
  /** Ticks that started more than one frame late (the thread was busy elsewhere). */
  lateTicks: number;
}

export class MixerClock {
  readonly #rooms = new Set<Tickable>();
  #timer: NodeJS.Timeout | undefined;
  #nextTickAt = 0;
  #stats: MixerClockStats = { ticks: 0, busyMs: 0, maxTickMs: 0, lateTicks: 0 };

  add(room: Tickable): void {
    this.#rooms.add(room);
    if (this.#timer) return;
    this.#nextTickAt = performance.now() + FRAME_MS;
    this.#schedule();
  }

  remove(room: Tickable): void {
    this.#rooms.delete(room);
    if (this.#rooms.size === 0 && this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  get rooms(): number {
    return this.#rooms.size;
  }

  /** Figures since the last call (or since the start). */
  takeStats(): MixerClockStats {
    const stats = this.#stats;
    this.#stats = { ticks: 0, busyMs: 0, maxTickMs: 0, lateTicks: 0 };
    return stats;
  }

  close(): void {
    this.#rooms.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    // Aimed at the ideal time of the next tick, not "20 ms from now": timer lateness does not add up.
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#nextTickAt - performance.now()));
  }

  #tick(): void {
    const started = performance.now();
    if (started - this.#nextTickAt > FRAME_MS) this.#stats.lateTicks++;
    // After a long stall, skip ahead rather than bursting the missed frames.
    if (started - this.#nextTickAt > 10 * FRAME_MS) this.#nextTickAt = started;
    this.#nextTickAt += FRAME_MS;
    for (const room of this.#rooms) {
      try {
        room.tick();
      } catch (error) {
        // One broken room must not silence the others.
        process.emitWarning(`conference room tick failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const spent = performance.now() - started;
    this.#stats.ticks++;
    this.#stats.busyMs += spent;
    if (spent > this.#stats.maxTickMs) this.#stats.maxTickMs = spent;
    if (this.#rooms.size > 0) this.#schedule();
    else this.#timer = undefined;
  }
}
