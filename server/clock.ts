// The PBX's time, as an injected Clock: the real one, and one the browser tests can set (opening
// hours) so they never sleep until a given hour.
import type { Clock } from './calls/ports.ts';

export const systemClock: Clock = { now: () => new Date() };

/** Runs at real speed from the instant it was last set to; unset, it is the system time. */
export class SettableClock implements Clock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  /** From now on the clock reads `instant` and moves on from there; null goes back to the system time. */
  set(instant: Date | null): void {
    this.#offsetMs = instant === null ? 0 : instant.getTime() - Date.now();
  }

  get isSet(): boolean {
    return this.#offsetMs !== 0;
  }
}
