import { isAbsolute, join, resolve } from 'node:path';
import { parseScopes, TOKEN_LIFETIME, TOKEN_SCOPES, type TokenScope } from '@acs-identity/core';
import type { OidcSettings } from './auth.js';
import type { IdentityBackend } from './backend.js';
import { GatewayError } from './errors.js';
import type { LogLevel, LogSink } from './logger.js';
import { jsonLinesSink } from './logger.js';

/**
 * Options of {@link createGateway} and {@link startGateway}. Every option falls back to an environment variable
 * (named in its description) and then to its default; options given here win over the environment.
 */
export interface GatewayOptions {
  /**
   * Where the `GATEWAY_*` and `AZURE_COMMUNICATION_*` variables are read from. Pass `{}` to ignore the environment.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Development mode (`--dev`, `GATEWAY_DEV=true`): the built-in sign-in `POST /dev/sign-in`, GraphiQL,
   * introspection and CORS for loopback origins. Refused when `NODE_ENV=production`.
   * @default false
   */
  dev?: boolean;
  /**
   * Administrator keys (`GATEWAY_ADMIN_KEYS`, comma-separated), each at least 32 characters. Callers sending
   * `Authorization: Bearer <key>` may call every operation.
   * @default []
   */
  adminKeys?: readonly string[];
  /** OpenID issuer of end-user tokens (`GATEWAY_OIDC_ISSUER`), compared with the `iss` claim exactly. */
  oidcIssuer?: string;
  /** Accepted `aud` values of end-user tokens (`GATEWAY_OIDC_AUDIENCE`, comma-separated). Required with an issuer. */
  oidcAudience?: string | readonly string[];
  /**
   * JWKS URL of the issuer (`GATEWAY_OIDC_JWKS_URL`).
   * @default discovered from `<issuer>/.well-known/openid-configuration`
   */
  oidcJwksUrl?: string;
  /**
   * Accepted JWS algorithms (`GATEWAY_OIDC_ALGORITHMS`, comma-separated). `none` is never accepted.
   * @default ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
   */
  oidcAlgorithms?: readonly string[];
  /**
   * Clock skew allowed when checking `exp`/`nbf` (`GATEWAY_OIDC_CLOCK_TOLERANCE_SECONDS`).
   * @default 60
   */
  oidcClockToleranceSeconds?: number;
  /**
   * Claim of the end user's token holding their Entra object id; `exchangeTeamsToken` requires `userId` to equal it
   * (`GATEWAY_TEAMS_USER_CLAIM`).
   * @default 'oid'
   */
  teamsUserClaim?: string;
  /**
   * Scopes end users may ask for (`GATEWAY_USER_SCOPES`, comma-separated, `chat` or `CHAT` style).
   * @default every scope
   */
  userScopes?: readonly string[];
  /**
   * Longest token lifetime end users may ask for, 60..1440 (`GATEWAY_USER_MAX_EXPIRES_IN_MINUTES`); also their
   * default lifetime.
   * @default 1440
   */
  userMaxExpiresInMinutes?: number;
  /**
   * PostgreSQL URL of the mapping store (`GATEWAY_DATABASE_URL`), for several instances sharing one database.
   * @default the SQLite file `<dataDir>/gateway.db`
   */
  databaseUrl?: string;
  /**
   * PostgreSQL schema of the mapping table (`GATEWAY_DATABASE_SCHEMA`); created if missing.
   * @default 'acs_identity_gateway'
   */
  databaseSchema?: string;
  /**
   * Folder of the SQLite mapping store and of the local emulator's `emulator.json` (`GATEWAY_DATA_DIR`).
   * @default '.acs-identity'
   */
  dataDir?: string;
  /** A ready back end, e.g. `createIdentityClient(...)` of `@acs-identity/core/node`. Wins over everything else. */
  identityClient?: IdentityBackend;
  /** ACS connection string (`AZURE_COMMUNICATION_CONNECTION_STRING`). Never logged. */
  connectionString?: string;
  /** ACS endpoint used with Entra ID / managed identity (`AZURE_COMMUNICATION_ENDPOINT`). */
  endpoint?: string;
  /** Extra CA certificate (PEM file) to trust for the back end (`GATEWAY_CA_CERT_FILE`), e.g. the emulator's. */
  caCertFile?: string;
  /**
   * Browser origins allowed by CORS (`GATEWAY_CORS_ORIGINS`, comma-separated; `*` allows any).
   * @default none; in dev mode any http://localhost, http://127.0.0.1 or http://[::1] origin
   */
  corsOrigins?: readonly string[];
  /**
   * GraphQL operations a minute per caller (`GATEWAY_RATE_LIMIT_PER_MINUTE`); 0 turns the limit off. Per instance.
   * @default 120
   */
  rateLimitPerMinute?: number;
  /** Deepest selection allowed (`GATEWAY_MAX_DEPTH`). @default 8 */
  maxDepth?: number;
  /** Most aliases in one operation (`GATEWAY_MAX_ALIASES`). @default 10 */
  maxAliases?: number;
  /** Highest graphql-armor cost of one operation (`GATEWAY_MAX_COST`). @default 1000 */
  maxCost?: number;
  /** Lowest level logged (`GATEWAY_LOG_LEVEL`: debug, info, warn, error). @default 'info' */
  logLevel?: LogLevel;
  /** Receives every log entry, already redacted. @default JSON lines on stdout/stderr */
  logSink?: LogSink;
  /** TCP port for {@link startGateway} (`GATEWAY_PORT`, then `PORT`); 0 picks a free one. @default 4000 */
  port?: number;
  /** Interface for {@link startGateway} (`GATEWAY_HOST`). @default '127.0.0.1' */
  host?: string;
  /** How long shutdown waits for requests in flight (`GATEWAY_SHUTDOWN_TIMEOUT_MS`). @default 10000 */
  shutdownTimeoutMs?: number;
  /** The current time; tests inject one. @default () => new Date() */
  clock?: () => Date;
}

/** Where the identities come from, as resolved by {@link normalizeOptions}. */
export type BackendSource =
  | { kind: 'client'; client: IdentityBackend }
  | { kind: 'connectionString'; connectionString: string; caCertFile?: string }
  | { kind: 'endpoint'; endpoint: string; caCertFile?: string }
  | { kind: 'emulator'; dataDir: string };

/** Options after defaults and validation. */
export interface NormalizedOptions {
  dev: boolean;
  adminKeys: string[];
  oidc?: OidcSettings;
  teamsUserClaim: string;
  userScopes: TokenScope[];
  userMaxExpiresInMinutes: number;
  store: { kind: 'postgres'; url: string; schema: string } | { kind: 'sqlite'; file: string };
  backend: BackendSource;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  logLevel: LogLevel;
  logSink: LogSink;
  port: number;
  host: string;
  shutdownTimeoutMs: number;
  clock: () => Date;
}

const DEFAULT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const MIN_ADMIN_KEY_LENGTH = 32;

function fail(field: string, message: string): never {
  throw new GatewayError('INVALID_CONFIGURATION', message, { field });
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(name: string, value: string | undefined): boolean | undefined {
  const v = text(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return fail(name, `${name} must be true or false, not "${value}".`);
}

function integer(
  name: string,
  value: number | string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    return fail(name, `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`);
  }
  return n;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function httpsUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(name, `${name} must be an absolute URL, e.g. https://login.example.com/, not "${value}".`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return fail(
      name,
      `${name} must use https:// (plain http:// is accepted for loopback hosts only): "${value}".`,
    );
  }
  return value;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Resolves options and environment into validated settings. Throws a `GatewayError` with code
 * `INVALID_CONFIGURATION` whose message says what to fix (and never echoes a secret).
 */
export function normalizeOptions(options: GatewayOptions = {}): NormalizedOptions {
  const env = options.env ?? process.env;

  const dev = options.dev ?? flag('GATEWAY_DEV', env.GATEWAY_DEV) ?? false;
  if (dev && env.NODE_ENV === 'production') {
    fail(
      'dev',
      'Development mode (--dev) is refused when NODE_ENV=production: it lets anyone sign in as anyone.',
    );
  }

  const adminKeys = [...(options.adminKeys ?? list(env.GATEWAY_ADMIN_KEYS) ?? [])];
  adminKeys.forEach((key, index) => {
    if (key.length < MIN_ADMIN_KEY_LENGTH || /\s/.test(key)) {
      fail(
        'GATEWAY_ADMIN_KEYS',
        `Admin key #${index + 1} is too weak: use at least ${MIN_ADMIN_KEY_LENGTH} characters without spaces (e.g. \`openssl rand -base64 32\`).`,
      );
    }
  });

  const issuer = options.oidcIssuer ?? text(env.GATEWAY_OIDC_ISSUER);
  const audienceInput = options.oidcAudience ?? list(env.GATEWAY_OIDC_AUDIENCE);
  const audience =
    audienceInput === undefined
      ? []
      : typeof audienceInput === 'string'
        ? [audienceInput]
        : [...audienceInput];
  const jwksUrl = options.oidcJwksUrl ?? text(env.GATEWAY_OIDC_JWKS_URL);
  let oidc: OidcSettings | undefined;
  if (issuer !== undefined) {
    httpsUrl('GATEWAY_OIDC_ISSUER', issuer);
    if (audience.length === 0) {
      fail(
        'GATEWAY_OIDC_AUDIENCE',
        "GATEWAY_OIDC_AUDIENCE is required with GATEWAY_OIDC_ISSUER: the client id (aud) your app's tokens carry.",
      );
    }
    const algorithms = [
      ...(options.oidcAlgorithms ?? list(env.GATEWAY_OIDC_ALGORITHMS) ?? DEFAULT_ALGORITHMS),
    ];
    if (algorithms.some((a) => a.toLowerCase() === 'none')) {
      fail(
        'GATEWAY_OIDC_ALGORITHMS',
        'GATEWAY_OIDC_ALGORITHMS must not contain "none": unsigned tokens are never accepted.',
      );
    }
    oidc = {
      issuer,
      audience,
      algorithms,
      clockToleranceSeconds:
        integer(
          'GATEWAY_OIDC_CLOCK_TOLERANCE_SECONDS',
          options.oidcClockToleranceSeconds ?? env.GATEWAY_OIDC_CLOCK_TOLERANCE_SECONDS,
          0,
          600,
        ) ?? 60,
    };
    if (jwksUrl !== undefined) oidc.jwksUrl = httpsUrl('GATEWAY_OIDC_JWKS_URL', jwksUrl);
  } else if (audience.length > 0 || jwksUrl !== undefined) {
    fail(
      'GATEWAY_OIDC_ISSUER',
      'GATEWAY_OIDC_ISSUER is required when GATEWAY_OIDC_AUDIENCE or GATEWAY_OIDC_JWKS_URL is set.',
    );
  }

  if (!dev && oidc === undefined && adminKeys.length === 0) {
    fail(
      'GATEWAY_OIDC_ISSUER',
      'Nobody could call this gateway: set GATEWAY_OIDC_ISSUER and GATEWAY_OIDC_AUDIENCE for end users, GATEWAY_ADMIN_KEYS for administrators, or start with --dev for local development.',
    );
  }

  let userScopes: TokenScope[];
  const scopeInput = options.userScopes ?? list(env.GATEWAY_USER_SCOPES);
  try {
    userScopes = scopeInput === undefined ? [...TOKEN_SCOPES] : parseScopes(scopeInput);
  } catch (e) {
    return fail('GATEWAY_USER_SCOPES', `GATEWAY_USER_SCOPES: ${(e as Error).message}`);
  }

  const userMaxExpiresInMinutes =
    integer(
      'GATEWAY_USER_MAX_EXPIRES_IN_MINUTES',
      options.userMaxExpiresInMinutes ?? env.GATEWAY_USER_MAX_EXPIRES_IN_MINUTES,
      TOKEN_LIFETIME.minMinutes,
      TOKEN_LIFETIME.maxMinutes,
    ) ?? TOKEN_LIFETIME.maxMinutes;

  const dataDir = resolve(options.dataDir ?? text(env.GATEWAY_DATA_DIR) ?? '.acs-identity');
  const databaseUrl = options.databaseUrl ?? text(env.GATEWAY_DATABASE_URL);
  let store: NormalizedOptions['store'];
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
      fail(
        'GATEWAY_DATABASE_URL',
        'GATEWAY_DATABASE_URL must be a postgres:// URL; leave it unset for the embedded SQLite store.',
      );
    }
    const schema = options.databaseSchema ?? text(env.GATEWAY_DATABASE_SCHEMA) ?? 'acs_identity_gateway';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      fail(
        'GATEWAY_DATABASE_SCHEMA',
        `GATEWAY_DATABASE_SCHEMA must be a plain identifier (letters, digits, _), not "${schema}".`,
      );
    }
    store = { kind: 'postgres', url: databaseUrl, schema };
  } else {
    store = { kind: 'sqlite', file: join(dataDir, 'gateway.db') };
  }

  const caCertInput = options.caCertFile ?? text(env.GATEWAY_CA_CERT_FILE);
  const caCertFile =
    caCertInput === undefined ? undefined : isAbsolute(caCertInput) ? caCertInput : resolve(caCertInput);
  const withCa = caCertFile === undefined ? {} : { caCertFile };
  const connectionString = options.connectionString ?? text(env.AZURE_COMMUNICATION_CONNECTION_STRING);
  const endpoint = options.endpoint ?? text(env.AZURE_COMMUNICATION_ENDPOINT);
  let backend: BackendSource;
  if (options.identityClient !== undefined) backend = { kind: 'client', client: options.identityClient };
  else if (connectionString !== undefined)
    backend = { kind: 'connectionString', connectionString, ...withCa };
  else if (endpoint !== undefined) backend = { kind: 'endpoint', endpoint, ...withCa };
  else backend = { kind: 'emulator', dataDir };

  const corsOrigins = [...(options.corsOrigins ?? list(env.GATEWAY_CORS_ORIGINS) ?? [])];
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      fail(
        'GATEWAY_CORS_ORIGINS',
        `GATEWAY_CORS_ORIGINS entries must look like https://app.example.com (no path), not "${origin}".`,
      );
    }
  }

  const logLevel =
    options.logLevel ?? (text(env.GATEWAY_LOG_LEVEL)?.toLowerCase() as LogLevel | undefined) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    fail(
      'GATEWAY_LOG_LEVEL',
      `GATEWAY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}".`,
    );
  }

  return {
    dev,
    adminKeys,
    ...(oidc === undefined ? {} : { oidc }),
    teamsUserClaim: options.teamsUserClaim ?? text(env.GATEWAY_TEAMS_USER_CLAIM) ?? 'oid',
    userScopes,
    userMaxExpiresInMinutes,
    store,
    backend,
    corsOrigins,
    rateLimitPerMinute:
      integer(
        'GATEWAY_RATE_LIMIT_PER_MINUTE',
        options.rateLimitPerMinute ?? env.GATEWAY_RATE_LIMIT_PER_MINUTE,
        0,
        1_000_000,
      ) ?? 120,
    maxDepth: integer('GATEWAY_MAX_DEPTH', options.maxDepth ?? env.GATEWAY_MAX_DEPTH, 1, 100) ?? 8,
    maxAliases: integer('GATEWAY_MAX_ALIASES', options.maxAliases ?? env.GATEWAY_MAX_ALIASES, 0, 1000) ?? 10,
    maxCost: integer('GATEWAY_MAX_COST', options.maxCost ?? env.GATEWAY_MAX_COST, 1, 1_000_000) ?? 1000,
    logLevel,
    logSink: options.logSink ?? jsonLinesSink,
    port: integer('GATEWAY_PORT', options.port ?? env.GATEWAY_PORT ?? env.PORT, 0, 65_535) ?? 4000,
    host: options.host ?? text(env.GATEWAY_HOST) ?? '127.0.0.1',
    shutdownTimeoutMs:
      integer(
        'GATEWAY_SHUTDOWN_TIMEOUT_MS',
        options.shutdownTimeoutMs ?? env.GATEWAY_SHUTDOWN_TIMEOUT_MS,
        0,
        600_000,
      ) ?? 10_000,
    clock: options.clock ?? (() => new Date()),
  };
}
