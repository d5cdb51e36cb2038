import { type KeyObject, sign } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { Keyring, TokenSigner } from './keyring.js';
import type { IdentityRecord } from './store.js';

/** Claims of an emulator token, in the order the service writes them (reference section 5). */
export interface TokenClaims {
  skypeid: string;
  scp: number;
  csi: string;
  exp: number;
  rgn: string;
  acsScope: string;
  resourceId: string;
  resourceLocation: string;
  iat: number;
}

export interface TokenRequest {
  identityId: string;
  scopes: readonly string[];
  expiresInMinutes: number;
  resourceId: string;
  resourceLocation: string;
  /** Issue instant in seconds; already raised to the identity's revocation second by the caller. */
  iatSec: number;
  /** An explicit `exp` in seconds (Teams exchange: the Entra token's); otherwise `iat + expiresInMinutes*60`. */
  expSec?: number;
}

/** The `scp` value real tokens carry. */
export const TOKEN_SCP = 1792;

/**
 * The `revokedBeforeSec` a revocation at `now` stores: every token with `iat` up to the current second is revoked.
 * Tokens issued later get `iat` of at least this second (see {@link issueInstantSec}), so they stay valid even when
 * issued within the same second as the revocation. A token's `iat` can thus be up to one second in the future.
 */
export function revocationSecond(now: number): number {
  return Math.floor(now / 1000) + 1;
}

/** The `iat` of a token issued now for an identity: never below its revocation second, so it stays valid. */
export function issueInstantSec(now: number, identity: Pick<IdentityRecord, 'revokedBeforeSec'>): number {
  return Math.max(Math.floor(now / 1000), identity.revokedBeforeSec ?? 0);
}

/**
 * Signs a compact RS256 JWS with the pre-imported key. The RSA operation runs on libuv's thread pool (`crypto.sign`
 * with a callback), so the event loop keeps parsing requests and TLS while tokens are being signed.
 */
export async function signToken(
  signer: TokenSigner,
  request: TokenRequest,
): Promise<{ token: string; claims: TokenClaims }> {
  const claims: TokenClaims = {
    skypeid: request.identityId.replace(/^8:/, ''),
    scp: TOKEN_SCP,
    csi: String(request.iatSec),
    exp: request.expSec ?? request.iatSec + request.expiresInMinutes * 60,
    rgn: 'amer',
    acsScope: request.scopes.join(','),
    resourceId: request.resourceId,
    resourceLocation: request.resourceLocation,
    iat: request.iatSec,
  };
  const signingInput = `${signer.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput), signer.privateKey, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
  return { token: `${signingInput}.${signature.toString('base64url')}`, claims };
}

export type TokenVerdictReason =
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'revoked'
  | 'identity-deleted'
  | 'key-rotated';

export interface TokenVerdict {
  valid: boolean;
  reason?: TokenVerdictReason;
  identity?: string;
  expiresOn?: string;
}

export interface DecodedToken {
  header: { alg?: unknown; kid?: unknown };
  claims: Partial<Record<keyof TokenClaims, unknown>>;
}

/**
 * Reads a compact JWS without verifying it (jose's `decodeProtectedHeader` and `decodeJwt`); `undefined` when it is
 * not a JWT with a JSON object header and payload.
 */
export function decodeToken(token: unknown): DecodedToken | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const trimmed = token.trim();
    return {
      header: decodeProtectedHeader(trimmed),
      claims: decodeJwt(trimmed) as DecodedToken['claims'],
    };
  } catch {
    return undefined;
  }
}

/** Whether the token's signature verifies with `key` (jose's `compactVerify`, RS256 only). */
async function signatureVerifies(token: string, key: KeyObject): Promise<boolean> {
  try {
    await compactVerify(token.trim(), key, { algorithms: ['RS256'] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Says whether a token is valid now and, if not, why. Checked in this order: malformed, bad-signature (unknown `kid`,
 * another resource's token, or a signature that does not verify), expired, identity-deleted, key-rotated, revoked.
 */
export async function verifyToken(
  token: unknown,
  keyring: Keyring,
  lookupIdentity: (id: string) => Promise<IdentityRecord | undefined>,
  now: number,
  formatTimestamp: (d: Date) => string,
): Promise<TokenVerdict> {
  const decoded = decodeToken(token);
  const exp = decoded?.claims.exp;
  const iat = decoded?.claims.iat;
  const skypeid = decoded?.claims.skypeid;
  if (!decoded || typeof exp !== 'number' || typeof iat !== 'number' || typeof skypeid !== 'string') {
    return { valid: false, reason: 'malformed' };
  }
  const identity = `8:${skypeid}`;
  const expiresOn = formatTimestamp(new Date(exp * 1000));
  const base = { identity, expiresOn };
  const kid = decoded.header.kid;
  const key =
    decoded.header.alg === 'RS256' && typeof kid === 'string'
      ? await keyring.verificationKey(kid)
      : undefined;
  if (!key || !(await signatureVerifies(token as string, key.publicKey))) {
    return { valid: false, reason: 'bad-signature' };
  }
  if (exp * 1000 <= now) return { valid: false, reason: 'expired', ...base };
  if (identity.startsWith('8:orgid:')) {
    // A Teams user's token from the exchange: no ACS identity record, nothing to revoke or delete.
    if (key.record.retiredAtMs !== null) return { valid: false, reason: 'key-rotated', ...base };
    return { valid: true, ...base };
  }
  const record = await lookupIdentity(identity);
  if (!record || record.deletedAtMs !== null) return { valid: false, reason: 'identity-deleted', ...base };
  if (key.record.retiredAtMs !== null) return { valid: false, reason: 'key-rotated', ...base };
  if (record.revokedBeforeSec !== null && iat < record.revokedBeforeSec)
    return { valid: false, reason: 'revoked', ...base };
  return { valid: true, ...base };
}
