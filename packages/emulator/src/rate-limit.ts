/**
 * The service's per-resource request budgets (reference section 7): fixed windows per resource and operation, aligned
 * to the epoch. This module holds the budgets, the window arithmetic every counter shares and the counter in this
 * process' memory; the counters shared between processes are `rate-limit-postgres.ts` (instances sharing PostgreSQL)
 * and `rate-limit-cluster.ts` (the workers of a cluster, counted by their primary).
 */

/** The operations the rate limiter counts, each with its own per-window budget. */
export const RATE_LIMITED_OPERATIONS = [
  'create',
  'createWithToken',
  'delete',
  'issue',
  'revoke',
  'exchangeTeamsToken',
] as const;
export type RateLimitedOperation = (typeof RATE_LIMITED_OPERATIONS)[number];

/** Where the budgets are counted: across every process serving the resource, or in each process. */
export const RATE_LIMIT_SCOPES = ['shared', 'process'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

/** Per-resource request budgets per window; omitted operations keep the service's limits. */
export interface RateLimitOptions extends Partial<Record<RateLimitedOperation, number>> {
  /** Length of one fixed window in milliseconds. @default 30000 */
  windowMs?: number;
}

/** The service's limits per 30 seconds (reference section 7). */
export const SERVICE_RATE_LIMITS: Readonly<Record<RateLimitedOperation, number>> = {
  create: 1000,
  createWithToken: 1000,
  delete: 500,
  issue: 1000,
  revoke: 500,
  exchangeTeamsToken: 500,
};

export interface NormalizedRateLimits {
  windowMs: number;
  limits: Record<RateLimitedOperation, number>;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number; limit: number };

/** Counts requests against the budgets; the pipeline's throttle stage asks it once per rate-limited request. */
export interface RateLimiter {
  readonly windowMs: number;
  /** Takes one unit of the operation's budget for the resource, or says how long to wait. */
  take(resourceId: string, operation: RateLimitedOperation): RateDecision | Promise<RateDecision>;
  /** Releases what it holds (connections, timers). */
  close(): Promise<void>;
}

/** The start of the fixed window `now` falls in. */
export function windowStart(now: number, windowMs: number): number {
  return now - (now % windowMs);
}

/** The refusal once the window starting at `start` has used up `limit`: wait until the next window. */
export function refusal(start: number, windowMs: number, now: number, limit: number): RateDecision {
  return { allowed: false, retryAfterMs: Math.max(1, start + windowMs - now), limit };
}

/** Fixed-window request budgets per resource and operation, counted in this process. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #config: NormalizedRateLimits;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(config: NormalizedRateLimits, now: () => number) {
    this.#config = config;
    this.#now = now;
  }

  get windowMs(): number {
    return this.#config.windowMs;
  }

  take(resourceId: string, operation: RateLimitedOperation): RateDecision {
    const now = this.#now();
    const { windowMs } = this.#config;
    const start = windowStart(now, windowMs);
    const key = `${resourceId}\u0000${operation}`;
    let window = this.#windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.#windows.set(key, window);
    }
    const limit = this.#config.limits[operation];
    if (window.count >= limit) return refusal(start, windowMs, now, limit);
    window.count += 1;
    return { allowed: true };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
