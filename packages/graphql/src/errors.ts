import { isAcsIdentityError } from '@acs-identity/core';
import { GraphQLError } from 'graphql';

/**
 * The closed set of `extensions.code` values the gateway answers with. Every error a client sees carries one.
 */
export const GATEWAY_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  /** The HTTP request itself is refused (e.g. CSRF prevention). */
  'BAD_REQUEST',
  /** The operation does not fit the schema or a query limit (depth, aliases, cost, introspection). */
  'GRAPHQL_VALIDATION_FAILED',
  /** Startup only: an option or environment variable is wrong. */
  'INVALID_CONFIGURATION',
  'INTERNAL_SERVER_ERROR',
] as const;

/** One of {@link GATEWAY_ERROR_CODES}. */
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** The error that caused this one (kept for logs, never sent to clients). */
  cause?: unknown;
  /** The argument or option at fault, e.g. `expiresInMinutes` or `GATEWAY_OIDC_ISSUER`. */
  field?: string;
  /** For `RATE_LIMITED`: how long the caller should wait before trying again. */
  retryAfterMs?: number;
}

/** The one error class of `@acs-identity/graphql`. Messages never contain secrets. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly field?: string;
  readonly retryAfterMs?: number;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Whether `e` is a {@link GatewayError}. */
export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}

/** Service and core field names translated to the GraphQL argument names. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  expiresinminutes: 'expiresInMinutes',
  scopes: 'scopes',
  userid: 'userId',
  appid: 'appId',
  token: 'aadToken',
  aadtoken: 'aadToken',
  rawid: 'rawId',
  id: 'userId',
};

function fieldName(target: string | undefined): string | undefined {
  if (target === undefined || target === '') return undefined;
  return FIELD_NAMES[target.toLowerCase()] ?? target;
}

/**
 * THE one place where errors of the back end (`@acs-identity/core`'s codes) become gateway codes.
 * Anything unrecognised becomes `INTERNAL_SERVER_ERROR`, whose message is masked before it reaches a client.
 */
export function toGatewayError(e: unknown): GatewayError {
  if (isGatewayError(e)) return e;
  if (e instanceof GraphQLError && e.originalError !== undefined && e.originalError !== null) {
    return toGatewayError(e.originalError);
  }
  if (isAcsIdentityError(e)) {
    const field = fieldName(e.target);
    const withField = field === undefined ? { cause: e } : { cause: e, field };
    switch (e.code) {
      case 'INVALID_INPUT':
        return new GatewayError('BAD_USER_INPUT', e.message, withField);
      case 'IDENTITY_NOT_OWNED':
        return new GatewayError('NOT_FOUND', e.message, { cause: e, field: field ?? 'userId' });
      case 'NOT_FOUND':
        return new GatewayError('NOT_FOUND', e.message, withField);
      case 'THROTTLED':
        return new GatewayError(
          'RATE_LIMITED',
          'The identity service is throttling requests; try again later.',
          {
            cause: e,
            retryAfterMs: e.retryAfterMs ?? 1000,
          },
        );
      case 'UNAUTHENTICATED':
        // The service refused a token the caller passed through (the Teams exchange): the caller's input is at fault.
        if (e.serviceCode === 'InvalidAccessToken') {
          return new GatewayError('BAD_USER_INPUT', e.message, { cause: e, field: 'aadToken' });
        }
        return new GatewayError(
          'UPSTREAM_UNAVAILABLE',
          "The identity service refused the gateway's own credentials; the operator must fix the back-end configuration.",
          { cause: e },
        );
      case 'FORBIDDEN':
      case 'NOT_CONFIGURED':
      case 'SERVICE_UNAVAILABLE':
        return new GatewayError(
          'UPSTREAM_UNAVAILABLE',
          'The identity service is unavailable; try again later.',
          {
            cause: e,
          },
        );
      case 'INVALID_OPTIONS':
        return new GatewayError('INVALID_CONFIGURATION', e.message, withField);
      case 'PORT_IN_USE':
      case 'UNEXPECTED':
        return new GatewayError('INTERNAL_SERVER_ERROR', 'Unexpected error.', { cause: e });
      default: {
        const unknownCode: never = e.code;
        return new GatewayError('INTERNAL_SERVER_ERROR', `Unexpected error (${String(unknownCode)}).`, {
          cause: e,
        });
      }
    }
  }
  return new GatewayError('INTERNAL_SERVER_ERROR', 'Unexpected error.', { cause: e });
}

/** Message clients see instead of the real one for unexpected errors. */
export const MASKED_MESSAGE = 'Unexpected error.';

/**
 * The GraphQL error a client receives for `e`: `extensions.code` always, `extensions.field` when an argument is at
 * fault, `extensions.retryAfter` (seconds) for `RATE_LIMITED`. Unexpected errors are masked.
 */
export function toGraphQLError(e: unknown): GraphQLError {
  const error = toGatewayError(e);
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.field !== undefined) extensions.field = error.field;
  const message = error.code === 'INTERNAL_SERVER_ERROR' ? MASKED_MESSAGE : error.message;
  if (error.code === 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    extensions.retryAfter = seconds;
    extensions.http = { status: 429, headers: { 'retry-after': String(seconds) } };
  }
  if (error.code === 'UNAUTHENTICATED') {
    extensions.http = { status: 401, headers: { 'www-authenticate': 'Bearer' } };
  }
  // No originalError: yoga would mask it, and the cause stays in the gateway's logs only.
  return new GraphQLError(message, { extensions });
}
