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
  /**
   * The units a root field takes (the gateway's operations table gives each field's).
   * @default one per root field
   */
  costOf?: (field: string) => number;
}

/** What an operation takes from its caller's budget: its root fields and their units. */
export interface OperationCost {
  /** Root fields it runs (aliases and fragments included). */
  fields: number;
  /** Their units, at least one. */
  units: number;
}

/** The cost of each operation of a document, by operation name (`''` for the only one), remembered per document. */
type CostCache = WeakMap<DocumentNode, Map<string, OperationCost>>;

/** The units of every root field the operation runs (aliases and fragments included), at least one. */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  costOf: (field: string) => number = () => 1,
  costs: CostCache = new WeakMap(),
): OperationCost {
  let known = costs.get(document);
  if (known === undefined) {
    known = new Map();
    costs.set(document, known);
  }
  const name = operationName ?? '';
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const operation = selectedOperation(document, operationName);
  const fields =
    operation === undefined
      ? []
      : executedRootFields(rootFieldsOf(operation.selectionSet, fragmentsOf(document)));
  const cost = {
    fields: fields.length,
    units: Math.max(
      1,
      fields.reduce((sum, field) => sum + costOf(field.name.value), 0),
    ),
  };
  known.set(name, cost);
  return cost;
}

/** Why an operation can never fit: what it asks for against a minute's budget. */
function tooCostly(cost: OperationCost, perMinute: number): string {
  const asked =
    cost.units === cost.fields
      ? `${cost.units} root fields`
      : `${cost.units} units (${cost.fields} root fields)`;
  return `This operation asks for ${asked}, more than the ${perMinute} a minute this gateway allows each caller: send fewer at once.`;
}

/**
 * The per-caller rate limit: after authentication, each operation takes the units of the root fields it runs (`costOf`,
 * one each by default) from its caller's budget (the administrator's key, the end user, or all anonymous callers
 * together), so ten aliases cost ten.
 * An operation that does not fit ends with `THROTTLED` (HTTP 429, `Retry-After`) and is charged nothing; one that could
 * never fit (more fields than the budget of a minute) ends with `GRAPHQL_VALIDATION_FAILED`. Runs after
 * {@link useAuth}, which puts the caller into the context.
 */
export function useRateLimit(options: RateLimitOptions): Plugin<GatewayContext> {
  const { limiter, metrics } = options;
  const costOf = options.costOf ?? (() => 1);
  const costs: CostCache = new WeakMap();
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
      const cost = operationCost(args.document, args.operationName, costOf, costs);
      if (cost.units > limiter.perMinute) {
        setResultAndStopExecution({
          errors: [
            toGraphQLError(new GatewayError('GRAPHQL_VALIDATION_FAILED', tooCostly(cost, limiter.perMinute))),
          ],
        });
        return;
      }
      const decision = limiter.take(caller?.id ?? 'anonymous', cost.units);
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
