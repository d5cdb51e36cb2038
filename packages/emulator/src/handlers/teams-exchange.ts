/** `POST /teamsUser/:exchangeAccessToken`: a Teams user's Entra token for an ACS token (reference sections 3 and 5). */
import { formatServiceTimestamp } from '@acs-identity/core';
import type { Handler } from '../context.js';
import { isGuid, TEAMS_AUDIENCE_PATTERN, TEAMS_EXCHANGE_SCOPES } from '../entra.js';
import { serviceErrors } from '../service-errors.js';
import { signToken } from '../tokens.js';

/**
 * Checks, in this order, (1) the Entra token: present, a JWT signed by a trusted issuer, not expired, audience
 * `https://auth.msft.communication.azure.com`, delegated scopes `Teams.ManageCalls` and `Teams.ManageChats` (any
 * failure: 401 `InvalidAccessToken`); (2) the format of `appId`, then of `userId` (400); (3) `appId` equals the token's
 * `appid`, then `userId` its `oid` (400). Issues an ACS token for `8:orgid:<oid>` that expires when the Entra token does.
 */
export const exchangeTeamsToken: Handler = async (ctx, request) => {
  const now = ctx.options.now();
  const { token, appId, userId } = request.input;
  if (typeof token !== 'string' || token.trim() === '') throw serviceErrors.invalidAccessToken();
  const verdict = await ctx.entra.verify(token, {
    audience: TEAMS_AUDIENCE_PATTERN,
    requiredScopes: TEAMS_EXCHANGE_SCOPES,
    now,
    skewMs: ctx.options.maxClockSkewMs,
    expirySkewMs: 0,
  });
  if (!verdict.ok) throw serviceErrors.invalidAccessToken();
  if (!isGuid(appId)) throw serviceErrors.invalidAppIdFormat();
  if (!isGuid(userId)) throw serviceErrors.invalidUserIdFormat();
  const claims = verdict.claims;
  const tokenApp = typeof claims.appid === 'string' ? claims.appid : claims.azp;
  if (typeof tokenApp !== 'string' || tokenApp.toLowerCase() !== appId.toLowerCase()) {
    throw serviceErrors.unexpectedApp();
  }
  if (typeof claims.oid !== 'string' || claims.oid.toLowerCase() !== userId.toLowerCase()) {
    throw serviceErrors.unexpectedUser();
  }
  const exp = claims.exp as number; // verified: a number in the future
  const iatSec = Math.min(Math.floor(now / 1000), exp - 1);
  const signer = await ctx.keyring.signerFor(request.keyName);
  const signed = await signToken(signer, {
    identityId: `8:orgid:${claims.oid.toLowerCase()}`,
    scopes: ['voip', 'chat'],
    expiresInMinutes: 0,
    resourceId: ctx.resource.resourceId,
    resourceLocation: ctx.resource.resourceLocation,
    iatSec,
    expSec: Math.floor(exp),
  });
  return {
    status: 200,
    body: { token: signed.token, expiresOn: formatServiceTimestamp(new Date(signed.claims.exp * 1000)) },
  };
};
