/**
 * The emulator's options: one table ({@link EMULATOR_OPTIONS}) from which the package bin's flags and environment
 * variables, the defaults, `--help`, the README table and the checks of `createEmulator`/`startEmulator` all come.
 * Checks that involve more than one value, or objects only code can pass, are in {@link normalizeOptions}.
 */
import {
  AcsIdentityError,
  DEFAULT_DATA_DIR,
  ENV,
  type OptionTable,
  parsers,
  resolveOptions,
} from '@acs-identity/core';
import { resolveDataDir } from './data-dir.js';
import type { TrustedIssuer } from './entra.js';
import { invalidOptions } from './errors.js';
import {
  type NormalizedRateLimits,
  RATE_LIMIT_SCOPES,
  RATE_LIMITED_OPERATIONS,
  type RateLimitOptions,
  type RateLimitScope,
  SERVICE_RATE_LIMITS,
} from './rate-limit.js';

/** One structured log line. Never carries keys, tokens, signatures or connection strings. */
export interface EmulatorLogEntry {
  time: string;
  level: 'info' | 'warn' | 'error';
  msg: string;
  method?: string;
  /** Request path with only the `api-version` query parameter kept. */
  path?: string;
  status?: number;
  durationMs?: number;
  requestId?: string;
  operation?: string;
  errorCode?: string;
}

export type EmulatorLogger = (entry: EmulatorLogEntry) => void;

/** Options of `createEmulator` and `startEmulator`. Each one is documented, with its default, in {@link EMULATOR_OPTIONS}. */
export interface EmulatorOptions {
  /** TCP port; `0` picks any free port. @default 8443 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Folder for the SQLite database, TLS material, `emulator.json` and the lock, relative to the current folder. @default '.acs-identity' */
  dataDir?: string;
  /** `postgres://` or `postgresql://` URL: keep the state in PostgreSQL instead of SQLite. @default undefined (SQLite in dataDir) */
  databaseUrl?: string;
  /** PostgreSQL schema holding the emulator's tables (created when missing). @default 'acs_emulator' */
  databaseSchema?: string;
  /** Serve HTTPS with a locally generated CA (`true`) or plain HTTP (`false`). @default true */
  tls?: boolean;
  /** The service's per-30-second limits (`true`), none (`false`), or custom budgets. @default true */
  rateLimits?: boolean | RateLimitOptions;
  /** Receives one entry per request and lifecycle event; `false` silences it. @default JSON lines on stdout */
  logger?: EmulatorLogger | false;
  /** The clock, in milliseconds since the epoch; inject it to drive time in tests. @default Date.now */
  now?: () => number;
  /** Largest accepted request body in bytes; larger bodies answer 413. @default 65536 */
  maxBodyBytes?: number;
  /** Accepted distance between `x-ms-date` and the emulator's clock, in milliseconds. @default 300000 */
  maxClockSkewMs?: number;
  /**
   * Also accept `Authorization: Bearer <Entra ID token>` when the token is a JWT for `https://communication.azure.com`
   * that has not expired. The signature is NOT verified (the emulator cannot reach Entra ID). @default false
   */
  bearerTokens?: boolean;
  /**
   * Entra ID issuers trusted besides the emulator's own local issuer, for bearer authentication and the Teams token
   * exchange: `{ issuer }` (keys found through its OpenID discovery document), `{ issuer, jwksUrl }` or
   * `{ issuer, jwks }`. @default [] (the local issuer only)
   */
  trustedIssuers?: readonly TrustedIssuer[];
  /**
   * The endpoint clients reach the emulator at (behind a proxy or a container's port mapping): the local Entra issuer's
   * discovery document, its tokens' `iss` and ARM's `hostName` name it, never a request's `Host` header.
   * @default the endpoint it listens on
   */
  publicEndpoint?: string;
  /**
   * Where the per-resource limits are counted: `shared`, across every process serving the resource (in PostgreSQL with
   * `databaseUrl`, else by the cluster's primary), or `process` (each process its own budget). @default 'shared'
   */
  rateLimitScope?: RateLimitScope;
  /** How long a connection may take to finish its TLS handshake, from when it opens. @default 10000 */
  handshakeTimeoutMs?: number;
  /** How long the headers of a request may take to arrive (408 after it). @default 10000 */
  headersTimeoutMs?: number;
  /** How long a whole request, body included, may take to arrive (408 after it); at least `headersTimeoutMs`. @default 30000 */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept after an answer. @default 5000 */
  keepAliveTimeoutMs?: number;
  /** Most connections one process holds at once (each worker of a cluster its own); more are closed at once. @default 1000 */
  maxConnections?: number;
}

/** Everything that starts an emulator: its options plus how many processes serve it. */
export interface EmulatorStartOptions extends EmulatorOptions {
  /** Worker processes sharing the port and the data folder; `1`: one process, `0`: one per CPU core. @default 1 */
  workers?: number;
}

/** Resolved options. */
export interface NormalizedOptions {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string;
  tls: boolean;
  rateLimits: NormalizedRateLimits | false;
  logger: EmulatorLogger;
  /** False when the logger is switched off: the request log is then not even built. */
  logRequests: boolean;
  now: () => number;
  maxBodyBytes: number;
  maxClockSkewMs: number;
  bearerTokens: boolean;
  trustedIssuers: readonly TrustedIssuer[];
  /** With a trailing slash; `undefined`: the endpoint it listens on. */
  publicEndpoint: string | undefined;
  rateLimitScope: RateLimitScope;
  handshakeTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/** Writes one JSON line per entry on stdout. */
export const jsonLinesLogger: EmulatorLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

/** A parser whose failure says `expected` (what is accepted), for the messages of {@link normalizeOptions}. */
function expecting<T>(expected: string, accept: (text: string) => T | undefined): (text: string) => T {
  return (text) => {
    let value: T | undefined;
    try {
      value = accept(text);
    } catch {
      value = undefined;
    }
    if (value === undefined) throw new Error(expected);
    return value;
  };
}

const integer = (min: number, max: number, expected: string) =>
  expecting(expected, (text) => parsers.integer(min, max)(text));

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** Every start option of the emulator: flag, environment variable, default and parser. */
export const EMULATOR_OPTIONS: OptionTable<EmulatorStartOptions> = {
  port: {
    description: 'TCP port; 0 picks any free port (read it from emulator.json).',
    kind: 'number',
    flag: 'port',
    env: 'EMULATOR_PORT',
    default: 8443,
    placeholder: '<port>',
    parse: integer(0, 65_535, 'an integer from 0 to 65535 (0 picks a free port)'),
  },
  host: {
    description:
      'Interface to listen on; 0.0.0.0 or :: listens everywhere (the endpoint then names 127.0.0.1).',
    kind: 'string',
    flag: 'host',
    env: 'EMULATOR_HOST',
    default: '127.0.0.1',
    placeholder: '<address>',
    parse: expecting('a host name or IP address such as 127.0.0.1', (text) =>
      text.trim() !== '' && !/[\s/]/.test(text) ? text : undefined,
    ),
  },
  dataDir: {
    description:
      'Folder for the SQLite database, the TLS material, emulator.json and the lock (one emulator per folder).',
    kind: 'string',
    flag: 'data-dir',
    env: ENV.dataDir,
    default: DEFAULT_DATA_DIR,
    placeholder: '<folder>',
    parse: expecting('a non-empty folder path', (text) => (text.trim() === '' ? undefined : text)),
  },
  databaseUrl: {
    description: 'PostgreSQL instead of SQLite, for several instances sharing one state.',
    kind: 'string',
    flag: 'database-url',
    env: 'EMULATOR_DATABASE_URL',
    defaultText: 'SQLite in the data folder',
    placeholder: '<postgres://...>',
    secret: true,
    parse: expecting('a postgres:// or postgresql:// URL', (text) =>
      /^postgres(ql)?:\/\//i.test(text.trim()) ? text.trim() : undefined,
    ),
  },
  databaseSchema: {
    description: 'PostgreSQL schema of the tables (created when missing).',
    kind: 'string',
    flag: 'database-schema',
    env: 'EMULATOR_DATABASE_SCHEMA',
    default: 'acs_emulator',
    placeholder: '<name>',
    parse: expecting('a lower-case SQL identifier (letters, digits, _)', (text) =>
      SCHEMA.test(text) ? text : undefined,
    ),
  },
  tls: {
    description:
      'HTTPS with the local CA; --no-tls serves plain HTTP (the JS SDK then needs allowInsecureConnection, the Python SDK cannot connect).',
    kind: 'boolean',
    flag: 'tls',
    env: 'EMULATOR_TLS',
    default: true,
    parse: expecting('true or false', parsers.boolean()),
  },
  rateLimits: {
    description:
      "The service's per-30-second limits (429 beyond them); --no-rate-limits turns them off. From code also { windowMs?, create?, createWithToken?, delete?, issue?, revoke?, exchangeTeamsToken? } (unset ones keep the service's).",
    kind: 'boolean',
    flag: 'rate-limits',
    env: 'EMULATOR_RATE_LIMITS',
    default: true,
    parse: expecting('true, false or an object of per-operation limits', parsers.boolean()),
  },
  workers: {
    description: 'Processes serving the one port and data folder: 1 is one process, 0 one per CPU core.',
    kind: 'number',
    flag: 'workers',
    env: 'EMULATOR_WORKERS',
    default: 1,
    placeholder: '<n>',
    parse: integer(0, 256, 'an integer from 0 to 256 (0: one per CPU core)'),
  },
  bearerTokens: {
    description:
      "Also accept any unexpired Entra bearer token for https://communication.azure.com WITHOUT verifying its signature or a grant (like Azurite's --oauth basic), for a stub TokenCredential. Verified bearer tokens work without it.",
    kind: 'boolean',
    flag: 'bearer-tokens',
    env: 'EMULATOR_BEARER_TOKENS',
    default: false,
    parse: expecting('true or false', parsers.boolean()),
  },
  trustedIssuers: {
    description:
      "Entra issuers (the tokens' iss) trusted besides the local one, for bearer requests and the Teams exchange; keys come from their OpenID discovery document. From code also { issuer, jwksUrl } or { issuer, jwks }.",
    kind: 'list',
    flag: 'trust-issuer',
    env: 'EMULATOR_TRUSTED_ISSUERS',
    default: [],
    defaultText: 'the local issuer only',
    placeholder: '<issuer URL...>',
    parse: expecting('issuer URLs (http or https), separated by commas', (text) =>
      parsers
        .list(parsers.url())(text)
        .map((issuer) => ({ issuer })),
    ),
  },
  maxBodyBytes: {
    description: 'Largest accepted request body in bytes; larger bodies answer 413.',
    kind: 'number',
    flag: 'max-body-bytes',
    env: 'EMULATOR_MAX_BODY_BYTES',
    default: 65_536,
    placeholder: '<bytes>',
    parse: integer(1, 2 ** 31 - 1, 'a positive integer'),
  },
  maxClockSkewMs: {
    description:
      'Accepted distance between x-ms-date (and Entra token times) and the clock, in milliseconds.',
    kind: 'number',
    flag: 'max-clock-skew-ms',
    env: 'EMULATOR_MAX_CLOCK_SKEW_MS',
    default: 300_000,
    placeholder: '<ms>',
    parse: integer(1, 2 ** 31 - 1, 'a positive integer'),
  },
  publicEndpoint: {
    description:
      "The endpoint clients reach the emulator at (behind a proxy or a container's port mapping): the local Entra issuer's discovery document (issuer, jwks_uri), its tokens' iss and ARM's hostName name it, never a request's Host header.",
    kind: 'string',
    flag: 'public-endpoint',
    env: 'EMULATOR_PUBLIC_ENDPOINT',
    defaultText: 'the endpoint it listens on',
    placeholder: '<https://host:port/>',
    parse: expecting(
      'an http(s) URL without query or credentials, such as https://emulator.example:8443/',
      (text) => {
        const url = new URL(parsers.url()(text));
        if (url.search || url.hash || url.username || url.password) return undefined;
        const base = `${url.origin}${url.pathname}`;
        return base.endsWith('/') ? base : `${base}/`;
      },
    ),
  },
  rateLimitScope: {
    description:
      'Where the per-resource limits are counted: shared, across every process serving the resource, as the service does (in PostgreSQL with --database-url, else by the cluster primary for its workers); process, each process its own budget (N processes allow N times the limits).',
    kind: 'string',
    flag: 'rate-limit-scope',
    env: 'EMULATOR_RATE_LIMIT_SCOPE',
    default: 'shared',
    choices: RATE_LIMIT_SCOPES,
    placeholder: '<scope>',
    parse: expecting(`one of ${RATE_LIMIT_SCOPES.join(', ')}`, parsers.oneOf(RATE_LIMIT_SCOPES)),
  },
  handshakeTimeoutMs: {
    description:
      'How long a connection may take to finish its TLS handshake, from when it opens; it is closed after that (a connection that never starts TLS too).',
    kind: 'number',
    flag: 'handshake-timeout-ms',
    env: 'EMULATOR_HANDSHAKE_TIMEOUT_MS',
    default: 10_000,
    placeholder: '<ms>',
    parse: integer(100, 600_000, 'an integer from 100 to 600000'),
  },
  headersTimeoutMs: {
    description:
      'How long the headers of a request may take to arrive (on a new connection counted once TLS is set up); 408 and the connection closed after that.',
    kind: 'number',
    flag: 'headers-timeout-ms',
    env: 'EMULATOR_HEADERS_TIMEOUT_MS',
    default: 10_000,
    placeholder: '<ms>',
    parse: integer(100, 600_000, 'an integer from 100 to 600000'),
  },
  requestTimeoutMs: {
    description:
      'How long a whole request, body included, may take to arrive; 408 and the connection closed after that. At least the headers timeout.',
    kind: 'number',
    flag: 'request-timeout-ms',
    env: 'EMULATOR_REQUEST_TIMEOUT_MS',
    default: 30_000,
    placeholder: '<ms>',
    parse: integer(100, 600_000, 'an integer from 100 to 600000'),
  },
  keepAliveTimeoutMs: {
    description: 'How long an idle keep-alive connection is kept after an answer.',
    kind: 'number',
    flag: 'keep-alive-timeout-ms',
    env: 'EMULATOR_KEEP_ALIVE_TIMEOUT_MS',
    default: 5000,
    placeholder: '<ms>',
    parse: integer(100, 600_000, 'an integer from 100 to 600000'),
  },
  maxConnections: {
    description:
      'Most connections one process holds at once (each worker of a cluster its own); more are closed as they arrive. Keep it under the open-file limit (ulimit -n).',
    kind: 'number',
    flag: 'max-connections',
    env: 'EMULATOR_MAX_CONNECTIONS',
    default: 1000,
    placeholder: '<n>',
    parse: integer(1, 1_000_000, 'an integer from 1 to 1000000'),
  },
  logger: {
    description:
      'The request and lifecycle log: json writes JSON lines on stdout, none silences it. From code also a function receiving each entry, or false.',
    kind: 'string',
    flag: 'log',
    env: 'EMULATOR_LOG',
    default: jsonLinesLogger,
    defaultText: '`json`',
    choices: ['json', 'none'],
    placeholder: '<format>',
    parse: expecting('json, none, a function or false', (text): EmulatorLogger | false | undefined => {
      const value = text.trim().toLowerCase();
      if (value === 'json') return jsonLinesLogger;
      return value === 'none' || value === 'false' ? false : undefined;
    }),
  },
  now: {
    description:
      'The clock in epoch milliseconds, to drive time in tests (token times, expiry, rate windows, x-ms-date).',
    kind: 'string',
    default: Date.now,
    defaultText: '`Date.now`',
    parse: expecting<() => number>('a function returning epoch milliseconds', () => undefined),
  },
};

function shownValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Resolves the table's options as a program gives them (no environment): the value given, else the default, each
 * through its parser. A failure names the option as code spells it: `Emulator option port must be ...; got 70000.`
 */
export function resolveEmulatorOptions(options: EmulatorStartOptions): Partial<EmulatorStartOptions> {
  try {
    return resolveOptions(EMULATOR_OPTIONS, options);
  } catch (e) {
    if (!(e instanceof AcsIdentityError) || e.code !== 'INVALID_OPTIONS') throw e;
    const key = (e.target ?? '') as keyof EmulatorStartOptions;
    const definition = EMULATOR_OPTIONS[key];
    const expected = e.cause instanceof Error ? e.cause.message : 'a valid value';
    const got = definition?.secret ? '' : `; got ${shownValue(options[key])}`;
    throw invalidOptions(`Emulator option ${String(key)} must be ${expected}${got}.`, e);
  }
}

function normalizeRateLimits(value: boolean | RateLimitOptions | undefined): NormalizedRateLimits | false {
  if (value === false) return false;
  const custom: RateLimitOptions = value === true || value === undefined ? {} : value;
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
    throw invalidOptions(
      'Emulator option rateLimits must be true, false or an object of per-operation limits.',
    );
  }
  const positive = (v: unknown, name: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw invalidOptions(`Emulator option ${name} must be a positive integer; got ${shownValue(v)}.`);
    }
    return v;
  };
  for (const key of Object.keys(custom)) {
    if (key !== 'windowMs' && !(RATE_LIMITED_OPERATIONS as readonly string[]).includes(key)) {
      throw invalidOptions(
        `Unknown emulator option rateLimits.${key}; use windowMs or one of ${RATE_LIMITED_OPERATIONS.join(', ')}.`,
      );
    }
  }
  const limits = { ...SERVICE_RATE_LIMITS };
  for (const op of RATE_LIMITED_OPERATIONS) {
    limits[op] = positive(custom[op], `rateLimits.${op}`, SERVICE_RATE_LIMITS[op]);
  }
  return { windowMs: positive(custom.windowMs, 'rateLimits.windowMs', 30_000), limits };
}

function normalizeTrustedIssuers(value: unknown): readonly TrustedIssuer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalidOptions('Emulator option trustedIssuers must be an array of { issuer, jwksUrl | jwks }.');
  return value.map((t: unknown, i) => {
    const v = (t ?? {}) as Partial<TrustedIssuer>;
    if (typeof v.issuer !== 'string' || !/^https?:\/\//.test(v.issuer)) {
      throw invalidOptions(
        `Emulator option trustedIssuers[${i}].issuer must be the issuer URL (the tokens' iss claim).`,
      );
    }
    const hasUrl = typeof v.jwksUrl === 'string' && /^https?:\/\//.test(v.jwksUrl);
    const hasSet = typeof v.jwks === 'object' && v.jwks !== null && Array.isArray(v.jwks.keys);
    if (v.jwksUrl !== undefined && !hasUrl) {
      throw invalidOptions(`Emulator option trustedIssuers[${i}].jwksUrl must be an http(s) URL.`);
    }
    if (v.jwks !== undefined && !hasSet) {
      throw invalidOptions(`Emulator option trustedIssuers[${i}].jwks must be a key set ({ keys: [...] }).`);
    }
    return {
      issuer: v.issuer,
      ...(hasUrl ? { jwksUrl: v.jwksUrl as string } : {}),
      ...(hasSet && v.jwks ? { jwks: v.jwks } : {}),
    };
  });
}

/**
 * Resolves defaults and validates every option, throwing an `INVALID_OPTIONS` error that says what to fix. The one
 * place where options are checked: the table's parsers first, then what involves objects or several values.
 */
export function normalizeOptions(options: EmulatorOptions = {}): NormalizedOptions {
  const o = resolveEmulatorOptions(options);
  /** A value the table gives a default for (so it is always there once resolved). */
  const value = <K extends keyof EmulatorStartOptions>(key: K): NonNullable<EmulatorStartOptions[K]> => {
    const v = o[key];
    if (v === undefined || v === null) throw invalidOptions(`Emulator option ${String(key)} has no value.`);
    return v;
  };
  const logger = value('logger');
  const now = value('now');
  if (logger !== false && typeof logger !== 'function') {
    throw invalidOptions('Emulator option logger must be a function or false.');
  }
  if (typeof now !== 'function') {
    throw invalidOptions('Emulator option now must be a function returning epoch milliseconds.');
  }
  const headersTimeoutMs = value('headersTimeoutMs');
  const requestTimeoutMs = value('requestTimeoutMs');
  if (requestTimeoutMs < headersTimeoutMs) {
    throw invalidOptions(
      `Emulator option requestTimeoutMs (${requestTimeoutMs}) is shorter than headersTimeoutMs (${headersTimeoutMs}): a whole request includes its headers, so make it at least as long.`,
    );
  }
  return {
    port: value('port'),
    host: value('host'),
    dataDir: resolveDataDir(value('dataDir')),
    databaseUrl: o.databaseUrl,
    databaseSchema: value('databaseSchema'),
    tls: value('tls'),
    rateLimits: normalizeRateLimits(value('rateLimits')),
    logger: logger === false ? () => {} : logger,
    logRequests: logger !== false,
    now,
    maxBodyBytes: value('maxBodyBytes'),
    maxClockSkewMs: value('maxClockSkewMs'),
    bearerTokens: value('bearerTokens'),
    trustedIssuers: normalizeTrustedIssuers(value('trustedIssuers')),
    publicEndpoint: o.publicEndpoint,
    rateLimitScope: value('rateLimitScope'),
    handshakeTimeoutMs: value('handshakeTimeoutMs'),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: value('keepAliveTimeoutMs'),
    maxConnections: value('maxConnections'),
  };
}
