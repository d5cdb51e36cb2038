import { type DocumentNode, type ExecutionResult, GraphQLError, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type GatewayErrorCode, isGatewayErrorCode } from '../errors.js';
import type { GatewayContext } from '../schema/context.js';

/** Which argument each variable of the document feeds, e.g. `$s` -> `scopes`. */
function variableArguments(document: DocumentNode): Map<string, string> {
  const map = new Map<string, string>();
  visit(document, {
    Argument(node) {
      if (node.value.kind === Kind.VARIABLE) map.set(node.value.name.value, node.name.value);
      else if (node.value.kind === Kind.LIST) {
        for (const item of node.value.values)
          if (item.kind === Kind.VARIABLE) map.set(item.name.value, node.name.value);
      }
    },
  });
  return map;
}

/**
 * Gives every error a code of the gateway's table: variables that do not fit the schema become `BAD_USER_INPUT`
 * naming the argument; other request errors (syntax, validation, armor limits, and yoga's own `GRAPHQL_PARSE_FAILED`
 * and `OPERATION_RESOLUTION_FAILURE`) `GRAPHQL_VALIDATION_FAILED`. yoga's `originalError` extension is reduced to its
 * name: it echoes parts of the request body (e.g. the JSON parser's message).
 */
function withCode(error: GraphQLError, document: DocumentNode | undefined): GraphQLError {
  if (isGatewayErrorCode(error.extensions?.code)) {
    // Kept as is (yoga reads its extensions for the status), but the original error is reduced to its name.
    const original = error.extensions.originalError as { name?: unknown } | undefined;
    if (original !== undefined && original !== null && typeof original === 'object') {
      (error.extensions as Record<string, unknown>).originalError = {
        name: typeof original.name === 'string' ? original.name : 'Error',
        message: error.message,
      };
    }
    return error;
  }
  const { originalError: _dropped, ...extensions }: Record<string, unknown> = { ...error.extensions };
  const variable = /^Variable "\$(\w+)"/.exec(error.message)?.[1];
  if (variable !== undefined) {
    extensions.code = 'BAD_USER_INPUT' satisfies GatewayErrorCode;
    // The document is visited only now, for a failed request: the hot path never pays for it.
    extensions.field =
      (document === undefined ? undefined : variableArguments(document).get(variable)) ?? variable;
  } else {
    extensions.code = 'GRAPHQL_VALIDATION_FAILED' satisfies GatewayErrorCode;
  }
  return new GraphQLError(error.message, {
    ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
    ...(error.path === undefined ? {} : { path: error.path }),
    extensions,
  });
}

/** Every error a client sees carries an `extensions.code` of the gateway's error table. */
export function useErrorCodes(): Plugin<GatewayContext> {
  const documents = new WeakMap<Request, DocumentNode>();
  return {
    onExecute({ args }) {
      documents.set((args.contextValue as { request: Request }).request, args.document);
    },
    onResultProcess({ request, result, setResult }) {
      const fix = (r: ExecutionResult) =>
        r.errors === undefined || r.errors.length === 0
          ? r
          : { ...r, errors: r.errors.map((e) => withCode(e, documents.get(request))) };
      if (Array.isArray(result)) setResult(result.map(fix));
      else if (!(Symbol.asyncIterator in result)) setResult(fix(result as ExecutionResult));
    },
  };
}
