/** Outcome of {@link RateLimiter.take}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A token bucket per caller: `perMinute` requests a minute, bursts up to `perMinute`. In memory, per instance. */
export class RateLimiter {
  readonly #perMinute: number;
  readonly #clock: () => Date;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, clock: () => Date) {
    this.#perMinute = perMinute;
    this.#clock = clock;
  }

  take(key: string): RateDecision {
    if (this.#perMinute <= 0) return { allowed: true };
    const now = this.#clock().getTime();
    const ratePerMs = this.#perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perMinute, at: now };
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + Math.max(0, now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (this.#buckets.size > 100_000) this.#prune(now, ratePerMs);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / ratePerMs) };
  }

  /** Forgets callers whose bucket is full again. */
  #prune(now: number, ratePerMs: number) {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * ratePerMs >= this.#perMinute) this.#buckets.delete(key);
    }
  }
}
