import { isAbsolute, resolve } from 'node:path';
import type { TrustedIssuer } from './entra.js';
import { EmulatorError } from './errors.js';

/** The operations the rate limiter counts, each with its own per-window budget. */
export const RATE_LIMITED_OPERATIONS = [
  'create',
  'createWithToken',
  'delete',
  'issue',
  'revoke',
  'exchangeTeamsToken',
] as const;
export type RateLimitedOperation = (typeof RATE_LIMITED_OPERATIONS)[number];

/** Per-resource request budgets per window; omitted operations keep the service's limits. */
export interface RateLimitOptions extends Partial<Record<RateLimitedOperation, number>> {
  /** Length of one fixed window in milliseconds. @default 30000 */
  windowMs?: number;
}

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

export interface EmulatorOptions {
  /** TCP port; `0` picks any free port. @default 0 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Folder for the SQLite database, TLS material and `emulator.json`, relative to the current folder. @default '.acs-identity' */
  dataDir?: string;
  /** `postgres://` or `postgresql://` URL: keep identities, revocations and keys in PostgreSQL instead of SQLite. @default undefined (SQLite in dataDir) */
  databaseUrl?: string;
  /** PostgreSQL schema holding the emulator's tables (created when missing). @default 'acs_emulator' */
  databaseSchema?: string;
  /** Serve HTTPS with a locally generated CA (`true`) or plain HTTP (`false`). @default true */
  tls?: boolean;
  /** The service's per-30-second limits (`true`), none (`false`), or custom budgets. @default true */
  rateLimits?: boolean | RateLimitOptions;
  /** Receives one entry per request and lifecycle event; `false` silences it. @default JSON lines on stdout */
  logger?: EmulatorLogger | false;
  /** Milliseconds since the epoch; inject to drive time in tests. @default Date.now */
  clock?: () => number;
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
}

/** The service's limits per 30 seconds (reference section 7). */
export const SERVICE_RATE_LIMITS: Readonly<Record<RateLimitedOperation, number>> = {
  create: 1000,
  createWithToken: 1000,
  delete: 500,
  issue: 1000,
  revoke: 500,
  exchangeTeamsToken: 500,
};

export interface NormalizedRateLimits {
  windowMs: number;
  limits: Record<RateLimitedOperation, number>;
}

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
  clock: () => number;
  maxBodyBytes: number;
  maxClockSkewMs: number;
  bearerTokens: boolean;
  trustedIssuers: readonly TrustedIssuer[];
}

export const DEFAULT_DATA_DIR = '.acs-identity';

function invalid(message: string): EmulatorError {
  return new EmulatorError('INVALID_OPTIONS', message);
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(`Emulator option ${name} must be a positive integer; got ${String(value)}.`);
  }
  return value;
}

/** Resolves a data folder the way every entry point does: relative to the current folder. */
export function resolveDataDir(dataDir: string = DEFAULT_DATA_DIR): string {
  if (typeof dataDir !== 'string' || dataDir.trim() === '') {
    throw invalid('Emulator option dataDir must be a non-empty folder path.');
  }
  return isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir);
}

/** Writes one JSON line per entry on stdout. */
export const jsonLinesLogger: EmulatorLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

/** Resolves defaults and validates every option, throwing an `INVALID_OPTIONS` error that says what to fix. */
export function normalizeOptions(options: EmulatorOptions = {}): NormalizedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(
      `Emulator option port must be an integer from 0 to 65535 (0 picks a free port); got ${String(port)}.`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '' || /[\s/]/.test(host)) {
    throw invalid(
      `Emulator option host must be a host name or IP address such as 127.0.0.1; got ${String(host)}.`,
    );
  }
  const databaseUrl = options.databaseUrl;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw invalid('Emulator option databaseUrl must start with postgres:// or postgresql://.');
  }
  const databaseSchema = options.databaseSchema ?? 'acs_emulator';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw invalid(
      `Emulator option databaseSchema must be a lower-case SQL identifier (letters, digits, _); got ${databaseSchema}.`,
    );
  }
  let rateLimits: NormalizedRateLimits | false = false;
  const rl = options.rateLimits ?? true;
  if (rl !== false) {
    const custom: RateLimitOptions = rl === true ? {} : rl;
    if (typeof custom !== 'object' || custom === null) {
      throw invalid('Emulator option rateLimits must be true, false or an object of per-operation limits.');
    }
    const limits = { ...SERVICE_RATE_LIMITS };
    for (const op of RATE_LIMITED_OPERATIONS) {
      limits[op] = positiveInteger(custom[op], `rateLimits.${op}`, SERVICE_RATE_LIMITS[op]);
    }
    for (const key of Object.keys(custom)) {
      if (key !== 'windowMs' && !(RATE_LIMITED_OPERATIONS as readonly string[]).includes(key)) {
        throw invalid(
          `Unknown emulator option rateLimits.${key}; use windowMs or one of ${RATE_LIMITED_OPERATIONS.join(', ')}.`,
        );
      }
    }
    rateLimits = { windowMs: positiveInteger(custom.windowMs, 'rateLimits.windowMs', 30_000), limits };
  }
  const logger = options.logger === false ? () => {} : (options.logger ?? jsonLinesLogger);
  if (typeof logger !== 'function') throw invalid('Emulator option logger must be a function or false.');
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function')
    throw invalid('Emulator option clock must be a function returning epoch ms.');
  return {
    port,
    host,
    dataDir: resolveDataDir(options.dataDir),
    databaseUrl,
    databaseSchema,
    tls: options.tls ?? true,
    rateLimits,
    logger,
    logRequests: options.logger !== false,
    clock,
    maxBodyBytes: positiveInteger(options.maxBodyBytes, 'maxBodyBytes', 64 * 1024),
    maxClockSkewMs: positiveInteger(options.maxClockSkewMs, 'maxClockSkewMs', 5 * 60 * 1000),
    bearerTokens: options.bearerTokens ?? false,
    trustedIssuers: normalizeTrustedIssuers(options.trustedIssuers),
  };
}

function normalizeTrustedIssuers(value: unknown): readonly TrustedIssuer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalid('Emulator option trustedIssuers must be an array of { issuer, jwksUrl | jwks }.');
  return value.map((t: unknown, i) => {
    const v = (t ?? {}) as Partial<TrustedIssuer>;
    if (typeof v.issuer !== 'string' || !/^https?:\/\//.test(v.issuer)) {
      throw invalid(
        `Emulator option trustedIssuers[${i}].issuer must be the issuer URL (the tokens' iss claim).`,
      );
    }
    const hasUrl = typeof v.jwksUrl === 'string' && /^https?:\/\//.test(v.jwksUrl);
    const hasSet = typeof v.jwks === 'object' && v.jwks !== null && Array.isArray(v.jwks.keys);
    if (v.jwksUrl !== undefined && !hasUrl) {
      throw invalid(`Emulator option trustedIssuers[${i}].jwksUrl must be an http(s) URL.`);
    }
    if (v.jwks !== undefined && !hasSet) {
      throw invalid(`Emulator option trustedIssuers[${i}].jwks must be a key set ({ keys: [...] }).`);
    }
    return {
      issuer: v.issuer,
      ...(hasUrl ? { jwksUrl: v.jwksUrl as string } : {}),
      ...(hasSet && v.jwks ? { jwks: v.jwks } : {}),
    };
  });
}
