import type { Caller } from '../authenticate.js';
import { ruleOf, toGatewayError, toGraphQLError } from '../errors.js';
import type { GatewayContext, ResolverServices } from './context.js';
import type { AuthorizationPolicy } from './policy.js';

/** A root field's work: its arguments, the authenticated caller and the context. */
export type FieldWork<A, R> = (args: A, caller: Caller, ctx: GatewayContext) => Promise<R> | R;

/**
 * Wraps the work of a root field: a caller is required, and every outcome is counted
 * (`acs_gateway_graphql_operations_total{field,code}`), every failure logged at its code's level and leaves as the
 * client's GraphQL error: in one place, from the error table.
 */
export function createGuard(
  services: Pick<ResolverServices, 'logger' | 'metrics'>,
  policy: AuthorizationPolicy,
) {
  const { logger, metrics } = services;
  return <A, R>(field: string, work: FieldWork<A, R>) =>
    async (_parent: unknown, args: A, ctx: GatewayContext): Promise<R> => {
      try {
        const result = await work(args, policy.caller(ctx), ctx);
        metrics.operations.inc({ field, code: 'OK' });
        return result;
      } catch (e) {
        const error = toGatewayError(e);
        metrics.operations.inc({ field, code: error.code });
        logger[ruleOf(error.code).level]('operation failed', {
          requestId: ctx.requestId,
          field,
          caller: ctx.caller?.id,
          code: error.code,
          message: error.message,
          cause: error.cause,
        });
        throw toGraphQLError(error);
      }
    };
}
