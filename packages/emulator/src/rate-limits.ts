import type { NormalizedRateLimits, RateLimitedOperation } from './options.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number; limit: number };

/**
 * Fixed-window request budgets per resource and operation (the service counts per 30 seconds). Counters live in this
 * process: instances sharing a database each enforce the full budget.
 */
export class RateLimiter {
  readonly #config: NormalizedRateLimits;
  readonly #clock: () => number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(config: NormalizedRateLimits, clock: () => number) {
    this.#config = config;
    this.#clock = clock;
  }

  take(resourceId: string, operation: RateLimitedOperation): RateDecision {
    const now = this.#clock();
    const { windowMs } = this.#config;
    const start = now - (now % windowMs);
    const key = `${resourceId}\u0000${operation}`;
    let window = this.#windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.#windows.set(key, window);
    }
    const limit = this.#config.limits[operation];
    if (window.count >= limit)
      return { allowed: false, retryAfterMs: Math.max(1, start + windowMs - now), limit };
    window.count += 1;
    return { allowed: true };
  }
}
