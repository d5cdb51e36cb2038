import type { Caller } from '../authenticate.js';
import { type GatewayError, ruleOf, toGatewayError, toGraphQLError } from '../errors.js';
import type { FieldGuard, GatewayContext, ResolverServices } from './context.js';
import { ROOT_FIELDS, type RootFieldName } from './operations.js';
import type { AuthorizationPolicy } from './policy.js';

/** A root field's work: its arguments, the authenticated caller and the context. */
export type FieldWork<A, R> = (args: A, caller: Caller, ctx: GatewayContext) => Promise<R> | R;

/**
 * Wraps the work of a root field: a caller is required, the field's access in {@link ROOT_FIELDS} is enforced
 * (administrators only, end users only; the finer rules stay with the work), and every outcome is counted
 * (`acs_gateway_graphql_operations_total{field,code}`), every failure logged at its code's level and leaves as the
 * client's GraphQL error: in one place, from the error table.
 */
export function createGuard(
  services: Pick<ResolverServices, 'logger' | 'metrics'>,
  policy: AuthorizationPolicy,
) {
  const { metrics } = services;
  const fail = failureLogger(services);
  return <A, R>(field: RootFieldName, work: FieldWork<A, R>) =>
    async (_parent: unknown, args: A, ctx: GatewayContext): Promise<R> => {
      try {
        const caller = policy.caller(ctx);
        policy.access(caller, field, ROOT_FIELDS[field]);
        const result = await work(args, caller, ctx);
        metrics.operations.inc({ field, code: 'OK' });
        return result;
      } catch (e) {
        const error = fail(field, ctx, e);
        metrics.operations.inc({ field, code: error.code });
        throw toGraphQLError(error);
      }
    };
}

/**
 * Wraps a field of an object type that calls the back end (an identity's `customId`, `lastTokenIssuedAt`): a failure
 * is logged like a root field's and leaves as the client's GraphQL error (the field is then null), never masked by
 * yoga as an unexpected one.
 */
export function createFieldGuard(services: Pick<ResolverServices, 'logger'>): FieldGuard {
  const fail = failureLogger(services);
  return (field, work) => async (parent, _args, ctx) => {
    try {
      return await work(parent, ctx);
    } catch (e) {
      throw toGraphQLError(fail(field, ctx, e));
    }
  };
}

/** Logs a failure of `field` at its code's level; returns it as a gateway error. */
function failureLogger(services: Pick<ResolverServices, 'logger'>) {
  return (field: string, ctx: GatewayContext, e: unknown): GatewayError => {
    const error = toGatewayError(e);
    services.logger[ruleOf(error.code).level]('operation failed', {
      requestId: ctx.requestId,
      field,
      caller: ctx.caller?.id,
      code: error.code,
      message: error.message,
      cause: error.cause,
    });
    return error;
  };
}
