import type { Plugin } from 'graphql-yoga';
import { GatewayError, toGraphQLError } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import type { RateLimiter } from '../rate-limit.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useRateLimit}. */
export interface RateLimitOptions {
  /** The per-caller token buckets. */
  limiter: RateLimiter;
  metrics: GatewayMetrics;
}

/**
 * The per-caller rate limit: after authentication, each operation takes one unit from its caller's bucket (the
 * administrator's key, the end user, or all anonymous callers together); an empty bucket ends the request with
 * `THROTTLED` (HTTP 429, `Retry-After`). Runs after {@link useAuth}, which puts the caller into the context.
 */
export function useRateLimit(options: RateLimitOptions): Plugin<GatewayContext> {
  const { limiter, metrics } = options;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const caller = args.contextValue.caller;
      const decision = limiter.take(caller?.id ?? 'anonymous');
      if (decision.allowed) return;
      metrics.throttled.inc({ role: caller?.role ?? 'anonymous' });
      setResultAndStopExecution({
        errors: [
          toGraphQLError(
            new GatewayError('THROTTLED', 'Too many requests from this caller; wait before trying again.', {
              retryAfterMs: decision.retryAfterMs,
            }),
          ),
        ],
      });
    },
  };
}
