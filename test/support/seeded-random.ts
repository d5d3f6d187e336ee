// Seeded randomness for fault tests: a run prints its seed, and SWITCHBOARD_TEST_SEED=<seed>
// replays the same choices (which drafts, which kill moments).

/** The run's seed: SWITCHBOARD_TEST_SEED when set, otherwise a fresh one. Printed, so a failure can be replayed. */
export function testSeed(): number {
  const seed = Number(process.env.SWITCHBOARD_TEST_SEED ?? Date.now() % 100_000);
  console.log(`  seed ${seed} (SWITCHBOARD_TEST_SEED=${seed} replays this run)`);
  return seed;
}

/** A small linear congruential generator: the same seed gives the same numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

/** Helpers over one generator. */
export class Dice {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** A number in [0, 1). */
  fraction(): number {
    return this.#next();
  }

  /** An integer in [min, max], both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Dice.pick: nothing to pick from');
    return items[Math.floor(this.#next() * items.length)]!;
  }

  /** A copy of `items` in a random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.integer(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
}
