import { TokenRefresherError } from './errors.js';

/** What a custom token source may return: the token alone (its expiry is read from the JWT), or with times. */
export type TokenResponse =
  | string
  | {
      token: string;
      /** When the token expires. @default the token's `exp` claim */
      expiresOn?: Date | string | number | undefined;
      /** The server's clock when it answered, to correct the local clock's skew. @default no correction */
      serverTime?: Date | string | number | undefined;
    };

/** A custom token source. Honour `signal` (it fires on `dispose()`); throw an error with `status` 401/403 to stop. */
export type FetchToken = (options: { signal: AbortSignal }) => Promise<TokenResponse>;

/** A token as held internally: `exp` is on the server's clock. */
export interface HeldToken {
  token: string;
  exp: number;
  /** Server time when it was fetched (absent when the source gave none). */
  srv?: number | undefined;
}

/**
 * Reads the `exp` claim of a JWT (no verification) as a millisecond timestamp, `NaN` when there is none; throws when
 * the token is not a JWT. Kept here rather than taken from `@acs-identity/core`, whose decoder (with its identifier
 * parsing) would take the bundle past its size budget; `exp` is the only claim the refresher reads.
 */
export function readTokenExpiry(token: string): number {
  const exp = JSON.parse(atob((token.split('.')[1] as string).replace(/-/g, '+').replace(/_/g, '/'))).exp;
  return typeof exp === 'number' ? exp * 1000 : NaN;
}

/** A time as a `Date`, an ISO string or epoch milliseconds. */
type Time = Date | string | number;

/** A time as epoch milliseconds; `NaN` when it is not one. */
const time = (v: Time): number => +new Date(v);

/** Turns what a source returned into a held token; throws `INVALID_RESPONSE` for anything unusable. */
export function toHeldToken(r: TokenResponse): HeldToken {
  const o: { token?: unknown; expiresOn?: Time | undefined; serverTime?: Time | null | undefined } =
    typeof r === 'string' ? { token: r } : (r ?? {});
  const token = o.token;
  let exp = NaN;
  try {
    if (typeof token === 'string' && token) {
      exp = o.expiresOn === undefined ? readTokenExpiry(token) : time(o.expiresOn);
    }
  } catch {}
  const srv = o.serverTime == null ? undefined : time(o.serverTime);
  if (Number.isNaN(exp) || Number.isNaN(srv)) {
    throw new TokenRefresherError(
      'INVALID_RESPONSE',
      'The token source returned no usable token (expected a JWT, or { token, expiresOn }).',
    );
  }
  return { token: token as string, exp, srv };
}
