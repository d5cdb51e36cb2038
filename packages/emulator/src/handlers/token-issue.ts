/**
 * Issuing an ACS token, for every route that issues one (create with a token, issue, the token exchanges): the issue
 * instant with the service's sub-second digits, the token, its `expiresOn`, and the identity's `lastTokenIssuedAt`.
 */
import { performance } from 'node:perf_hooks';
import { formatServiceTimestamp } from '@acs-identity/core';
import type { ServiceContext, ServiceRequest } from '../context.js';
import { issueInstantSec, signToken } from '../tokens.js';

/** What an issue answers with. */
export interface IssuedAccessToken {
  token: string;
  /** Service timestamp (seven fractional digits). */
  expiresOn: string;
  /** When it was issued (service timestamp): the identity's `lastTokenIssuedAt` from now on. */
  issuedAt: string;
}

export interface IssueRequest {
  identityId: string;
  scopes: readonly string[];
  /** The identity's revocation second: the token's `iat` is at least this (see `tokens.ts`). */
  revokedBeforeSec?: number | null;
  /** Lifetime in minutes (create and issue), or ... */
  expiresInMinutes?: number;
  /** ... an explicit `exp` in seconds (the exchanges: the Entra token's). */
  expSec?: number;
  /** Record `lastTokenIssuedAt` for the identity. @default true (false for Teams users, which have no identity) */
  record?: boolean;
}

/**
 * The issue instant in epoch milliseconds with a sub-millisecond fraction: the emulator's clock plus the fraction of
 * the monotonic clock, so timestamps carry seven real fractional digits as the service's do.
 */
export function issueInstant(ctx: ServiceContext): number {
  return ctx.options.now() + (performance.now() % 1);
}

/**
 * Signs a token for `identityId` under the request's access key. `exp` is `iat + expiresInMinutes*60` (or `expSec`);
 * `expiresOn` is the exact instant (`exp` plus the issue instant's fraction of a second), as the service writes it, and
 * `lastTokenIssuedAt` the issue instant.
 */
export async function issueAccessToken(
  ctx: ServiceContext,
  request: ServiceRequest,
  r: IssueRequest,
): Promise<IssuedAccessToken> {
  const at = issueInstant(ctx);
  const nowSec = Math.floor(at / 1000);
  const fractionMs = at - nowSec * 1000;
  const iatSec =
    r.expSec === undefined
      ? issueInstantSec(at, { revokedBeforeSec: r.revokedBeforeSec ?? null })
      : Math.min(nowSec, r.expSec - 1);
  const signer = await ctx.keyring.signerFor(request.keyName);
  const { token, claims } = await signToken(signer, {
    identityId: r.identityId,
    scopes: r.scopes,
    expiresInMinutes: r.expiresInMinutes ?? 0,
    resourceId: ctx.resource.resourceId,
    resourceLocation: ctx.resource.resourceLocation,
    iatSec,
    ...(r.expSec === undefined ? {} : { expSec: r.expSec }),
  });
  // An exchanged token expires exactly when the Entra token does (whole seconds).
  const expiresOnMs = r.expSec === undefined ? claims.exp * 1000 + fractionMs : claims.exp * 1000;
  const issuedAt = formatServiceTimestamp(at);
  if (r.record !== false) await ctx.store.recordTokenIssued(r.identityId, issuedAt);
  return { token, expiresOn: formatServiceTimestamp(expiresOnMs), issuedAt };
}
