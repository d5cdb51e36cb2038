/**
 * Reading ACS access tokens without verifying them, and the service's timestamp format (reference sections 1, 5).
 *
 * Isomorphic: no Node built-ins; base64url is decoded with `atob`.
 */
import { AcsIdentityError } from './errors.js';

/** What {@link decodeAccessToken} reads from a token. Nothing here is verified. */
export interface DecodedAccessToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The `exp` instant. */
  expiresOn: Date;
  /** The `exp` instant in milliseconds since the epoch (what `AccessToken.expiresOnTimestamp` holds). */
  expiresOnTimestamp: number;
  /** The `iat` instant, when present. */
  issuedAt?: Date;
  /** `acsScope` split on commas, when present. */
  scopes?: string[];
  /** `8:` + `skypeid`, when present. */
  rawId?: string;
}

function notAJwt(detail: string): AcsIdentityError {
  return new AcsIdentityError('INVALID_INPUT', `The access token is not a JWT: ${detail}.`, {
    target: 'token',
  });
}

function decodeSegment(segment: string, name: string): Record<string, unknown> {
  let json: unknown;
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw notAJwt(`its ${name} is not base64url-encoded JSON`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw notAJwt(`its ${name} is not a JSON object`);
  return json as Record<string, unknown>;
}

/**
 * Decodes an access token's header and claims without verifying the signature. Throws `INVALID_INPUT` when the input
 * is not a compact JWS or has no numeric `exp`. The token never appears in the error.
 */
export function decodeAccessToken(token: string): DecodedAccessToken {
  if (typeof token !== 'string') throw notAJwt('expected a string');
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1])
    throw notAJwt('expected three base64url parts separated by dots');
  const header = decodeSegment(parts[0], 'header');
  const claims = decodeSegment(parts[1], 'payload');
  const { exp, iat, acsScope, skypeid } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new AcsIdentityError('INVALID_INPUT', 'The access token has no numeric "exp" claim.', {
      target: 'token',
    });
  }
  const expiresOnTimestamp = exp * 1000;
  if (Number.isNaN(new Date(expiresOnTimestamp).getTime())) {
    throw new AcsIdentityError('INVALID_INPUT', 'The access token\'s "exp" claim is not a valid time.', {
      target: 'token',
    });
  }
  const out: DecodedAccessToken = {
    header,
    claims,
    expiresOn: new Date(expiresOnTimestamp),
    expiresOnTimestamp,
  };
  if (typeof iat === 'number') out.issuedAt = new Date(iat * 1000);
  if (typeof acsScope === 'string') out.scopes = acsScope.split(',').filter(Boolean);
  if (typeof skypeid === 'string') out.rawId = `8:${skypeid}`;
  return out;
}

/**
 * Formats an instant like the service: `2023-10-19T15:34:21.7982808+00:00` (seven fractional digits, `+00:00`). A
 * `Date` has milliseconds only (`.7980000`); epoch milliseconds as a number keep their fraction down to 100 ns, the
 * service's resolution (`1697729661798.25` gives `.7982500`).
 */
export function formatServiceTimestamp(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const whole = Math.floor(ms);
  const ticks = Math.min(9999, Math.round((ms - whole) * 10_000));
  const iso = new Date(whole).toISOString();
  return `${iso.slice(0, -1)}${String(ticks).padStart(4, '0')}+00:00`;
}
