// Brute-force protection: after too many wrong passwords for one key (an account, an address),
// that key is locked for a while. Kept in memory: a restart forgives, which a PBX can afford.
export interface LoginGuardOptions {
  maxFailures: number;
  lockMs: number;
  now?: () => number;
}

interface Record {
  failures: number;
  lockedUntil: number;
}

export class LoginGuard {
  #records = new Map<string, Record>();
  readonly #now: () => number;

  constructor(private readonly options: LoginGuardOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** The time the key stays locked until, or null if it may try. */
  lockedUntil(key: string): Date | null {
    const record = this.#records.get(key);
    if (!record || record.lockedUntil <= this.#now()) return null;
    return new Date(record.lockedUntil);
  }

  recordFailure(key: string): void {
    const record = this.#records.get(key) ?? { failures: 0, lockedUntil: 0 };
    if (record.lockedUntil !== 0 && record.lockedUntil <= this.#now()) record.failures = 0;
    record.failures += 1;
    if (record.failures >= this.options.maxFailures) record.lockedUntil = this.#now() + this.options.lockMs;
    this.#records.set(key, record);
  }

  recordSuccess(key: string): void {
    this.#records.delete(key);
  }
}
