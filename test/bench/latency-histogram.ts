// Times in 0.05 ms buckets, kept sparse so that the bench's client processes can send theirs to
// the parent and the parent can merge them before taking percentiles.
const BUCKETS_PER_MS = 20;
const LAST_BUCKET = 5000 * BUCKETS_PER_MS;

export class LatencyHistogram {
  #counts = new Map<number, number>();

  record(ms: number): void {
    const bucket = Math.min(LAST_BUCKET, Math.max(0, Math.floor(ms * BUCKETS_PER_MS)));
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
  }

  reset(): void {
    this.#counts.clear();
  }

  buckets(): Record<number, number> {
    return Object.fromEntries(this.#counts);
  }

  merge(buckets: Record<number, number>): void {
    for (const [bucket, count] of Object.entries(buckets)) this.#counts.set(Number(bucket), (this.#counts.get(Number(bucket)) ?? 0) + count);
  }

  get count(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** The upper edge of the bucket holding the p-th percentile, in ms; NaN when empty. */
  percentile(p: number): number {
    const total = this.count;
    if (total === 0) return NaN;
    const rank = Math.ceil((p / 100) * total);
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket)!;
      if (seen >= rank) return (bucket + 1) / BUCKETS_PER_MS;
    }
    return NaN;
  }
}
