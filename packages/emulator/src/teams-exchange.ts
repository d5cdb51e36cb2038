import { formatServiceTimestamp } from '@acs-identity/core';
import { isGuid, TEAMS_AUDIENCE_PATTERN, TEAMS_EXCHANGE_SCOPES } from './entra.js';
import { rejectRequest } from './errors.js';
import type { AccessKeyName } from './hmac.js';
import type { ServiceContext } from './service.js';
import { signToken } from './tokens.js';

const INVALID_TOKEN = 'Provided access token is not valid.';

/**
 * `POST /teamsUser/:exchangeAccessToken`: checks, in this order, (1) the Entra token: present, a JWT signed by a
 * trusted issuer, not expired, audience `https://auth.msft.communication.azure.com`, delegated scopes
 * `Teams.ManageCalls` and `Teams.ManageChats` (any failure: 401 `InvalidAccessToken`); (2) the format of `appId`, then
 * of `userId` (400); (3) `appId` equals the token's `appid`, then `userId` its `oid` (400). Issues an ACS token for
 * `8:orgid:<oid>` that expires when the Entra token does.
 */
export async function exchangeTeamsToken(
  ctx: ServiceContext,
  input: Record<string, unknown>,
  keyName: AccessKeyName,
): Promise<{ token: string; expiresOn: string }> {
  const now = ctx.options.clock();
  const { token, appId, userId } = input;
  if (typeof token !== 'string' || token.trim() === '') {
    throw rejectRequest(401, 'InvalidAccessToken', INVALID_TOKEN);
  }
  const verdict = await ctx.entra.verify(token, {
    audience: TEAMS_AUDIENCE_PATTERN,
    requiredScopes: TEAMS_EXCHANGE_SCOPES,
    now,
    skewMs: ctx.options.maxClockSkewMs,
    expirySkewMs: 0,
  });
  if (!verdict.ok) throw rejectRequest(401, 'InvalidAccessToken', INVALID_TOKEN);
  if (!isGuid(appId)) throw rejectRequest(400, 'ValidationError', 'Provided AppId has invalid format.');
  if (!isGuid(userId)) throw rejectRequest(400, 'ValidationError', 'Provided UserId has invalid format.');
  const claims = verdict.claims;
  const tokenApp = typeof claims.appid === 'string' ? claims.appid : claims.azp;
  if (typeof tokenApp !== 'string' || tokenApp.toLowerCase() !== appId.toLowerCase()) {
    throw rejectRequest(400, 'ValidationError', 'AAD application is not the expected one.', 'appId');
  }
  if (typeof claims.oid !== 'string' || claims.oid.toLowerCase() !== userId.toLowerCase()) {
    throw rejectRequest(400, 'ValidationError', 'Provided AAD token issued for unexpected user.', 'userId');
  }
  const exp = claims.exp as number; // verified: a number in the future
  const iatSec = Math.min(Math.floor(now / 1000), exp - 1);
  const signer = await ctx.keyring.signerFor(keyName);
  const signed = await signToken(signer, {
    identityId: `8:orgid:${claims.oid.toLowerCase()}`,
    scopes: ['voip', 'chat'],
    expiresInMinutes: 0,
    resourceId: ctx.resource.resourceId,
    resourceLocation: ctx.resource.resourceLocation,
    iatSec,
    expSec: Math.floor(exp),
  });
  return { token: signed.token, expiresOn: formatServiceTimestamp(new Date(signed.claims.exp * 1000)) };
}
