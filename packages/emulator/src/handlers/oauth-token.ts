/**
 * `POST /entra/{tenantId}/oauth2/v2.0/token`: the local Entra stand-in's OAuth 2.0 token endpoint, as MSAL (and so
 * `@azure/identity`) calls it with `authorityHost` `<endpoint>entra`. Grants: `client_credentials` (an application
 * registered with its client secret gets an app token for `<resource>/.default`) and `password` (a registered user
 * signs in through a registered application and gets a delegated token for the Teams / Teams Extension exchanges or the
 * Entra user exchange). Errors in Entra's OAuth shape (`oauth-errors.ts`).
 */
import type { Handler, Reply, ServiceContext } from '../context.js';
import type { EntraTokenRequest } from '../entra.js';
import {
  type EntraAppRecord,
  type EntraUserRecord,
  findEntraApp,
  findEntraUser,
  secretMatches,
} from '../entra-directory.js';
import { oauthErrors } from '../oauth-errors.js';
import {
  grantedPermissions,
  isDefaultScope,
  parseScopes,
  type RequestedScopes,
  USER_RESOURCES,
  userResourceOf,
} from '../oauth-scopes.js';

/** Lifetime of the endpoint's access and ID tokens, as Entra's default (one hour). */
export const OAUTH_TOKEN_SECONDS = 3600;

type Form = Readonly<Record<string, string | undefined>>;

/** A parameter the request must carry (`invalid_request` AADSTS900144 when absent or empty). */
function required(form: Form, name: string): string {
  const value = form[name];
  if (value === undefined || value === '') throw oauthErrors.parameterMissing(name);
  return value;
}

/** The registered application of `client_id` in the endpoint's tenant (`unauthorized_client` otherwise). */
async function applicationOf(
  ctx: ServiceContext,
  clientId: string,
  tenantId: string,
): Promise<EntraAppRecord> {
  const app = await findEntraApp(ctx.store, tenantId, clientId);
  if (!app) throw oauthErrors.applicationNotFound(clientId, tenantId);
  return app;
}

/** Checks a client secret that was sent (every confidential request; the password grant's when given). */
function checkSecret(app: EntraAppRecord, secret: string | undefined): void {
  if (secret === undefined || secret === '') throw oauthErrors.clientSecretMissing();
  if (!secretMatches(app.secret, secret)) throw oauthErrors.clientSecretInvalid(app.appId);
}

/** The answer of a token request: Entra's fields, never cached. */
function tokenReply(body: Record<string, unknown>): Reply {
  return { status: 200, body, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
}

/** `grant_type=client_credentials`: the application's own token for `<resource>/.default`. */
async function clientCredentials(
  ctx: ServiceContext,
  form: Form,
  tenantId: string,
  scopes: RequestedScopes,
): Promise<Reply> {
  if (!isDefaultScope(scopes) || scopes.oidc.length > 0)
    throw oauthErrors.scopeNotDefault(required(form, 'scope'));
  const app = await applicationOf(ctx, required(form, 'client_id'), tenantId);
  checkSecret(app, form.client_secret);
  const minted = ctx.entra.mint(
    {
      principal: app.servicePrincipalId,
      appId: app.appId,
      tenantId,
      audience: scopes.resource,
      expiresInSeconds: OAUTH_TOKEN_SECONDS,
    },
    ctx.publicEndpoint.url,
    ctx.options.now(),
  );
  return tokenReply({
    token_type: 'Bearer',
    expires_in: OAUTH_TOKEN_SECONDS,
    ext_expires_in: OAUTH_TOKEN_SECONDS,
    access_token: minted.token,
  });
}

/** The registered user of the credentials in the endpoint's tenant (`invalid_grant` otherwise). */
async function signedInUser(ctx: ServiceContext, form: Form, tenantId: string): Promise<EntraUserRecord> {
  const username = required(form, 'username');
  const password = required(form, 'password');
  const user = await findEntraUser(ctx.store, username);
  if (!user || user.tenantId !== tenantId) throw oauthErrors.userNotFound(tenantId);
  if (!secretMatches(user.password, password)) throw oauthErrors.passwordInvalid();
  return user;
}

/** What to mint for a user: a Teams user, Teams Extension user or Entra user token with the granted permissions. */
function userTokenRequest(
  user: EntraUserRecord,
  appId: string,
  scopes: RequestedScopes,
  tenantId: string,
): EntraTokenRequest {
  const resource = userResourceOf(scopes);
  if (!resource) {
    throw oauthErrors.resourceNotFound(
      scopes.resource,
      tenantId,
      USER_RESOURCES.map((r) => r.uri),
    );
  }
  const granted = grantedPermissions(resource, scopes);
  const common = {
    appId,
    tenantId,
    scopes: granted,
    audience: scopes.resource,
    expiresInSeconds: OAUTH_TOKEN_SECONDS,
  };
  if (resource.kind === 'entra-user') return { entraUser: user.objectId, groups: user.groups, ...common };
  const teamsOnly = granted.every((p) => p.startsWith('Teams.'));
  return teamsOnly
    ? { teamsUser: user.objectId, ...common }
    : { teamsExtensionUser: user.objectId, ...common };
}

/**
 * `grant_type=password` (resource owner password credentials): a registered user signs in through a registered
 * application (a public client: its secret is checked only when sent), for one of the end users' resources.
 */
async function password(
  ctx: ServiceContext,
  form: Form,
  tenantId: string,
  scopes: RequestedScopes,
): Promise<Reply> {
  const app = await applicationOf(ctx, required(form, 'client_id'), tenantId);
  if (form.client_secret !== undefined) checkSecret(app, form.client_secret);
  const user = await signedInUser(ctx, form, tenantId);
  const request = userTokenRequest(user, app.appId, scopes, tenantId);
  const now = ctx.options.now();
  const endpoint = ctx.publicEndpoint.url;
  const minted = ctx.entra.mint(request, endpoint, now);
  const granted = (request.scopes ?? []).map((p) => `${scopes.resource}/${p}`);
  const oidc = scopes.oidc.filter((s) => s !== 'offline_access');
  const openid = scopes.oidc.includes('openid');
  return tokenReply({
    token_type: 'Bearer',
    scope: [...granted, ...oidc].join(' '),
    expires_in: OAUTH_TOKEN_SECONDS,
    ext_expires_in: OAUTH_TOKEN_SECONDS,
    access_token: minted.token,
    ...(openid
      ? { id_token: ctx.entra.mintIdToken(user, app.appId, endpoint, now, OAUTH_TOKEN_SECONDS) }
      : {}),
    ...(form.client_info === '1'
      ? {
          client_info: Buffer.from(JSON.stringify({ uid: user.objectId, utid: user.tenantId })).toString(
            'base64url',
          ),
        }
      : {}),
  });
}

const GRANTS: Readonly<
  Record<
    string,
    (ctx: ServiceContext, form: Form, tenantId: string, scopes: RequestedScopes) => Promise<Reply>
  >
> = {
  client_credentials: clientCredentials,
  password,
};

export const entraToken: Handler = async (ctx, request) => {
  const form = request.input as Form;
  const tenantId = (request.params.tenantId ?? '').toLowerCase();
  const grantType = required(form, 'grant_type');
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant) throw oauthErrors.unsupportedGrantType(grantType);
  required(form, 'client_id');
  return grant(ctx, form, tenantId, parseScopes(required(form, 'scope')));
};

/** `GET /entra/{tenantId}/oauth2/v2.0/authorize`: advertised because MSAL requires it; no interactive sign-in. */
export const entraAuthorize: Handler = () => {
  throw oauthErrors.interactiveSignInNotEmulated();
};
