/**
 * The authenticate stage of the pipeline: for each {@link AuthKind} an ordered list of authenticators, of which the
 * first that applies to a request decides (as Azurite's). An authenticator resolves with the access key the request's
 * tokens are issued under, or throws the 401/403 to answer.
 */

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { acceptableBearerToken } from './bearer.js';
import type { AuthKind, ServiceContext, ServiceRequest } from './context.js';
import { DATA_PLANE_AUDIENCE_PATTERN } from './entra.js';
import {
  ENTRA_CLIENTS_AUDIENCE_PATTERN,
  ENTRA_PERMISSIONS,
  TEAMS_EXTENSION_AUDIENCE_PATTERN,
  TEAMS_EXTENSION_SCOPE,
} from './entra-user-tokens.js';
import { type AccessKeyName, verifyHmacRequest } from './hmac.js';
import { serviceErrors } from './service-errors.js';

export interface Authenticator {
  readonly name: string;
  /** Whether this authenticator decides the request (the first of its list that applies does). */
  applies(ctx: ServiceContext, request: ServiceRequest): boolean;
  /** The access key whose tokens the request gets; throws the 401/403 to answer. */
  authenticate(ctx: ServiceContext, request: ServiceRequest): Promise<AccessKeyName>;
}

/** Audience of Azure Resource Manager tokens (`https://management.azure.com/.default`, or the classic one). */
const ARM_AUDIENCE = /^https:\/\/management\.(azure\.com|core\.windows\.net)\/*$/i;

const BEARER = /^bearer\s/i;

function authorizationOf(req: IncomingMessage): string {
  return req.headers.authorization ?? '';
}

function bearerToken(authorization: string): string {
  return authorization.replace(/^bearer\s+/i, '').trim();
}

function headerValues(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `bearerTokens: true`: an unverified bearer token for the data plane that has not expired (Azurite's basic mode). */
const basicBearer: Authenticator = {
  name: 'bearer (basic)',
  applies: (ctx, { req }) =>
    ctx.options.bearerTokens &&
    BEARER.test(authorizationOf(req)) &&
    acceptableBearerToken(authorizationOf(req), ctx.options.now(), ctx.options.maxClockSkewMs),
  authenticate: async () => 'primary',
};

/**
 * Entra ID: a token of a trusted issuer for `https://communication.azure.com`, over HTTPS, from a principal granted
 * access to the resource (by object id `oid` or application id `appid`). Tokens are issued under the primary key.
 */
const entraBearer: Authenticator = {
  name: 'bearer (Entra ID)',
  applies: (_ctx, { req }) => BEARER.test(authorizationOf(req)),
  async authenticate(ctx, { req }) {
    if (!ctx.options.tls) throw serviceErrors.deniedBearerNeedsHttps();
    const verdict = await ctx.entra.verify(bearerToken(authorizationOf(req)), {
      audience: DATA_PLANE_AUDIENCE_PATTERN,
      now: ctx.options.now(),
      skewMs: ctx.options.maxClockSkewMs,
    });
    // Like a bad HMAC signature: the same 401 whatever the reason (expired, wrong audience, untrusted issuer...).
    if (!verdict.ok) throw serviceErrors.denied();
    const { oid, appid, azp, sub } = verdict.claims;
    const principal = typeof oid === 'string' ? oid : typeof sub === 'string' ? sub : '';
    const app = typeof appid === 'string' ? appid : typeof azp === 'string' ? azp : undefined;
    const grant =
      (principal ? await ctx.store.getGrant(principal.toLowerCase()) : undefined) ??
      (app ? await ctx.store.getGrant(app.toLowerCase()) : undefined);
    if (!grant) throw serviceErrors.principalWithoutRole((principal || app || 'unknown').slice(0, 60));
    return 'primary';
  },
};

/** An ACS access key: `Authorization: HMAC-SHA256 SignedHeaders=...&Signature=...` (reference section 4). */
const hmac: Authenticator = {
  name: 'HMAC',
  applies: () => true,
  async authenticate(ctx, request) {
    const verdict = verifyHmacRequest(
      {
        method: request.method,
        target: request.req.url ?? '/',
        headers: headerValues(request.req),
        body: request.body,
      },
      await ctx.keyring.hmacKeys(),
      ctx.options.now(),
      ctx.options.maxClockSkewMs,
    );
    if (verdict.ok) return verdict.keyName;
    if (verdict.reason === 'missing-date' || verdict.reason === 'stale-date') {
      throw serviceErrors.deniedStaleDate(ctx.options.maxClockSkewMs);
    }
    throw serviceErrors.denied();
  },
};

/** Azure Resource Manager: an Entra token of a trusted issuer for ARM (any principal manages the one resource). */
const armBearer: Authenticator = {
  name: 'bearer (ARM)',
  applies: () => true,
  async authenticate(ctx, { req }) {
    const authorization = authorizationOf(req);
    if (!/^bearer\s+\S/i.test(authorization)) throw serviceErrors.armAuthorizationMissing();
    const verdict = await ctx.entra.verify(bearerToken(authorization), {
      audience: ARM_AUDIENCE,
      now: ctx.options.now(),
      skewMs: ctx.options.maxClockSkewMs,
    });
    if (!verdict.ok) throw serviceErrors.armTokenInvalid(verdict.reason);
    return 'primary';
  },
};

/** The App Service managed-identity protocol: the `X-IDENTITY-HEADER` secret of emulator.json. */
const identityHeader: Authenticator = {
  name: 'X-IDENTITY-HEADER',
  applies: () => true,
  async authenticate(ctx, { req }) {
    const header = req.headers['x-identity-header'];
    const expected = Buffer.from(ctx.entra.identityHeader);
    const given = Buffer.from(typeof header === 'string' ? header : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw serviceErrors.identityHeaderWrong();
    }
    return 'primary';
  },
};

/**
 * The end user's own Entra token in `Authorization: Bearer`, as the token exchanges of Teams Extension and Entra users
 * take it: signed by a trusted issuer, within its `nbf`/`exp` (an expired token is expired, whatever the skew), for
 * `audience`, with the permissions asked. Any failure is the exchanges' 401 `InvalidAccessToken`; the verified claims
 * are left on the request for the handler.
 */
function endUserBearer(
  name: string,
  expected: { audience: RegExp; requiredScopes?: readonly string[]; anyScopes?: readonly string[] },
): Authenticator {
  return {
    name,
    applies: () => true,
    async authenticate(ctx, request) {
      const authorization = authorizationOf(request.req);
      if (!BEARER.test(authorization)) throw serviceErrors.invalidAccessToken();
      const verdict = await ctx.entra.verify(bearerToken(authorization), {
        ...expected,
        now: ctx.options.now(),
        skewMs: ctx.options.maxClockSkewMs,
        expirySkewMs: 0,
      });
      if (!verdict.ok) throw serviceErrors.invalidAccessToken();
      request.endUser = verdict.claims;
      return 'primary';
    },
  };
}

/** Teams Phone extensibility: a Teams Extension user token (`TeamsExtension.ManageCalls`). */
const teamsExtensionUser = endUserBearer('bearer (Teams Extension user)', {
  audience: TEAMS_EXTENSION_AUDIENCE_PATTERN,
  requiredScopes: [TEAMS_EXTENSION_SCOPE],
});

/** Entra ID users: a token for the Communication Services Clients application with at least one of its permissions. */
const entraUser = endUserBearer('bearer (Entra user)', {
  audience: ENTRA_CLIENTS_AUDIENCE_PATTERN,
  anyScopes: ENTRA_PERMISSIONS,
});

/** The authenticators of each kind of route, in order: the first that applies decides. */
export const AUTHENTICATORS: Readonly<Record<AuthKind, readonly Authenticator[]>> = {
  service: [basicBearer, entraBearer, hmac],
  arm: [armBearer],
  'managed-identity': [identityHeader],
  'teams-extension-user': [teamsExtensionUser],
  'entra-user': [entraUser],
  none: [],
};

/** Runs the first authenticator of `kind` that applies; routes without authentication get the primary key. */
export async function authenticate(
  ctx: ServiceContext,
  request: ServiceRequest,
  kind: AuthKind,
): Promise<AccessKeyName> {
  const authenticator = AUTHENTICATORS[kind].find((a) => a.applies(ctx, request));
  return authenticator ? authenticator.authenticate(ctx, request) : 'primary';
}
