/**
 * What the Teams Extension and the Entra user token exchanges share: the end user named by the verified Entra token,
 * and the answer `{identity: {id}, accessToken: {token, expiresOn}}` with an ACS token that expires with it.
 */
import type { Reply, ServiceContext, ServiceRequest } from '../context.js';
import { isGuid } from '../entra.js';
import { serviceErrors } from '../service-errors.js';
import { issueAccessToken } from './token-issue.js';

/** The end user of a verified Entra token. */
export interface EndUser {
  /** `tid`, lower-cased. */
  tenantId: string;
  /** `oid`, lower-cased. */
  objectId: string;
  /** The calling application: `appid` (v1 tokens) or `azp` (v2), lower-cased; `''` when the token names none. */
  appId: string;
  /** `exp` in seconds. */
  expSec: number;
  claims: Readonly<Record<string, unknown>>;
}

/** The end user whose token the route's authenticator verified; 401 when it names no user (`tid`, `oid`). */
export function endUserOf(request: ServiceRequest): EndUser {
  const claims = request.endUser;
  if (!claims || !isGuid(claims.tid) || !isGuid(claims.oid) || typeof claims.exp !== 'number') {
    throw serviceErrors.invalidAccessToken();
  }
  const app = typeof claims.appid === 'string' ? claims.appid : claims.azp;
  return {
    tenantId: claims.tid.toLowerCase(),
    objectId: claims.oid.toLowerCase(),
    appId: typeof app === 'string' ? app.toLowerCase() : '',
    expSec: Math.floor(claims.exp),
    claims,
  };
}

/**
 * Issues the exchanged token: the identity is recorded (so `GET /identities/{id}` knows it and its
 * `lastTokenIssuedAt`), the token expires when the Entra token does.
 */
export async function exchangeReply(
  ctx: ServiceContext,
  request: ServiceRequest,
  identityId: string,
  scopes: readonly string[],
  user: EndUser,
): Promise<Reply> {
  await ctx.store.ensureIdentity(identityId, ctx.options.now());
  const { token, expiresOn } = await issueAccessToken(ctx, request, {
    identityId,
    scopes,
    expSec: user.expSec,
  });
  return { status: 200, body: { identity: { id: identityId }, accessToken: { token, expiresOn } } };
}
