/** Every code a {@link TokenRefresherError} can carry (the closed table; only its type is exported). */
const CODES = [
  /** The options passed to `createTokenRefresher` are wrong; the message says which one. */
  'INVALID_OPTIONS',
  /** The token service answered 401 (or GraphQL `UNAUTHENTICATED`): the app must sign the user in again. Fatal. */
  'UNAUTHENTICATED',
  /** The token service answered 403 (or GraphQL `FORBIDDEN`). Fatal. */
  'FORBIDDEN',
  /** The token service rejected the request itself (GraphQL `BAD_USER_INPUT`, e.g. a scope it does not allow). Fatal. */
  'INVALID_REQUEST',
  /** The token service could not be reached or failed; retried with backoff. */
  'SERVICE_UNAVAILABLE',
  /** The token service answered something that is not a usable token; retried with backoff. */
  'INVALID_RESPONSE',
  /** `getToken` or `refresh` was called after `dispose()`, or `dispose()` ended a pending call. */
  'DISPOSED',
  /** The caller's abort signal fired (used when the signal carries no reason of its own). */
  'ABORTED',
] as const;

export type TokenRefresherErrorCode = (typeof CODES)[number];

export interface TokenRefresherErrorOptions {
  cause?: unknown;
  /** HTTP status of the token service's answer, when there was one. */
  status?: number | undefined;
  /** How long the token service asked us to wait (429 `Retry-After`). */
  retryAfterMs?: number | undefined;
}

/** The one error class of this package. Messages never contain tokens or authorization headers. */
export class TokenRefresherError extends Error {
  override readonly name = 'TokenRefresherError';
  // `declare`: assigned in the constructor only, so the bundle carries no class field declarations.
  declare readonly code: TokenRefresherErrorCode;
  declare readonly status: number | undefined;
  declare readonly retryAfterMs: number | undefined;

  constructor(code: TokenRefresherErrorCode, message: string, options: TokenRefresherErrorOptions = {}) {
    super(message, options);
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * What ends refreshing (fatal): HTTP statuses and GraphQL/`@acs-identity/core` error codes, mapped to our codes. Anything
 * else is transient and retried.
 */
export const FATAL: Record<string, TokenRefresherErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'INVALID_REQUEST',
};

export function isTokenRefresherError(e: unknown): e is TokenRefresherError {
  return e instanceof TokenRefresherError;
}

/**
 * Turns anything a token source threw into a {@link TokenRefresherError}. An error with `status`/`statusCode` 401 or
 * 403, or `code` `UNAUTHENTICATED`/`FORBIDDEN` (as `@acs-identity/core` errors carry) or `BAD_USER_INPUT`, becomes
 * fatal; the rest is `SERVICE_UNAVAILABLE` and is retried.
 */
export function toTokenRefresherError(e: unknown): TokenRefresherError {
  if (isTokenRefresherError(e)) return e;
  const x = (e ?? {}) as { status?: unknown; statusCode?: unknown; code?: unknown; message?: unknown };
  const status = x.status ?? x.statusCode;
  return new TokenRefresherError(
    FATAL[status as string] ?? FATAL[x.code as string] ?? 'SERVICE_UNAVAILABLE',
    `Fetching a token failed: ${x.message ?? e}`,
    { cause: e, status: typeof status === 'number' ? status : undefined },
  );
}
