import { type DocumentNode, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type AuthFailureBudget, authenticateWithin } from '../auth-failures.js';
import type { Authenticator, Caller } from '../authenticate.js';
import { GatewayError, toGatewayError, toGraphQLError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../metrics.js';
import { requestState } from '../request-state.js';
import { selectedOperation } from '../root-fields.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useAuth}. */
export interface AuthOptions {
  /** Turns the `Authorization` header into a caller. */
  authenticator: Authenticator;
  metrics: GatewayMetrics;
  logger: Logger;
  /**
   * Let anonymous callers run operations that read only `__schema`/`__type`/`__typename` (GraphiQL's schema fetch in
   * development mode); every other field still needs a credential.
   * @default false
   */
  anonymousIntrospection?: boolean;
  /** Failed authentications per client address and per credential; without it, failures are not limited. */
  failures?: AuthFailureBudget;
}

/** Whether the operation reads only `__schema`/`__type`/`__typename` (GraphiQL's schema fetch). */
export function isIntrospectionOnly(document: DocumentNode, operationName: string | undefined): boolean {
  const operation = selectedOperation(document, operationName);
  if (operation === undefined || operation.operation !== 'query') return false;
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && ['__schema', '__type', '__typename'].includes(s.name.value),
  );
}

/**
 * Authentication of every GraphQL operation, before it runs: an admin key or a verified JWT in `Authorization: Bearer`
 * puts the caller into the context (`context.caller`); a bad credential, or none, ends the request with
 * `UNAUTHENTICATED` (HTTP 401) and counts in `acs_gateway_auth_failures_total`. With `failures`, a client or credential
 * that failed too often gets `THROTTLED` (HTTP 429, `Retry-After`) instead, before its credential is checked.
 */
export function useAuth(options: AuthOptions): Plugin<GatewayContext> {
  const { authenticator, metrics, logger } = options;
  const refuse = (error: GatewayError) => {
    metrics.authFailures.inc();
    return { errors: [toGraphQLError(error)] };
  };
  return {
    async onExecute({ args, extendContext, setResultAndStopExecution }) {
      const context = args.contextValue;
      let caller: Caller | undefined;
      try {
        caller = await authenticateWithin(
          authenticator,
          options.failures,
          context.request.headers.get('authorization'),
          requestState(context.request).client,
        );
      } catch (e) {
        const error = toGatewayError(e);
        logger.info('authentication failed', {
          requestId: context.requestId,
          code: error.code,
          message: error.message,
          ...(error.cause instanceof Error ? { reason: error.cause.message } : {}),
        });
        setResultAndStopExecution(refuse(error));
        return;
      }
      if (caller === undefined) {
        const introspection =
          options.anonymousIntrospection === true &&
          isIntrospectionOnly(args.document, args.operationName ?? undefined);
        if (!introspection) {
          setResultAndStopExecution(
            refuse(
              new GatewayError(
                'UNAUTHENTICATED',
                'Sign in first: send "Authorization: Bearer <token or admin key>".',
              ),
            ),
          );
        }
        return;
      }
      requestState(context.request).callerId = caller.id;
      extendContext({ caller });
    },
  };
}
