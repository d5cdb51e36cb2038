import { join, resolve } from 'node:path';
import {
  API_VERSION_FEATURES,
  type ApiVersion,
  EMULATOR_INFO_FILE,
  ENV,
  isAcsIdentityError,
  parseOptionText,
  resolveOptions,
  type TokenScope,
} from '@acs-identity/core';
import type { BackendSource } from './backend.js';
import { GatewayError } from './errors.js';
import type { LogLevel, LogSink } from './logger.js';
import { GATEWAY_OPTIONS, type GatewayOptions, isLoopbackHost, type RateLimitStore } from './options.js';

/** How end users are mapped to their identities, once `auto` is resolved. */
export type IdentityMapping = 'customId' | 'store';

/** The end-user verification settings (already validated). */
export interface OidcSettings {
  issuer: string;
  audience: string[];
  /** Explicit JWKS URL; otherwise discovered from `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string;
  algorithms: string[];
  clockToleranceSeconds: number;
}

/** Options after defaults and validation: what every part of the gateway is built from. */
export interface NormalizedOptions {
  dev: boolean;
  /** Development mode on a host other machines reach, explicitly allowed. */
  devAllowRemote: boolean;
  adminKeys: string[];
  oidc?: OidcSettings;
  teamsUserClaim: string;
  /** How `issueMyToken` finds an end user's identity (`auto` resolved). */
  identityMapping: IdentityMapping;
  userScopes: TokenScope[];
  userMaxExpiresInMinutes: number;
  /** The absolute data folder. */
  dataDir: string;
  store: { kind: 'postgres'; url: string; schema: string } | { kind: 'sqlite'; file: string };
  backend: BackendSource;
  /** The api-version the back end is called at (an `identityClient`'s own when it says). */
  apiVersion: ApiVersion;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  /** Where the rate limits are counted (`database`: the store's PostgreSQL). */
  rateLimitStore: RateLimitStore;
  authFailuresPerMinute: number;
  trustProxyHops: number;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  logLevel: LogLevel;
  logSink: LogSink;
  port: number;
  host: string;
  shutdownTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  now: () => number;
}

type Resolved = ReturnType<typeof resolveOptions<GatewayOptions>>;

function fail(field: string, message: string): never {
  throw new GatewayError('INVALID_OPTIONS', message, { field });
}

/**
 * The options through {@link GATEWAY_OPTIONS}: given value, then its variable, then its default, every value through
 * the same parser. `PORT` stands in for an unset `GATEWAY_PORT`.
 */
function resolveAll(options: GatewayOptions, env: Readonly<Record<string, string | undefined>>): Resolved {
  try {
    const port =
      options.port ??
      (env.GATEWAY_PORT?.trim() || !env.PORT?.trim()
        ? undefined
        : parseOptionText({ ...GATEWAY_OPTIONS.port, env: 'PORT' }, 'port', env.PORT, 'env'));
    return resolveOptions(GATEWAY_OPTIONS, port === undefined ? options : { ...options, port }, env);
  } catch (e) {
    if (isAcsIdentityError(e) && e.code === 'INVALID_OPTIONS') {
      throw new GatewayError('INVALID_OPTIONS', e.message, {
        cause: e,
        ...(e.target ? { field: e.target } : {}),
      });
    }
    throw e;
  }
}

/** End-user verification: all three OpenID settings together, or none. */
function oidcSettings(o: Resolved): OidcSettings | undefined {
  const audience = o.oidcAudience === undefined ? [] : [o.oidcAudience].flat();
  if (o.oidcIssuer === undefined) {
    if (audience.length > 0 || o.oidcJwksUrl !== undefined) {
      fail(
        'GATEWAY_OIDC_ISSUER',
        'GATEWAY_OIDC_ISSUER is required when GATEWAY_OIDC_AUDIENCE or GATEWAY_OIDC_JWKS_URL is set.',
      );
    }
    return undefined;
  }
  if (audience.length === 0) {
    fail(
      'GATEWAY_OIDC_AUDIENCE',
      "GATEWAY_OIDC_AUDIENCE is required with GATEWAY_OIDC_ISSUER: the client id (aud) your app's tokens carry.",
    );
  }
  return {
    issuer: o.oidcIssuer,
    audience,
    algorithms: [...(o.oidcAlgorithms ?? [])],
    clockToleranceSeconds: o.oidcClockToleranceSeconds ?? 0,
    ...(o.oidcJwksUrl === undefined ? {} : { jwksUrl: o.oidcJwksUrl }),
  };
}

/**
 * The back end: a given client, else the connection string, else the endpoint, else (development mode only, checked by
 * the caller) the local emulator.
 */
function backendSource(o: Resolved, dataDir: string): BackendSource {
  const withCa = o.caCertFile === undefined ? {} : { caCertFile: resolve(o.caCertFile) };
  if (o.identityClient !== undefined) return { kind: 'client', client: o.identityClient };
  if (o.connectionString !== undefined) {
    return { kind: 'connectionString', connectionString: o.connectionString, ...withCa };
  }
  if (o.endpoint !== undefined) return { kind: 'endpoint', endpoint: o.endpoint, ...withCa };
  return { kind: 'emulator', dataDir };
}

/** `auto` resolved: custom ids when the back end's api-version has them, else the mapping store. */
function identityMapping(o: Resolved, apiVersion: ApiVersion): IdentityMapping {
  const choice = required(o.identityMapping, 'identityMapping');
  if (choice !== 'auto') return choice;
  return API_VERSION_FEATURES[apiVersion].customId ? 'customId' : 'store';
}

/** The api-version of the back end: an `identityClient`'s own when it has one it may be called at, else the option. */
function backendApiVersion(o: Resolved, backend: BackendSource): ApiVersion {
  const own = backend.kind === 'client' ? backend.client.apiVersion : undefined;
  if (own !== undefined && Object.hasOwn(API_VERSION_FEATURES, own)) return own as ApiVersion;
  return required(o.apiVersion, 'apiVersion');
}

/** The values of `NODE_ENV` development mode accepts (after trimming, any case); unset or empty counts as development. */
const DEVELOPMENT_NODE_ENVS = ['', 'development', 'test'];

/** Development mode only where `NODE_ENV` says development, and only on loopback unless explicitly allowed. */
function checkDevelopmentMode(o: Resolved, env: Readonly<Record<string, string | undefined>>): void {
  const nodeEnv = env.NODE_ENV;
  if (nodeEnv !== undefined && !DEVELOPMENT_NODE_ENVS.includes(nodeEnv.trim().toLowerCase())) {
    const shown = /^[\w.-]{1,40}$/.test(nodeEnv) ? nodeEnv : JSON.stringify(nodeEnv.slice(0, 40));
    fail(
      'dev',
      `Development mode (--dev) is refused when NODE_ENV=${shown}: it lets anyone sign in as anyone, so it needs NODE_ENV unset, development or test.`,
    );
  }
  const host = required(o.host, 'host');
  if (!isLoopbackHost(host) && o.devAllowRemote !== true) {
    fail(
      'devAllowRemote',
      `Development mode on ${host} lets anyone who reaches it sign in as anyone: listen on 127.0.0.1, or add --dev-allow-remote (GATEWAY_DEV_ALLOW_REMOTE=true) if you mean it.`,
    );
  }
}

/** The timeouts of `startGateway`'s connections: a whole request may not take less than its headers. */
function connectionTimeouts(o: Resolved) {
  const headersTimeoutMs = required(o.headersTimeoutMs, 'headersTimeoutMs');
  const requestTimeoutMs = required(o.requestTimeoutMs, 'requestTimeoutMs');
  if (requestTimeoutMs < headersTimeoutMs) {
    fail(
      'requestTimeoutMs',
      `The request timeout (${requestTimeoutMs} ms) is shorter than the headers timeout (${headersTimeoutMs} ms): a whole request includes its headers, so make it at least as long.`,
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: required(o.keepAliveTimeoutMs, 'keepAliveTimeoutMs'),
  };
}

/** A value the table gives a default for; present once resolved. */
function required<T>(value: T | undefined, key: keyof GatewayOptions): T {
  if (value === undefined) throw new Error(`GATEWAY_OPTIONS.${key} has no default.`);
  return value;
}

/**
 * Resolves options and environment into validated settings, once: through {@link GATEWAY_OPTIONS}, then the checks that
 * span several options. Throws a `GatewayError` with code `INVALID_OPTIONS` whose message says what to fix and whose
 * `field` names the option or variable (never echoing a secret).
 */
export function normalizeOptions(options: GatewayOptions = {}): NormalizedOptions {
  const env = options.env ?? process.env;
  const o = resolveAll(options, env);
  const dev = o.dev === true;
  if (dev) checkDevelopmentMode(o, env);
  const adminKeys = [...(o.adminKeys ?? [])];
  const oidc = oidcSettings(o);
  if (!dev && oidc === undefined && adminKeys.length === 0) {
    fail(
      'GATEWAY_OIDC_ISSUER',
      'Nobody could call this gateway: set GATEWAY_OIDC_ISSUER and GATEWAY_OIDC_AUDIENCE for end users, GATEWAY_ADMIN_KEYS for administrators, or start with --dev for local development.',
    );
  }
  const dataDir = resolve(required(o.dataDir, 'dataDir'));
  const backend = backendSource(o, dataDir);
  const apiVersion = backendApiVersion(o, backend);
  const rateLimitStore = o.rateLimitStore ?? (o.databaseUrl === undefined ? 'memory' : 'database');
  if (rateLimitStore === 'database' && o.databaseUrl === undefined) {
    fail(
      'GATEWAY_RATE_LIMIT_STORE',
      'GATEWAY_RATE_LIMIT_STORE=database needs GATEWAY_DATABASE_URL: the limits are counted in that PostgreSQL database.',
    );
  }
  if (!dev && backend.kind === 'emulator') {
    fail(
      ENV.connectionString,
      `No back end is configured: set ${ENV.connectionString} or ${ENV.endpoint} (or give identityClient). Only development mode (--dev) falls back to the local emulator's ${EMULATOR_INFO_FILE}.`,
    );
  }
  return {
    dev,
    devAllowRemote: o.devAllowRemote === true,
    adminKeys,
    ...(oidc === undefined ? {} : { oidc }),
    teamsUserClaim: required(o.teamsUserClaim, 'teamsUserClaim'),
    identityMapping: identityMapping(o, apiVersion),
    userScopes: [...required(o.userScopes, 'userScopes')] as TokenScope[],
    userMaxExpiresInMinutes: required(o.userMaxExpiresInMinutes, 'userMaxExpiresInMinutes'),
    dataDir,
    store:
      o.databaseUrl === undefined
        ? { kind: 'sqlite', file: join(dataDir, 'gateway.db') }
        : { kind: 'postgres', url: o.databaseUrl, schema: required(o.databaseSchema, 'databaseSchema') },
    backend,
    apiVersion,
    corsOrigins: [...(o.corsOrigins ?? [])],
    rateLimitPerMinute: required(o.rateLimitPerMinute, 'rateLimitPerMinute'),
    rateLimitStore,
    authFailuresPerMinute: required(o.authFailuresPerMinute, 'authFailuresPerMinute'),
    trustProxyHops: required(o.trustProxyHops, 'trustProxyHops'),
    maxDepth: required(o.maxDepth, 'maxDepth'),
    maxAliases: required(o.maxAliases, 'maxAliases'),
    maxCost: required(o.maxCost, 'maxCost'),
    logLevel: required(o.logLevel, 'logLevel'),
    logSink: required(o.logSink, 'logSink'),
    port: required(o.port, 'port'),
    host: required(o.host, 'host'),
    shutdownTimeoutMs: required(o.shutdownTimeoutMs, 'shutdownTimeoutMs'),
    ...connectionTimeouts(o),
    maxConnections: required(o.maxConnections, 'maxConnections'),
    now: required(o.now, 'now'),
  };
}
