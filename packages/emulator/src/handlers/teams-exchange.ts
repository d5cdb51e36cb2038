/** `POST /teamsUser/:exchangeAccessToken`: a Teams user's Entra token for an ACS token (reference sections 3 and 5). */
import type { Handler } from '../context.js';
import { isGuid, TEAMS_AUDIENCE_PATTERN, TEAMS_EXCHANGE_SCOPES } from '../entra.js';
import { serviceErrors } from '../service-errors.js';
import { issueAccessToken } from './token-issue.js';

/** Absent, `null` or `""`: ASP.NET's model validation answers "The X field is required." before the operation runs. */
function missing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * Checks, in this order, (0) `appId` and `userId` are given (400 "field is required"); (1) the Entra token: present, a
 * JWT signed by a trusted issuer, not expired, audience `https://auth.msft.communication.azure.com`, delegated scopes
 * `Teams.ManageCalls` and `Teams.ManageChats` (any failure: 401 `InvalidAccessToken`); (2) the format of `appId`, then
 * of `userId` (400); (3) `appId` equals the token's `appid`, then `userId` its `oid` (400). Issues an ACS token for
 * `8:orgid:<oid>` that expires when the Entra token does.
 */
export const exchangeTeamsToken: Handler = async (ctx, request) => {
  const now = ctx.options.now();
  const { token, appId, userId } = request.input;
  if (missing(appId)) throw serviceErrors.fieldRequired('AppId');
  if (missing(userId)) throw serviceErrors.fieldRequired('UserId');
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
  const { token: acsToken, expiresOn } = await issueAccessToken(ctx, request, {
    identityId: `8:orgid:${claims.oid.toLowerCase()}`,
    scopes: ['voip', 'chat'],
    expSec: Math.floor(claims.exp as number), // verified: a number in the future
    record: false, // a Teams user is no identity of the resource
  });
  return { status: 200, body: { token: acsToken, expiresOn } };
};
