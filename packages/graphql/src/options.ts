import {
  API_VERSIONS,
  type ApiVersion,
  apiVersionsWith,
  DEFAULT_API_VERSION,
  DEFAULT_DATA_DIR,
  ENV,
  type OptionTable,
  parsers,
  parseScopes,
  TOKEN_LIFETIME,
  TOKEN_SCOPES,
} from '@acs-identity/core';
import type { IdentityBackend } from './identity-backend.js';
import { estimatedKeyBits, MIN_ADMIN_KEY_BITS } from './key-strength.js';
import { jsonLinesSink, LOG_LEVELS, type LogLevel, type LogSink } from './logger.js';

/** Where rate limits are counted. */
export const RATE_LIMIT_STORES = ['memory', 'database'] as const;
/** One of {@link RATE_LIMIT_STORES}. */
export type RateLimitStore = (typeof RATE_LIMIT_STORES)[number];

/** How `issueMyToken` finds an end user's ACS identity. */
export const IDENTITY_MAPPINGS = ['auto', 'customId', 'store'] as const;
/** One of {@link IDENTITY_MAPPINGS}. */
export type IdentityMappingChoice = (typeof IDENTITY_MAPPINGS)[number];

/**
 * Options of {@link createGateway} and {@link startGateway}. Each falls back to its environment variable and then to its
 * default; options given here win over the environment. The variables, defaults and accepted values of every option
 * are declared once, in {@link GATEWAY_OPTIONS} (and the README's table generated from it).
 */
export interface GatewayOptions {
  /** Where the environment variables are read from; `{}` ignores the environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Development mode: the built-in sign-in `POST /dev/sign-in`, GraphiQL, introspection, CORS for loopback origins. */
  dev?: boolean;
  /** Let development mode listen on a host other machines reach (it then warns at start). */
  devAllowRemote?: boolean;
  /** Administrator keys; callers sending `Authorization: Bearer <key>` may call every operation. */
  adminKeys?: readonly string[];
  /** OpenID issuer of end-user tokens, compared with the `iss` claim exactly. */
  oidcIssuer?: string;
  /** Accepted `aud` values of end-user tokens. Required with an issuer. */
  oidcAudience?: string | readonly string[];
  /** JWKS URL of the issuer, instead of OpenID discovery. */
  oidcJwksUrl?: string;
  /** Accepted JWS algorithms of end-user tokens. */
  oidcAlgorithms?: readonly string[];
  /** Clock skew allowed when checking `exp`/`nbf`, in seconds. */
  oidcClockToleranceSeconds?: number;
  /** Claim of an end user's token holding their Entra object id, which `exchangeTeamsToken` compares with `userId`. */
  teamsUserClaim?: string;
  /** Scopes end users may ask for. */
  userScopes?: readonly string[];
  /** Longest (and default) token lifetime end users may ask for, in minutes. */
  userMaxExpiresInMinutes?: number;
  /**
   * How an end user's identity is found: `customId` (a custom id derived from issuer and subject, kept by the service),
   * `store` (the mapping store), or `auto` (`customId` when the back end's api-version has custom ids).
   */
  identityMapping?: IdentityMappingChoice;
  /** PostgreSQL URL of the mapping store, for several instances sharing one database. */
  databaseUrl?: string;
  /** PostgreSQL schema of the mapping table. */
  databaseSchema?: string;
  /** Folder of the SQLite mapping store, the development signing key, and the local emulator's `emulator.json`. */
  dataDir?: string;
  /** A ready back end, e.g. `createIdentityClient(...)` of `@acs-identity/core/node`. Wins over everything else. */
  identityClient?: IdentityBackend;
  /** ACS connection string. Never logged. */
  connectionString?: string;
  /** ACS endpoint, used with Entra ID (managed identity, workload identity, Azure CLI). */
  endpoint?: string;
  /** Extra CA certificate (PEM file) to trust for the back end, e.g. a remote emulator's. */
  caCertFile?: string;
  /** The api-version the back end is called at (an `identityClient` keeps its own). */
  apiVersion?: ApiVersion;
  /** Browser origins allowed by CORS; `*` allows any. */
  corsOrigins?: readonly string[];
  /** Root fields a minute per caller (each alias counts); 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Where the rate limits are counted: this process's memory, or the PostgreSQL database instances share. */
  rateLimitStore?: RateLimitStore;
  /** Failed authentications a minute per client address and per presented credential; 0 turns the budget off. */
  authFailuresPerMinute?: number;
  /** Proxies in front of the gateway whose `X-Forwarded-For` entries name the client's address. */
  trustProxyHops?: number;
  /** Deepest selection allowed. */
  maxDepth?: number;
  /** Most aliases in one operation. */
  maxAliases?: number;
  /** Highest graphql-armor cost of one operation. */
  maxCost?: number;
  /** Lowest level logged. */
  logLevel?: LogLevel;
  /** Receives every log entry, already redacted. */
  logSink?: LogSink;
  /** TCP port of {@link startGateway}; 0 picks a free one. */
  port?: number;
  /** Interface of {@link startGateway}. */
  host?: string;
  /** How long shutdown waits for requests in flight, in milliseconds. */
  shutdownTimeoutMs?: number;
  /** How long a connection may take to send a request's headers (from when it opens), in milliseconds. */
  headersTimeoutMs?: number;
  /** How long a connection may take to send a whole request, body included, in milliseconds. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept after an answer, in milliseconds. */
  keepAliveTimeoutMs?: number;
  /** Most connections held at once; more are closed as they arrive. */
  maxConnections?: number;
  /** The current time in epoch milliseconds, like `Date.now`; tests inject one. */
  now?: () => number;
}

/** Options only a program can give (objects and functions): a command line or a variable cannot. */
function programOnly(what: string): (text: string) => never {
  return () => {
    throw new Error(what);
  };
}

/** Whether `hostname` (a URL's host name, or the interface to listen on) is this machine's loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** An `https://` URL, or plain `http://` for a loopback host. */
function secureUrl(text: string): string {
  const accepted = 'an https:// URL (plain http:// only for a loopback host)';
  const value = parsers.url()(text);
  const url = new URL(value);
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) throw new Error(accepted);
  return value;
}

const MIN_ADMIN_KEY_LENGTH = 32;

/** An admin key: long enough, random enough, no white space (commas separate keys). */
function adminKey(text: string): string {
  if (text.length < MIN_ADMIN_KEY_LENGTH || /\s/.test(text) || estimatedKeyBits(text) < MIN_ADMIN_KEY_BITS) {
    throw new Error(
      `random keys of at least ${MIN_ADMIN_KEY_LENGTH} characters without spaces or repeats, separated by commas; make one with \`openssl rand -base64 32\``,
    );
  }
  return text;
}

/** The JWS algorithms end-user tokens may be signed with: asymmetric ones only (a shared secret is no issuer's key). */
const OIDC_ALGORITHMS = [
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
  'Ed25519',
] as const;

/** An asymmetric JWS algorithm, in its own spelling; `none` and the HMAC ones (HS256…) never. */
function algorithm(text: string): string {
  const found = OIDC_ALGORITHMS.find((a) => a.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    throw new Error(
      `asymmetric signing algorithms among ${OIDC_ALGORITHMS.join(', ')} (never HS256/384/512 or none)`,
    );
  }
  return found;
}

/** `chat` or `CHAT` style scope names. */
function scopeList(text: string): string[] {
  try {
    return parseScopes([text]);
  } catch {
    throw new Error(`scopes among ${TOKEN_SCOPES.join(', ')} (or CHAT, VOIP_JOIN, … style), comma-separated`);
  }
}

function postgresUrl(text: string): string {
  if (!/^postgres(ql)?:\/\//i.test(text.trim())) {
    throw new Error('a postgres:// URL (leave it unset for the embedded SQLite store)');
  }
  return text.trim();
}

function sqlIdentifier(text: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(text)) throw new Error('a plain identifier (letters, digits, _)');
  return text;
}

function origin(text: string): string {
  if (text !== '*' && !/^https?:\/\/[^/\s]+$/.test(text)) {
    throw new Error('origins like https://app.example.com (no path), or *');
  }
  return text;
}

/**
 * THE option table of the gateway: every option with its flag, environment variable, default and parser. The parser,
 * the environment fallbacks, the defaults, the CLI's `gateway start` flags and the README table all come from it.
 */
export const GATEWAY_OPTIONS: OptionTable<GatewayOptions> = {
  env: {
    description: 'Where the variables below are read from (`{}` ignores the environment).',
    kind: 'string',
    defaultText: '`process.env`',
    parse: programOnly('an object of environment variables'),
  },
  dev: {
    description:
      'Development mode: `POST /dev/sign-in`, GraphiQL, introspection, CORS for loopback origins. Only with `NODE_ENV` unset, `development` or `test` (any case); on a loopback host unless `--dev-allow-remote`.',
    kind: 'boolean',
    flag: 'dev',
    env: 'GATEWAY_DEV',
    default: false,
    parse: parsers.boolean(),
  },
  devAllowRemote: {
    description:
      'Let development mode listen on a host other machines reach (e.g. `0.0.0.0`); it then warns at start. Anyone who reaches it can sign in as anyone.',
    kind: 'boolean',
    flag: 'dev-allow-remote',
    env: 'GATEWAY_DEV_ALLOW_REMOTE',
    default: false,
    parse: parsers.boolean(),
  },
  adminKeys: {
    description:
      'Comma-separated admin keys, each ≥ 32 random characters (`openssl rand -base64 32`): keys with runs, repeats or few distinct characters (under 72 estimated bits) are refused at start. Compared in constant time (SHA-256 of both, `timingSafeEqual`, every key checked).',
    kind: 'list',
    env: 'GATEWAY_ADMIN_KEYS',
    secret: true,
    defaultText: 'none',
    parse: parsers.list(adminKey),
  },
  oidcIssuer: {
    description:
      'OpenID issuer of end-user tokens; `iss` must equal it. `https://` (plain `http://` only for loopback).',
    kind: 'string',
    flag: 'oidc-issuer',
    env: 'GATEWAY_OIDC_ISSUER',
    placeholder: '<url>',
    defaultText: 'none',
    parse: secureUrl,
  },
  oidcAudience: {
    description: 'Comma-separated accepted `aud` values.',
    kind: 'list',
    flag: 'oidc-audience',
    env: 'GATEWAY_OIDC_AUDIENCE',
    defaultText: 'required with an issuer',
    parse: parsers.list(parsers.text()),
  },
  oidcJwksUrl: {
    description:
      'JWKS URL; otherwise read from `<issuer>/.well-known/openid-configuration` (whose `issuer` must match). Keys are cached 10 min and refetched for an unknown `kid` (at most every 30 s).',
    kind: 'string',
    flag: 'oidc-jwks-url',
    env: 'GATEWAY_OIDC_JWKS_URL',
    placeholder: '<url>',
    defaultText: 'discovered',
    parse: secureUrl,
  },
  oidcAlgorithms: {
    description:
      'Accepted JWS algorithms, asymmetric only: `HS256`/`HS384`/`HS512` and `none` are refused at start.',
    kind: 'list',
    flag: 'oidc-algorithms',
    env: 'GATEWAY_OIDC_ALGORITHMS',
    default: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    defaultText: 'RS/PS/ES 256–512, EdDSA',
    parse: parsers.list(algorithm),
  },
  oidcClockToleranceSeconds: {
    description: 'Skew allowed for `exp`/`nbf`, in seconds.',
    kind: 'number',
    flag: 'oidc-clock-tolerance-seconds',
    env: 'GATEWAY_OIDC_CLOCK_TOLERANCE_SECONDS',
    default: 60,
    parse: parsers.integer(0, 600),
  },
  teamsUserClaim: {
    description: "Claim holding an end user's Entra object id, compared with `exchangeTeamsToken(userId)`.",
    kind: 'string',
    flag: 'teams-user-claim',
    env: 'GATEWAY_TEAMS_USER_CLAIM',
    default: 'oid',
    parse: parsers.text(),
  },
  userScopes: {
    description: 'Scopes end users may ask for (`chat,voip` or `CHAT,VOIP`).',
    kind: 'list',
    flag: 'user-scopes',
    env: 'GATEWAY_USER_SCOPES',
    default: TOKEN_SCOPES,
    defaultText: 'every scope',
    parse: scopeList,
  },
  userMaxExpiresInMinutes: {
    description: `Longest (and default) end-user token lifetime, ${TOKEN_LIFETIME.minMinutes}..${TOKEN_LIFETIME.maxMinutes} minutes.`,
    kind: 'number',
    flag: 'user-max-expires-in-minutes',
    env: 'GATEWAY_USER_MAX_EXPIRES_IN_MINUTES',
    default: TOKEN_LIFETIME.maxMinutes,
    parse: parsers.integer(TOKEN_LIFETIME.minMinutes, TOKEN_LIFETIME.maxMinutes),
  },
  identityMapping: {
    description: `How \`issueMyToken\` finds an end user's identity: \`customId\`, a custom id derived from the OpenID issuer and subject, which the service keeps (any number of instances agree, no shared database; api-version ${apiVersionsWith('customId').join(', ')}, a preview on the real service); \`store\`, the mapping store; \`auto\`, \`customId\` when the back end's api-version has custom ids, else \`store\`.`,
    kind: 'string',
    env: 'GATEWAY_IDENTITY_MAPPING',
    choices: IDENTITY_MAPPINGS,
    default: 'auto',
    parse: parsers.oneOf(IDENTITY_MAPPINGS),
  },
  databaseUrl: {
    description: '`postgres://…` for the mapping store shared by several instances.',
    kind: 'string',
    flag: 'database-url',
    env: 'GATEWAY_DATABASE_URL',
    placeholder: '<url>',
    secret: true,
    defaultText: 'SQLite `<dataDir>/gateway.db`',
    parse: postgresUrl,
  },
  databaseSchema: {
    description: 'PostgreSQL schema of the mapping table (created if missing).',
    kind: 'string',
    flag: 'database-schema',
    env: 'GATEWAY_DATABASE_SCHEMA',
    default: 'acs_identity_gateway',
    parse: sqlIdentifier,
  },
  dataDir: {
    description:
      "Folder of the SQLite file `gateway.db`, of the development signing key `gateway-dev-key.json`, and (dev mode only) where the local emulator's `emulator.json` is looked up. Made 0700 at start whoever created it, its files 0600.",
    kind: 'string',
    flag: 'data-dir',
    env: ENV.dataDir,
    placeholder: '<dir>',
    default: DEFAULT_DATA_DIR,
    parse: parsers.text(),
  },
  identityClient: {
    description:
      'A ready back end (e.g. `createIdentityClient()` of `@acs-identity/core/node`); wins over the rest.',
    kind: 'string',
    defaultText: 'none',
    parse: programOnly('an identity client object'),
  },
  connectionString: {
    description: 'ACS connection string (HMAC). Never logged.',
    kind: 'string',
    flag: 'connection-string',
    env: ENV.connectionString,
    secret: true,
    defaultText: 'none',
    parse: parsers.text(),
  },
  endpoint: {
    description:
      'ACS endpoint used with Entra ID (`DefaultAzureCredential`: environment, workload/managed identity, Azure CLI).',
    kind: 'string',
    flag: 'endpoint',
    env: ENV.endpoint,
    placeholder: '<url>',
    defaultText: 'none',
    parse: parsers.url(['https:']),
  },
  caCertFile: {
    description: "Extra CA (PEM) to trust for the back end, e.g. a remote emulator's `ca.pem`.",
    kind: 'string',
    flag: 'ca-cert',
    env: ENV.caCertFile,
    placeholder: '<file>',
    defaultText: 'none',
    parse: parsers.text(),
  },
  apiVersion: {
    description:
      "The ACS Identity api-version of the back end's calls (`identityClient` keeps its own); the newer operations go at the version that has them.",
    kind: 'string',
    env: ENV.apiVersion,
    choices: API_VERSIONS,
    default: DEFAULT_API_VERSION,
    parse: parsers.oneOf(API_VERSIONS),
  },
  corsOrigins: {
    description: 'Comma-separated allowed browser origins, `https://app.example.com` (no path), or `*`.',
    kind: 'list',
    flag: 'cors-origins',
    env: 'GATEWAY_CORS_ORIGINS',
    default: [],
    defaultText: 'none (dev: loopback)',
    parse: parsers.list(origin),
  },
  rateLimitPerMinute: {
    description:
      'Root fields a minute per caller (admin key, end user, or anonymous): each alias and each field of a fragment counts one; token bucket with bursts of the same size; `0` = off. At most one `issueMyToken` per request in any case.',
    kind: 'number',
    flag: 'rate-limit-per-minute',
    env: 'GATEWAY_RATE_LIMIT_PER_MINUTE',
    default: 120,
    parse: parsers.integer(0, 1_000_000),
  },
  rateLimitStore: {
    description:
      'Where both rate limits are counted: `database`, the PostgreSQL of `GATEWAY_DATABASE_URL` (one shared budget per caller and client, whichever instance they reach), or `memory` (per instance: with N instances a caller gets up to N × the limit).',
    kind: 'string',
    flag: 'rate-limit-store',
    env: 'GATEWAY_RATE_LIMIT_STORE',
    choices: RATE_LIMIT_STORES,
    defaultText: '`database` with `GATEWAY_DATABASE_URL`, else `memory`',
    parse: parsers.oneOf(RATE_LIMIT_STORES),
  },
  authFailuresPerMinute: {
    description:
      'Failed authentications a minute per client address and per presented credential (bursts of the same size); past it, requests with a credential from that client (or with that credential) get 429 with `Retry-After`, unchecked; `0` = off.',
    kind: 'number',
    flag: 'auth-failures-per-minute',
    env: 'GATEWAY_AUTH_FAILURES_PER_MINUTE',
    default: 30,
    parse: parsers.integer(0, 1_000_000),
  },
  trustProxyHops: {
    description:
      "Proxies (load balancers) in front of the gateway that append the client's address to `X-Forwarded-For`; the failed-authentication budget is kept per that address. `0`: the socket's peer.",
    kind: 'number',
    flag: 'trust-proxy-hops',
    env: 'GATEWAY_TRUST_PROXY_HOPS',
    default: 0,
    parse: parsers.integer(0, 10),
  },
  maxDepth: {
    description: 'graphql-armor depth limit.',
    kind: 'number',
    flag: 'max-depth',
    env: 'GATEWAY_MAX_DEPTH',
    default: 8,
    parse: parsers.integer(1, 100),
  },
  maxAliases: {
    description: 'graphql-armor alias limit.',
    kind: 'number',
    flag: 'max-aliases',
    env: 'GATEWAY_MAX_ALIASES',
    default: 10,
    parse: parsers.integer(0, 1000),
  },
  maxCost: {
    description:
      'graphql-armor cost limit (also: 10 directives, 2000 tokens, field suggestions hidden outside dev).',
    kind: 'number',
    flag: 'max-cost',
    env: 'GATEWAY_MAX_COST',
    default: 1000,
    parse: parsers.integer(1, 1_000_000),
  },
  logLevel: {
    description: 'Lowest level logged.',
    kind: 'string',
    flag: 'log-level',
    env: 'GATEWAY_LOG_LEVEL',
    choices: LOG_LEVELS,
    default: 'info',
    parse: parsers.oneOf(LOG_LEVELS),
  },
  logSink: {
    description: 'Receives every (already redacted) log entry.',
    kind: 'string',
    default: jsonLinesSink,
    defaultText: 'JSON lines on stdout (debug, info) and stderr (warn, error)',
    parse: programOnly('a function'),
  },
  port: {
    description:
      'Port of `startGateway`; `0` picks a free one. When `GATEWAY_PORT` is unset, `PORT` is read (as App Service and others set it).',
    kind: 'number',
    flag: 'port',
    alias: ['p'],
    env: 'GATEWAY_PORT',
    placeholder: '<port>',
    default: 4000,
    parse: parsers.integer(0, 65_535),
  },
  host: {
    description: 'Interface of `startGateway`; use `0.0.0.0` in a container.',
    kind: 'string',
    flag: 'host',
    env: 'GATEWAY_HOST',
    placeholder: '<host>',
    default: '127.0.0.1',
    parse: parsers.text(),
  },
  shutdownTimeoutMs: {
    description: 'How long shutdown waits for requests in flight, in milliseconds.',
    kind: 'number',
    flag: 'shutdown-timeout-ms',
    env: 'GATEWAY_SHUTDOWN_TIMEOUT_MS',
    default: 10_000,
    parse: parsers.integer(0, 600_000),
  },
  headersTimeoutMs: {
    description:
      'How long a connection of `startGateway` may take to send its headers, counted from when it opens (a connection that sends nothing is closed then, with 408).',
    kind: 'number',
    flag: 'headers-timeout-ms',
    env: 'GATEWAY_HEADERS_TIMEOUT_MS',
    default: 10_000,
    parse: parsers.integer(100, 600_000),
  },
  requestTimeoutMs: {
    description:
      'How long a connection of `startGateway` may take to send a whole request, body included (408 after it); at least `headersTimeoutMs`.',
    kind: 'number',
    flag: 'request-timeout-ms',
    env: 'GATEWAY_REQUEST_TIMEOUT_MS',
    default: 30_000,
    parse: parsers.integer(100, 600_000),
  },
  keepAliveTimeoutMs: {
    description:
      "How long `startGateway` keeps an idle keep-alive connection after an answer. Behind a load balancer, make it longer than the balancer's idle timeout, so the gateway never closes a connection the balancer is about to reuse.",
    kind: 'number',
    flag: 'keep-alive-timeout-ms',
    env: 'GATEWAY_KEEP_ALIVE_TIMEOUT_MS',
    default: 5000,
    parse: parsers.integer(100, 600_000),
  },
  maxConnections: {
    description:
      'Most connections `startGateway` holds at once; more are closed as they arrive. Keep it under the process’s open-file limit (`ulimit -n`).',
    kind: 'number',
    flag: 'max-connections',
    env: 'GATEWAY_MAX_CONNECTIONS',
    default: 1000,
    parse: parsers.integer(1, 1_000_000),
  },
  now: {
    description: 'The current time in epoch milliseconds (tests inject one).',
    kind: 'string',
    default: Date.now,
    defaultText: '`Date.now`',
    parse: programOnly('a function'),
  },
};
