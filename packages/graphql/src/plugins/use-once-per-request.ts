import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayErrorCode } from '../errors.js';
import { executedRootFields, rootFieldsOf } from '../root-fields.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useOncePerRequest}. */
export interface OncePerRequestOptions {
  /** Root fields an operation may run at most once (under any alias, through any fragment). */
  fields: readonly string[];
}

/**
 * Refuses, as a validation error (`GRAPHQL_VALIDATION_FAILED`, before anything runs), an operation that runs one of
 * `fields` more than once: the gateway lists `issueMyToken`, so that one request takes at most one token from the
 * resource's issue budget, however many aliases or fragments it holds. graphql-yoga caches validation per document.
 */
export function useOncePerRequest(options: OncePerRequestOptions): Plugin<GatewayContext> {
  const listed = new Set(options.fields);
  const rule: ValidationRule = (context) => ({
    OperationDefinition(operation) {
      const fields = executedRootFields(
        rootFieldsOf(operation.selectionSet, (name) => context.getFragment(name) ?? undefined),
      );
      for (const name of listed) {
        const uses = fields.filter((f) => f.name.value === name);
        if (uses.length > 1) {
          context.reportError(
            new GraphQLError(
              `At most one ${name} per request: each one takes from a budget shared with everyone else. Send one request per ${name}.`,
              { nodes: uses, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' satisfies GatewayErrorCode } },
            ),
          );
        }
      }
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}
