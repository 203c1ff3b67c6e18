/** Exponential backoff with full jitter; randomness injected so retry timing is testable. */
export interface BackoffOptions {
  minMs?: number;
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly o: BackoffOptions = {}) {}

  /** The delay before the next attempt: uniform in [min, min(max, min·2^attempt)]. */
  next(): number {
    const min = this.o.minMs ?? 200;
    const cap = Math.min(this.o.maxMs ?? 10_000, min * 2 ** this.attempt);
    this.attempt++;
    return min + (cap - min) * (this.o.random ?? Math.random)();
  }

  reset(): void {
    this.attempt = 0;
  }
}
