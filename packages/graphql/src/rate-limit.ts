/** Outcome of {@link RateLimiter.take}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A token bucket per caller: `perMinute` units a minute, bursts up to `perMinute`. In memory, per instance. `take` charges
 * one unit by default; a caller may charge an operation's cost instead.
 */
export class RateLimiter {
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, now: () => number) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  take(key: string, cost = 1): RateDecision {
    if (this.#perMinute <= 0) return { allowed: true };
    const now = this.#now();
    const ratePerMs = this.#perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perMinute, at: now };
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + Math.max(0, now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (this.#buckets.size > 100_000) this.#prune(now, ratePerMs);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((cost - bucket.tokens) / ratePerMs) };
  }

  /** Forgets callers whose bucket is full again. */
  #prune(now: number, ratePerMs: number) {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * ratePerMs >= this.#perMinute) this.#buckets.delete(key);
    }
  }
}
