import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError, toGraphQLError } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import type { RateDecision, RateLimiter } from '../rate-limit.js';
import { executedRootFields, fragmentsOf, rootFieldsOf, selectedOperation } from '../root-fields.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useRateLimit}. */
export interface RateLimitOptions {
  /** The per-caller budgets (in memory, or in the database instances share). */
  limiter: RateLimiter;
  metrics: GatewayMetrics;
}

/** The cost of each operation of a document, by operation name (`''` for the only one), remembered per document. */
const costs = new WeakMap<DocumentNode, Map<string, number>>();

/** One unit per root field the operation runs (aliases and fragments included), at least one. */
export function operationCost(document: DocumentNode, operationName: string | null | undefined): number {
  let known = costs.get(document);
  if (known === undefined) {
    known = new Map();
    costs.set(document, known);
  }
  const name = operationName ?? '';
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const operation = selectedOperation(document, operationName);
  const cost =
    operation === undefined
      ? 1
      : Math.max(1, executedRootFields(rootFieldsOf(operation.selectionSet, fragmentsOf(document))).length);
  known.set(name, cost);
  return cost;
}

/**
 * The per-caller rate limit: after authentication, each operation takes one unit per root field it runs from its
 * caller's budget (the administrator's key, the end user, or all anonymous callers together), so ten aliases cost ten.
 * An operation that does not fit ends with `THROTTLED` (HTTP 429, `Retry-After`) and is charged nothing; one that could
 * never fit (more fields than the budget of a minute) ends with `GRAPHQL_VALIDATION_FAILED`. Runs after
 * {@link useAuth}, which puts the caller into the context.
 */
export function useRateLimit(options: RateLimitOptions): Plugin<GatewayContext> {
  const { limiter, metrics } = options;
  const refuse = (role: string, decision: Extract<RateDecision, { allowed: false }>) => {
    metrics.throttled.inc({ role });
    return {
      errors: [
        toGraphQLError(
          new GatewayError('THROTTLED', 'Too many requests from this caller; wait before trying again.', {
            retryAfterMs: decision.retryAfterMs,
          }),
        ),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (limiter.perMinute <= 0) return;
      const caller = args.contextValue.caller;
      const cost = operationCost(args.document, args.operationName);
      if (cost > limiter.perMinute) {
        setResultAndStopExecution({
          errors: [
            toGraphQLError(
              new GatewayError(
                'GRAPHQL_VALIDATION_FAILED',
                `This operation asks for ${cost} root fields, more than the ${limiter.perMinute} a minute this gateway allows each caller: send fewer at once.`,
              ),
            ),
          ],
        });
        return;
      }
      const decision = limiter.take(caller?.id ?? 'anonymous', cost);
      const role = caller?.role ?? 'anonymous';
      if (!(decision instanceof Promise)) {
        if (!decision.allowed) setResultAndStopExecution(refuse(role, decision));
        return;
      }
      return decision.then((d) => {
        if (!d.allowed) setResultAndStopExecution(refuse(role, d));
      });
    },
  };
}
