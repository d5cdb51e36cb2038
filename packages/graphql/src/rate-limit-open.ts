import { AuthFailureBudget } from './auth-failures.js';
import { GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import { redactText } from './logger.js';
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

type LimitSettings = Pick<
  NormalizedOptions,
  'rateLimitPerMinute' | 'authFailuresPerMinute' | 'rateLimitStore' | 'store' | 'now'
>;

/**
 * The budgets of `settings`: in this process's memory, or (`rateLimitStore: 'database'`) in the PostgreSQL database
 * the instances share, loaded only then. Throws `UPSTREAM_UNAVAILABLE` when that database cannot be prepared.
 */
export async function openLimits(settings: LimitSettings, logger: Logger): Promise<GatewayLimits> {
  const { now, store } = settings;
  if (settings.rateLimitStore === 'memory' || store.kind !== 'postgres') {
    return {
      operations: new MemoryRateLimiter(settings.rateLimitPerMinute, now),
      authFailures: new AuthFailureBudget(new MemoryRateLimiter(settings.authFailuresPerMinute, now), now),
      close: async () => {},
    };
  }
  const { createPostgresRateLimits } = await import('./rate-limit-postgres.js');
  const shared = createPostgresRateLimits(store.url, store.schema, now, logger);
  try {
    await shared.init();
  } catch (e) {
    await shared.close().catch(() => {});
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `The rate-limit table in PostgreSQL (GATEWAY_DATABASE_URL) could not be prepared: ${redactText((e as Error).message)}`,
      { cause: e },
    );
  }
  return {
    operations: shared.limiter('operations', settings.rateLimitPerMinute),
    authFailures: new AuthFailureBudget(shared.limiter('auth-failures', settings.authFailuresPerMinute), now),
    close: () => shared.close(),
  };
}
