import { decodeJwt } from 'jose';

/** Audiences the SDKs ask Entra ID for (`https://communication.azure.com/.default`, Python's `...//.default`). */
const AUDIENCE = /^https:\/\/communication\.azure\.com\/*$/i;

/**
 * The basic bearer check of `bearerTokens: true` (like Azurite's `--oauth basic`): the `Authorization: Bearer`
 * value must be a JWT for the ACS audience that is not expired (and not before `nbf`). Its signature is NOT verified:
 * the emulator cannot reach Entra ID. Meant for exercising Entra/managed-identity code paths locally.
 */
export function acceptableBearerToken(authorization: string, now: number, maxSkewMs: number): boolean {
  const token = authorization.replace(/^bearer\s+/i, '').trim();
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    return false;
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((a) => typeof a === 'string' && AUDIENCE.test(a))) return false;
  const nowSec = now / 1000;
  const skewSec = maxSkewMs / 1000;
  if (typeof claims.exp !== 'number' || claims.exp + skewSec <= nowSec) return false;
  if (typeof claims.nbf === 'number' && claims.nbf - skewSec > nowSec) return false;
  return true;
}
