import { AuthFailureBudget } from './auth-failures.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limit.js';
import type { NormalizedOptions } from './settings.js';

/** The gateway's two budgets and how to release them. */
export interface GatewayLimits {
  /** Each caller's root fields a minute. */
  operations: RateLimiter;
  /** Failed authentications a minute per client address and per credential. */
  authFailures: AuthFailureBudget;
  close(): Promise<void>;
}

/** The budgets of `settings`: in this process's memory. */
export async function openLimits(
  settings: Pick<NormalizedOptions, 'rateLimitPerMinute' | 'authFailuresPerMinute' | 'now'>,
): Promise<GatewayLimits> {
  const { now } = settings;
  return {
    operations: new MemoryRateLimiter(settings.rateLimitPerMinute, now),
    authFailures: new AuthFailureBudget(new MemoryRateLimiter(settings.authFailuresPerMinute, now), now),
    close: async () => {},
  };
}
