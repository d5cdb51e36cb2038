import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  API_VERSIONS,
  type ApiVersion,
  apiVersionFeatures,
  formatServiceTimestamp,
  isApiVersion,
  parseIdentifier,
  TOKEN_LIFETIME,
  TOKEN_SCOPES,
  validateTokenLifetime,
} from '@acs-identity/core';
import { type ArmTarget, matchArmPath, serveArm } from './arm.js';
import { acceptableBearerToken } from './bearer.js';
import { DATA_PLANE_AUDIENCE_PATTERN, type EntraIssuer, isGuid } from './entra.js';
import { isEmulatorError, rejectRequest, type ServiceErrorReply } from './errors.js';
import { type AccessKeyName, type HmacKey, verifyHmacRequest } from './hmac.js';
import { readBody, sendJson } from './http.js';
import type { Keyring } from './keyring.js';
import { managedIdentityToken } from './managed-identity.js';
import type { NormalizedOptions, RateLimitedOperation } from './options.js';
import type { RateLimiter } from './rate-limits.js';
import type { IdentityRecord, ResourceRecord, Store } from './store.js';
import { exchangeTeamsToken } from './teams-exchange.js';
import { issueInstantSec, revocationSecond, signToken, verifyToken } from './tokens.js';

/** Paths of the emulator's own (unauthenticated) routes. */
export const EMULATOR_ROUTES = {
  verifyToken: '/emulator/verify-token',
  jwks: '/emulator/jwks.json',
  health: '/emulator/health',
  /** The local Entra issuer's discovery document: `/entra/<tenant>/v2.0/.well-known/openid-configuration`. */
  entraDiscovery: '/entra/{tenantId}/v2.0/.well-known/openid-configuration',
  /** The local Entra issuer's JSON Web Key Set. */
  entraJwks: '/entra/{tenantId}/discovery/v2.0/keys',
  /** The App Service-protocol managed-identity endpoint (`IDENTITY_ENDPOINT`). */
  managedIdentityToken: '/managed-identity/token',
} as const;

export const API_SUPPORTED_VERSIONS = API_VERSIONS.join(', ');

export interface ServiceContext {
  options: NormalizedOptions;
  store: Store;
  keyring: Keyring;
  resource: ResourceRecord;
  limiter: RateLimiter | undefined;
  entra: EntraIssuer;
}

type Operation =
  | 'create'
  | 'delete'
  | 'issue'
  | 'revoke'
  | 'exchangeTeamsToken'
  | 'verifyToken'
  | 'jwks'
  | 'health'
  | 'entraDiscovery'
  | 'entraJwks'
  | 'managedIdentityToken'
  | 'armResource';

interface Route {
  operation: Operation;
  /** Percent-decoded `{id}` path parameter. */
  id?: string;
  /** The tenant of an `/entra/{tenantId}/...` route. */
  tenant?: string;
  /** The resource an ARM route names. */
  arm?: ArmTarget;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DENIED = (): never => {
  throw rejectRequest(401, 'Denied', 'Denied by the resource provider.');
};

function match(method: string, pathname: string): Route {
  const segments = pathname.split('/').slice(1);
  const [first, second, third] = segments;
  const allow = (expected: string, route: Route): Route => {
    if (method !== expected) {
      throw rejectRequest(
        405,
        'MethodNotAllowed',
        `${method} is not supported on ${pathname}; use ${expected}.`,
        undefined,
        {
          allow: expected,
        },
      );
    }
    return route;
  };
  if (first === 'emulator' && segments.length === 2) {
    if (second === 'verify-token') return allow('POST', { operation: 'verifyToken' });
    if (second === 'jwks.json') return allow('GET', { operation: 'jwks' });
    if (second === 'health') return allow('GET', { operation: 'health' });
  }
  if (first === 'entra' && second !== undefined && isGuid(second)) {
    const rest = segments.slice(2).join('/');
    if (rest === 'v2.0/.well-known/openid-configuration')
      return allow('GET', { operation: 'entraDiscovery', tenant: second });
    if (rest === 'discovery/v2.0/keys') return allow('GET', { operation: 'entraJwks', tenant: second });
  }
  if (first?.toLowerCase() === 'subscriptions') {
    const arm = matchArmPath(segments);
    if (arm) {
      if (method !== 'GET' && method !== 'PUT' && method !== 'PATCH') {
        throw rejectRequest(
          405,
          'MethodNotAllowed',
          `${method} is not supported on ${pathname.slice(0, 200)}; use GET, PUT or PATCH.`,
          undefined,
          {
            allow: 'GET, PUT, PATCH',
          },
        );
      }
      return { operation: 'armResource', arm };
    }
  }
  if (first === 'managed-identity' && second === 'token' && segments.length === 2) {
    return allow('GET', { operation: 'managedIdentityToken' });
  }
  if (first === 'identities') {
    if (segments.length === 1) return allow('POST', { operation: 'create' });
    if (second !== undefined && second !== '') {
      let id: string;
      try {
        id = decodeURIComponent(second);
      } catch {
        throw rejectRequest(
          400,
          'ValidationError',
          'The identity id in the path is not valid percent-encoding.',
          'id',
        );
      }
      if (segments.length === 2) return allow('DELETE', { operation: 'delete', id });
      if (segments.length === 3 && third === ':issueAccessToken')
        return allow('POST', { operation: 'issue', id });
      if (segments.length === 3 && third === ':revokeAccessTokens')
        return allow('POST', { operation: 'revoke', id });
    }
  }
  if (first === 'teamsUser' && second === ':exchangeAccessToken' && segments.length === 2) {
    return allow('POST', { operation: 'exchangeTeamsToken' });
  }
  throw rejectRequest(404, 'NotFound', `No ACS Identity route matches ${method} ${pathname.slice(0, 200)}.`);
}

function headerValues(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJsonBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i.test(type)) {
    throw rejectRequest(
      415,
      'UnsupportedMediaType',
      `The request body must be JSON sent with Content-Type: application/json; got ${type ? type.slice(0, 100) : 'no Content-Type'}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw rejectRequest(
      400,
      'ValidationError',
      `The request body is not valid JSON: ${(e as Error).message}`,
    );
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw rejectRequest(400, 'ValidationError', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** The request target split without `new URL()` (hot path): raw path and the `api-version` query value. */
interface RequestTarget {
  pathname: string;
  apiVersion: string | null;
}

function parseTarget(raw: string): RequestTarget {
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const apiVersion = q < 0 ? null : new URLSearchParams(raw.slice(q + 1)).get('api-version');
  return { pathname, apiVersion };
}

function apiVersionOf(url: RequestTarget, pathname: string, ctx: ServiceContext, host: string): ApiVersion {
  const requested = url.apiVersion;
  if (requested === null || requested === '') {
    throw rejectRequest(
      400,
      'ApiVersionUnspecified',
      `An API version is required, but was not specified. Add ?api-version= with one of ${API_SUPPORTED_VERSIONS}.`,
    );
  }
  if (!isApiVersion(requested)) {
    const scheme = ctx.options.tls ? 'https' : 'http';
    throw rejectRequest(
      400,
      'UnsupportedApiVersion',
      `The HTTP resource that matches the request URI '${scheme}://${host}${pathname.slice(0, 200)}' does not support the API version '${requested.slice(0, 40)}'. Supported versions: ${API_SUPPORTED_VERSIONS}.`,
    );
  }
  return requested;
}

const SCOPES_REQUIRED = 'Invalid scopes - Scopes field is required.';

function parseScopesFor(value: unknown, version: ApiVersion, field: string): string[] {
  if (value === undefined || value === null)
    throw rejectRequest(400, 'ValidationError', SCOPES_REQUIRED, 'scopes');
  if (!Array.isArray(value)) {
    throw rejectRequest(
      400,
      'ValidationError',
      `Invalid scopes - ${field} must be an array of strings.`,
      'scopes',
    );
  }
  if (value.length === 0) throw rejectRequest(400, 'ValidationError', SCOPES_REQUIRED, 'scopes');
  const allowed: readonly string[] = apiVersionFeatures(version).scopes;
  const out: string[] = [];
  for (const raw of value) {
    const name = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    const shown = JSON.stringify(raw)?.slice(0, 60) ?? String(raw);
    if (name === undefined || !(TOKEN_SCOPES as readonly string[]).includes(name)) {
      throw rejectRequest(
        400,
        'ValidationError',
        `Invalid scopes - ${shown} is not a valid scope. Valid scopes for api-version ${version}: ${allowed.join(', ')}.`,
        'scopes',
      );
    }
    if (!allowed.includes(name)) {
      throw rejectRequest(
        400,
        'ValidationError',
        `Invalid scopes - scope '${name}' is not available in api-version ${version}; it requires api-version 2023-10-01 or later. Valid scopes for ${version}: ${allowed.join(', ')}.`,
        'scopes',
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

function parseLifetime(value: unknown, version: ApiVersion): number {
  if (value === undefined || value === null) return TOKEN_LIFETIME.defaultMinutes;
  if (!apiVersionFeatures(version).expiresInMinutes) {
    throw rejectRequest(
      400,
      'ValidationError',
      `expiresInMinutes is not supported in api-version ${version}; use api-version 2022-10-01 or later.`,
      'expiresInMinutes',
    );
  }
  try {
    return validateTokenLifetime(value);
  } catch (e) {
    const target = (e as { target?: unknown }).target;
    throw rejectRequest(
      400,
      'ValidationError',
      (e as Error).message,
      typeof target === 'string' ? target : 'ExpiresInMinutes',
    );
  }
}

/** Checks the `{id}` is a communication user of this resource and loads it (live, not deleted). */
async function ownedIdentity(ctx: ServiceContext, id: string): Promise<IdentityRecord> {
  const shown = id.length > 120 ? `${id.slice(0, 120)}...` : id;
  if (parseIdentifier(id).kind !== 'communicationUser') {
    throw rejectRequest(
      400,
      'ValidationError',
      `Identity '${shown}' is not a valid communication user id; expected 8:acs:<resourceId>_<guid>.`,
      'id',
    );
  }
  const prefix = `8:acs:${ctx.resource.resourceId}_`;
  if (!id.startsWith(prefix)) {
    throw rejectRequest(401, 'IdentityNotOwned', "Provided identity doesn't belong to the resource.");
  }
  if (!isGuid(id.slice(prefix.length))) {
    // This resource's ids all end in a GUID (see create): anything else is a mistyped or truncated id, not a
    // missing identity.
    throw rejectRequest(
      400,
      'ValidationError',
      `Identity '${shown}' is not a valid id of this resource; its ids are 8:acs:${ctx.resource.resourceId}_<guid>.`,
      'id',
    );
  }
  const record = await ctx.store.getIdentity(id);
  if (!record) {
    throw rejectRequest(
      404,
      'IdentityNotFound',
      `Identity '${shown}' does not exist in this resource.`,
      'id',
    );
  }
  if (record.deletedAtMs !== null) {
    throw rejectRequest(
      404,
      'IdentityNotFound',
      `Identity '${shown}' was deleted; its tokens are revoked. Create a new identity.`,
      'id',
    );
  }
  return record;
}

async function issue(
  ctx: ServiceContext,
  identity: IdentityRecord,
  scopes: readonly string[],
  minutes: number,
  keyName: AccessKeyName,
): Promise<{ token: string; expiresOn: string }> {
  const signer = await ctx.keyring.signerFor(keyName);
  const { token, claims } = await signToken(signer, {
    identityId: identity.id,
    scopes,
    expiresInMinutes: minutes,
    resourceId: ctx.resource.resourceId,
    resourceLocation: ctx.resource.resourceLocation,
    iatSec: issueInstantSec(ctx.options.clock(), identity),
  });
  return { token, expiresOn: formatServiceTimestamp(new Date(claims.exp * 1000)) };
}

function throttle(ctx: ServiceContext, operation: RateLimitedOperation): void {
  const decision = ctx.limiter?.take(ctx.resource.resourceId, operation);
  if (!decision || decision.allowed) return;
  const seconds = Math.ceil(decision.retryAfterMs / 1000);
  throw rejectRequest(
    429,
    'TooManyRequests',
    `Rate limit exceeded: this resource allows ${decision.limit} ${operation} requests per ${
      (ctx.options.rateLimits ? ctx.options.rateLimits.windowMs : 30_000) / 1000
    } seconds. Retry after ${seconds} seconds.`,
    undefined,
    {
      'retry-after': String(seconds),
      'retry-after-ms': String(decision.retryAfterMs),
      'x-ms-retry-after-ms': String(decision.retryAfterMs),
    },
  );
}

/** The endpoint as this request reached it (scheme + `Host`), with a trailing slash. */
export function requestEndpoint(ctx: ServiceContext, req: IncomingMessage): string {
  const host = req.headers.host;
  const safe = typeof host === 'string' && /^[\w.:[\]-]{1,255}$/.test(host) ? host : '127.0.0.1';
  return `${ctx.options.tls ? 'https' : 'http'}://${safe}/`;
}

/**
 * Entra ID (bearer) authentication: a token of a trusted issuer for `https://communication.azure.com`, over HTTPS,
 * from a principal granted access to the resource (by object id `oid` or application id `appid`). 401 or 403.
 */
async function authenticateBearer(ctx: ServiceContext, authorization: string, now: number): Promise<void> {
  if (!ctx.options.tls) {
    throw rejectRequest(
      401,
      'Denied',
      'Denied by the resource provider. Bearer (Entra ID) authentication needs HTTPS; this emulator serves plain HTTP.',
    );
  }
  const token = authorization.replace(/^bearer\s+/i, '').trim();
  const verdict = await ctx.entra.verify(token, {
    audience: DATA_PLANE_AUDIENCE_PATTERN,
    now,
    skewMs: ctx.options.maxClockSkewMs,
  });
  // Like a bad HMAC signature: the same 401 whatever the reason (expired, wrong audience, untrusted issuer...).
  if (!verdict.ok) return DENIED();
  const { oid, appid, azp, sub } = verdict.claims;
  const principal = typeof oid === 'string' ? oid : typeof sub === 'string' ? sub : '';
  const app = typeof appid === 'string' ? appid : typeof azp === 'string' ? azp : undefined;
  const grant =
    (principal ? await ctx.store.getGrant(principal.toLowerCase()) : undefined) ??
    (app ? await ctx.store.getGrant(app.toLowerCase()) : undefined);
  if (!grant) {
    const shown = (principal || app || 'unknown').slice(0, 60);
    throw rejectRequest(
      403,
      'Forbidden',
      `The principal ${shown} has no role on this Communication Services resource. Grant it access: acs-identity emulator role assign --principal ${shown}`,
    );
  }
}

/** Returns the access key whose tokens the request gets (bearer requests: the primary key's), or throws 401/403. */
async function authenticate(
  ctx: ServiceContext,
  req: IncomingMessage,
  headers: Record<string, string | undefined>,
  body: Buffer,
  keys: readonly HmacKey[],
): Promise<AccessKeyName> {
  const authorization = headers.authorization ?? '';
  const now = ctx.options.clock();
  if (/^bearer\s/i.test(authorization)) {
    // The unsigned basic mode (bearerTokens: true) first; otherwise full verification against trusted issuers.
    if (ctx.options.bearerTokens && acceptableBearerToken(authorization, now, ctx.options.maxClockSkewMs)) {
      return 'primary';
    }
    await authenticateBearer(ctx, authorization, now);
    return 'primary';
  }
  const verdict = verifyHmacRequest(
    { method: req.method ?? 'GET', target: req.url ?? '/', headers, body },
    keys,
    now,
    ctx.options.maxClockSkewMs,
  );
  if (verdict.ok) return verdict.keyName;
  if (verdict.reason === 'missing-date' || verdict.reason === 'stale-date') {
    throw rejectRequest(
      401,
      'Denied',
      `Denied by the resource provider. The x-ms-date header must be within ${Math.round(
        ctx.options.maxClockSkewMs / 60_000,
      )} minutes of the service clock.`,
    );
  }
  return DENIED();
}

async function serve(
  ctx: ServiceContext,
  req: IncomingMessage,
  route: Route,
  url: RequestTarget,
  body: Buffer,
): Promise<Reply> {
  const { operation } = route;
  if (operation === 'health')
    return { status: 200, body: { status: 'ok', resourceId: ctx.resource.resourceId } };
  if (operation === 'jwks')
    return { status: 200, body: await ctx.keyring.jwks(), headers: { 'cache-control': 'no-store' } };
  if (operation === 'entraDiscovery')
    return { status: 200, body: ctx.entra.discovery(requestEndpoint(ctx, req), route.tenant ?? '') };
  if (operation === 'entraJwks')
    return { status: 200, body: ctx.entra.jwks(), headers: { 'cache-control': 'no-store' } };
  if (operation === 'managedIdentityToken') {
    return {
      status: 200,
      body: managedIdentityToken(ctx, req, requestEndpoint(ctx, req)),
      headers: { 'cache-control': 'no-store' },
    };
  }
  if (operation === 'armResource' && route.arm) {
    const input = req.method === 'GET' ? {} : parseJsonBody(req, body);
    const host = new URL(requestEndpoint(ctx, req)).host;
    return serveArm(ctx, req, route.arm, input, url.apiVersion, host);
  }
  if (operation === 'verifyToken') {
    const { token } = parseJsonBody(req, body);
    if (typeof token !== 'string' || token === '') {
      throw rejectRequest(
        400,
        'ValidationError',
        'Send {"token": "<access token>"} to verify a token.',
        'token',
      );
    }
    const verdict = await verifyToken(
      token,
      ctx.keyring,
      (id) => ctx.store.getIdentity(id),
      ctx.options.clock(),
      formatServiceTimestamp,
    );
    return { status: 200, body: verdict, headers: { 'cache-control': 'no-store' } };
  }

  // The ACS Identity API: signed with an access key (or, when enabled, an Entra ID bearer token).
  const headers = headerValues(req);
  const keyName = await authenticate(ctx, req, headers, body, await ctx.keyring.hmacKeys());
  const version = apiVersionOf(url, url.pathname, ctx, headers.host ?? '');
  const features = apiVersionFeatures(version);

  switch (operation) {
    case 'create': {
      const input = parseJsonBody(req, body);
      const wantsToken = input.createTokenWithScopes !== undefined && input.createTokenWithScopes !== null;
      throttle(ctx, wantsToken ? 'createWithToken' : 'create');
      const scopes = wantsToken
        ? parseScopesFor(input.createTokenWithScopes, version, 'createTokenWithScopes')
        : [];
      const minutes = parseLifetime(input.expiresInMinutes, version);
      const id = `8:acs:${ctx.resource.resourceId}_${randomUUID()}`;
      const identity = await ctx.store.createIdentity(id, ctx.options.clock());
      const result: { identity: { id: string }; accessToken?: { token: string; expiresOn: string } } = {
        identity: { id },
      };
      if (wantsToken) result.accessToken = await issue(ctx, identity, scopes, minutes, keyName);
      return { status: 201, body: result };
    }
    case 'issue': {
      throttle(ctx, 'issue');
      const input = parseJsonBody(req, body);
      const scopes = parseScopesFor(input.scopes, version, 'scopes');
      const minutes = parseLifetime(input.expiresInMinutes, version);
      const identity = await ownedIdentity(ctx, route.id ?? '');
      return { status: 200, body: await issue(ctx, identity, scopes, minutes, keyName) };
    }
    case 'revoke': {
      throttle(ctx, 'revoke');
      const identity = await ownedIdentity(ctx, route.id ?? '');
      const revoked = await ctx.store.revokeTokens(identity.id, revocationSecond(ctx.options.clock()));
      if (!revoked) await ownedIdentity(ctx, identity.id); // deleted meanwhile: answer as for a deleted identity
      return { status: 204 };
    }
    case 'delete': {
      throttle(ctx, 'delete');
      const id = route.id ?? '';
      try {
        await ownedIdentity(ctx, id);
      } catch (e) {
        // Deleting twice is idempotent: a deleted identity answers 204 again.
        if (
          !(isEmulatorError(e) && e.reply?.code === 'IdentityNotFound' && (await ctx.store.getIdentity(id)))
        )
          throw e;
      }
      await ctx.store.deleteIdentity(id, ctx.options.clock());
      return { status: 204 };
    }
    case 'exchangeTeamsToken': {
      if (!features.teamsExchange) {
        throw rejectRequest(
          400,
          'UnsupportedApiVersion',
          `The HTTP resource that matches the request URI '${url.pathname}' does not support the API version '${version}'. Teams token exchange needs api-version 2022-06-01 or later.`,
        );
      }
      throttle(ctx, 'exchangeTeamsToken');
      const input = parseJsonBody(req, body);
      return { status: 200, body: await exchangeTeamsToken(ctx, input, keyName) };
    }
    default:
      throw rejectRequest(404, 'NotFound', 'No such route.');
  }
}

function loggedPath(url: RequestTarget): string {
  const version = url.apiVersion;
  return version === null
    ? url.pathname
    : `${url.pathname}?api-version=${encodeURIComponent(version.slice(0, 40))}`;
}

function errorReply(e: unknown, ctx: ServiceContext, requestId: string): Reply & { code: string } {
  let reply: ServiceErrorReply;
  if (isEmulatorError(e) && e.reply) {
    reply = e.reply;
  } else if (isEmulatorError(e) && e.code === 'STORAGE_FAILED') {
    ctx.options.logger({ time: new Date().toISOString(), level: 'error', msg: e.message, requestId });
    reply = {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The emulator could not reach its store; retry shortly.',
    };
  } else {
    ctx.options.logger({
      time: new Date().toISOString(),
      level: 'error',
      msg: `unexpected failure: ${e instanceof Error ? e.message : String(e)}`,
      requestId,
    });
    reply = {
      status: 500,
      code: 'InternalServerError',
      message: 'The emulator failed unexpectedly; see its log.',
    };
  }
  const error: Record<string, string> = { code: reply.code, message: reply.message };
  if (reply.target !== undefined) error.target = reply.target;
  return {
    status: reply.status,
    body: { error },
    headers: { ...(reply.headers ?? {}), 'x-ms-error-code': reply.code },
    code: reply.code,
  };
}

/** The emulator's request listener for `node:http`/`node:https` servers. */
export function createRequestHandler(
  ctx: ServiceContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = parseTarget(req.url ?? '/');
    let operation: string | undefined;
    let errorCode: string | undefined;
    if (ctx.options.logRequests) {
      res.on('finish', () => {
        ctx.options.logger({
          time: new Date(ctx.options.clock()).toISOString(),
          level: res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          msg: 'request',
          method: req.method ?? '',
          path: loggedPath(url),
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          requestId,
          ...(operation === undefined ? {} : { operation }),
          ...(errorCode === undefined ? {} : { errorCode }),
        });
      });
    }
    const common: Record<string, string> = {
      'api-supported-versions': API_SUPPORTED_VERSIONS,
      'x-ms-request-id': requestId,
    };
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string' && clientRequestId.length <= 200) {
      common['x-ms-client-request-id'] = clientRequestId;
    }
    const run = async (): Promise<Reply> => {
      const route = match(req.method ?? 'GET', url.pathname);
      operation = route.operation;
      const body = await readBody(req, ctx.options.maxBodyBytes);
      return serve(ctx, req, route, url, body);
    };
    run().then(
      (reply) => sendJson(res, reply.status, reply.body, { ...common, ...(reply.headers ?? {}) }),
      (e: unknown) => {
        const reply = errorReply(e, ctx, requestId);
        errorCode = reply.code;
        if (reply.status === 413) res.setHeader('connection', 'close');
        sendJson(res, reply.status, reply.body, { ...common, ...(reply.headers ?? {}) });
      },
    );
  };
}
