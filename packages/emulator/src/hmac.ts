import { timingSafeEqual } from 'node:crypto';
import { computeHmacSignature, contentSha256, hmacStringToSign } from '@acs-identity/core/node';

export type AccessKeyName = 'primary' | 'secondary';

export interface HmacKey {
  readonly name: AccessKeyName;
  /** The base64 access key. */
  readonly secret: string;
}

export interface SignedRequest {
  method: string;
  /** The request target exactly as received, e.g. `/identities?api-version=2023-10-01`. */
  target: string;
  /** Lower-case header names; repeated headers already joined. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
}

export type HmacFailure =
  | 'missing-authorization'
  | 'malformed-authorization'
  | 'missing-date'
  | 'stale-date'
  | 'content-hash-mismatch'
  | 'bad-signature';

export type HmacVerdict = { ok: true; keyName: AccessKeyName } | { ok: false; reason: HmacFailure };

/** The one `SignedHeaders` list of the ACS scheme (reference section 4). */
const AUTHORIZATION =
  /^HMAC-SHA256\s+SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=([A-Za-z0-9+/=]+)\s*$/i;

function safeDecode(target: string): string | undefined {
  try {
    return decodeURIComponent(target);
  } catch {
    return undefined;
  }
}

/**
 * The one way to write 32 bytes (an HMAC-SHA256 or a SHA-256) in base64: 43 characters, the last of which leaves its
 * unused bits zero, and one `=`. Node's decoder also accepts other spellings of the same bytes (anything after the
 * padding, missing padding, non-zero unused bits); the service's signatures and hashes have only this one.
 */
const CANONICAL_SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Whether two canonical base64 digests are equal, compared in constant time. */
function sameDigest(given: string, expected: string): boolean {
  const x = Buffer.from(given, 'latin1');
  const y = Buffer.from(expected, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies an ACS HMAC-SHA256 signature the way the service does: the string to sign is rebuilt from the request
 * target as received and the received header values (`host` = the `Host` header). As fallbacks it also accepts a
 * signature over the percent-decoded target (Python's async client), over the host without its port, and over the
 * first `X-Forwarded-Host` (a load balancer that rewrites `Host`). The signature and the body hash must be the canonical
 * base64 of 32 bytes (anything else is refused before any HMAC is computed); the signature is compared in constant time.
 * Returns which access key matched; failures carry a reason for logs only, never for the response. String to sign and HMAC come from `@acs-identity/core`.
 */
export function verifyHmacRequest(
  request: SignedRequest,
  keys: readonly HmacKey[],
  now: number,
  maxSkewMs: number,
): HmacVerdict {
  const authorization = request.headers.authorization;
  if (!authorization) return { ok: false, reason: 'missing-authorization' };
  const signature = AUTHORIZATION.exec(authorization)?.[1];
  if (!signature || !CANONICAL_SHA256_BASE64.test(signature)) {
    return { ok: false, reason: 'malformed-authorization' };
  }
  const date = request.headers['x-ms-date'];
  if (!date) return { ok: false, reason: 'missing-date' };
  const at = Date.parse(date);
  if (Number.isNaN(at) || Math.abs(now - at) > maxSkewMs) return { ok: false, reason: 'stale-date' };
  const contentHash = request.headers['x-ms-content-sha256'];
  if (
    !contentHash ||
    !CANONICAL_SHA256_BASE64.test(contentHash) ||
    !sameDigest(contentHash, contentSha256(request.body))
  ) {
    return { ok: false, reason: 'content-hash-mismatch' };
  }
  const host = request.headers.host ?? '';
  // Behind a load balancer that rewrites Host, the client signed the host it called: X-Forwarded-Host.
  const forwarded = request.headers['x-forwarded-host']?.split(',')[0]?.trim();
  const hosts = [...new Set([host, host.replace(/:\d+$/, ''), ...(forwarded ? [forwarded] : [])])];
  const targets = [request.target];
  const decoded = request.target.includes('%') ? safeDecode(request.target) : undefined;
  if (decoded !== undefined && decoded !== request.target) targets.push(decoded);
  for (const signedHost of hosts) {
    for (const pathAndQuery of targets) {
      const toSign = hmacStringToSign({
        method: request.method,
        pathAndQuery,
        date,
        host: signedHost,
        contentHash,
      });
      for (const key of keys) {
        if (sameDigest(signature, computeHmacSignature(key.secret, toSign)))
          return { ok: true, keyName: key.name };
      }
    }
  }
  return { ok: false, reason: 'bad-signature' };
}
