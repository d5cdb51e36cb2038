/** Outcome of {@link RateLimiter.take}. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Budgets per key: `perMinute` units a minute, bursts up to `perMinute` (a token bucket). `take` charges `cost` units
 * and refuses, charging nothing, when they are not all there. In memory ({@link MemoryRateLimiter}, one instance) or in
 * the PostgreSQL database instances share (`rate-limit-postgres.ts`).
 */
export interface RateLimiter {
  /** Units a minute per key; `0` means no limit. */
  readonly perMinute: number;
  take(key: string, cost?: number): RateDecision | Promise<RateDecision>;
  /** Opens what the first charges would wait for (database connections); never throws. */
  warm?(): Promise<void>;
}

/** The state of one key: the time at which its bucket is full again (GCRA's "theoretical arrival time"). */
export interface Charge {
  allowed: boolean;
  /** The new full-again time when allowed, else the unchanged one. */
  fullAt: number;
  retryAfterMs: number;
}

/**
 * A token bucket kept as one number per key, the time at which the bucket is full again (the generic cell rate
 * algorithm): each unit moves it `60000 / perMinute` ms later, and a charge fits while it stays within a minute of now.
 * The PostgreSQL limiter runs the same arithmetic in one SQL statement.
 */
export function charge(fullAt: number | undefined, now: number, cost: number, perMinute: number): Charge {
  const next = Math.max(fullAt ?? now, now) + (cost * 60_000) / perMinute;
  const over = next - now - 60_000;
  // Within a microsecond counts as fitting: fractions of 60000 / perMinute add up with rounding errors.
  if (over <= 0.001) return { allowed: true, fullAt: next, retryAfterMs: 0 };
  return { allowed: false, fullAt: fullAt ?? now, retryAfterMs: Math.ceil(over) };
}

/** The in-memory limiter of a single instance (the default with the SQLite store). */
export class MemoryRateLimiter implements RateLimiter {
  readonly perMinute: number;
  readonly #now: () => number;
  readonly #fullAt = new Map<string, number>();

  constructor(perMinute: number, now: () => number) {
    this.perMinute = perMinute;
    this.#now = now;
  }

  take(key: string, cost = 1): RateDecision {
    if (this.perMinute <= 0) return { allowed: true };
    const now = this.#now();
    const result = charge(this.#fullAt.get(key), now, cost, this.perMinute);
    if (!result.allowed) return { allowed: false, retryAfterMs: result.retryAfterMs };
    if (this.#fullAt.size > 100_000) this.#prune(now);
    this.#fullAt.set(key, result.fullAt);
    return { allowed: true };
  }

  /** Forgets keys whose bucket is full again. */
  #prune(now: number) {
    for (const [key, fullAt] of this.#fullAt) if (fullAt <= now) this.#fullAt.delete(key);
  }
}
