/**
 * The one error class of @acs-identity/core, its closed code table, a guard and a converter that turns
 * anything thrown (our errors, the Azure SDK's `RestError`, network errors) into it.
 *
 * Isomorphic: no Node built-ins.
 */

import { type AcsIdentityErrorCode, ERROR_CODES } from './vocabulary.js';

/** Extra facts an {@link AcsIdentityError} may carry. */
export interface AcsIdentityErrorOptions {
  /** The original error, kept for debugging. */
  cause?: unknown;
  /** HTTP status answered by the service, when there was an answer. */
  status?: number;
  /** The service's own error code, e.g. `ValidationError` or `IdentityNotOwned`. */
  serviceCode?: string;
  /** The input field the error is about, e.g. `scopes` or `ExpiresInMinutes`. */
  target?: string;
  /** How long to wait before retrying (throttling), in milliseconds. */
  retryAfterMs?: number;
}

/** The error every acs-identity operation throws. `message` never contains keys, tokens or connection strings. */
export class AcsIdentityError extends Error {
  override readonly name = 'AcsIdentityError';
  readonly code: AcsIdentityErrorCode;
  declare readonly status?: number;
  declare readonly serviceCode?: string;
  declare readonly target?: string;
  declare readonly retryAfterMs?: number;

  constructor(code: AcsIdentityErrorCode, message: string, options: AcsIdentityErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.serviceCode !== undefined) this.serviceCode = options.serviceCode;
    if (options.target !== undefined) this.target = options.target;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `e` is an {@link AcsIdentityError} (also across duplicated copies of this package). */
export function isAcsIdentityError(e: unknown): e is AcsIdentityError {
  return (
    e instanceof AcsIdentityError ||
    (e instanceof Error &&
      e.name === 'AcsIdentityError' &&
      (ERROR_CODES as readonly unknown[]).includes((e as { code?: unknown }).code))
  );
}

/**
 * Removes secrets from free text: JWTs, `accesskey=...`, HMAC signatures, bearer tokens and long base64 keys.
 * Used on every message this package builds from foreign text.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<redacted token>')
    .replace(/(accesskey|signature|sig|key|password|secret)=[^;&\s"']*/gi, '$1=<redacted>')
    .replace(/(bearer|hmac-sha256)\s+[^\s"']+/gi, '$1 <redacted>')
    .replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '<redacted>');
}

/**
 * A request URL for a log line: the path is kept whole (ids, routes: never secrets, and the base64 rule of
 * {@link redactSecrets} would mangle long paths), query values whose names suggest a secret are redacted, and anything
 * that is not a URL goes through {@link redactSecrets}.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(url);
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (/sig|key|secret|token|password|code/i.test(name)) parsed.searchParams.set(name, 'redacted');
  }
  return parsed.toString();
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ECONNABORTED',
  'REQUEST_SEND_ERROR',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type HeaderSource =
  | { get?: (name: string) => string | undefined | null }
  | Record<string, unknown>
  | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function retryAfterMs(headers: HeaderSource, now: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(header(headers, name));
    if (header(headers, name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = header(headers, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface ServiceError {
  code?: string;
  message?: string;
  target?: string;
}

function serviceError(details: unknown, bodyAsText: unknown): ServiceError {
  let body = details;
  if (!(body && typeof body === 'object' && 'error' in body) && typeof bodyAsText === 'string') {
    try {
      body = JSON.parse(bodyAsText);
    } catch {
      body = undefined;
    }
  }
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (!error || typeof error !== 'object') return {};
  const { code, message, target } = error as Record<string, unknown>;
  const out: ServiceError = {};
  if (typeof code === 'string') out.code = code;
  if (typeof message === 'string') out.message = message;
  if (typeof target === 'string') out.target = target;
  return out;
}

function codeForStatus(status: number, serviceCode: string | undefined): AcsIdentityErrorCode {
  if (status === 401) return serviceCode === 'IdentityNotOwned' ? 'IDENTITY_NOT_OWNED' : 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400 || status === 422) return 'INVALID_INPUT';
  if (status === 429) return 'THROTTLED';
  if (status >= 500 || status === 408) return 'SERVICE_UNAVAILABLE';
  return 'UNEXPECTED';
}

const DEFAULT_MESSAGES: Partial<Record<AcsIdentityErrorCode, string>> = {
  UNAUTHENTICATED:
    'The service rejected the credentials. Check the access key in the connection string, or the Entra ID credential and its role on the resource.',
  FORBIDDEN: 'The credential is not allowed to perform this operation on the resource.',
  NOT_FOUND: 'The service does not know this resource or identity. Check the endpoint and the id.',
  IDENTITY_NOT_OWNED: "Provided identity doesn't belong to the resource.",
  INVALID_INPUT: 'The service rejected the request as invalid.',
  SERVICE_UNAVAILABLE: 'The ACS Identity service failed to answer. Try again later.',
};

/** `String(value)`, or a description when the value cannot be turned into a string (e.g. a null-prototype object). */
function stringOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `a value of type ${typeof value}`;
  }
}

/**
 * Turns anything thrown into an {@link AcsIdentityError}: ours are returned unchanged; an Azure `RestError`
 * (or anything with `statusCode`/`status` and the service's `{error:{code,message,target}}` body) is mapped by
 * status; network failures become `SERVICE_UNAVAILABLE`; everything else `UNEXPECTED`. The original is kept as `cause`.
 */
export function toAcsIdentityError(e: unknown, options: { now?: () => number } = {}): AcsIdentityError {
  if (isAcsIdentityError(e)) return e;
  const err = (e && typeof e === 'object' ? e : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    statusCode?: unknown;
    status?: unknown;
    details?: unknown;
    response?: { status?: unknown; headers?: HeaderSource; bodyAsText?: unknown };
    request?: { url?: unknown };
    cause?: unknown;
  };
  const rawMessage = redactSecrets(typeof err.message === 'string' ? err.message : stringOf(e));
  if (err.name === 'CredentialUnavailableError' || err.name === 'AggregateAuthenticationError') {
    return new AcsIdentityError(
      'NOT_CONFIGURED',
      'No Entra ID credential is available (DefaultAzureCredential found no environment credentials, managed identity or Azure CLI login). Run `az login`, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use a connection string.',
      { cause: e },
    );
  }
  if (err.name === 'AuthenticationError') {
    const firstLine = rawMessage.split('\n')[0] ?? '';
    return new AcsIdentityError(
      'UNAUTHENTICATED',
      `Entra ID authentication failed: ${firstLine.slice(0, 300)}`,
      {
        cause: e,
      },
    );
  }
  const status = [err.statusCode, err.status, err.response?.status].find((s) => typeof s === 'number') as
    | number
    | undefined;

  if (status !== undefined && status >= 100) {
    const svc = serviceError(err.details, err.response?.bodyAsText);
    const serviceCode =
      svc.code ?? (typeof err.code === 'string' && /^[A-Z][A-Za-z]+$/.test(err.code) ? err.code : undefined);
    const code = codeForStatus(status, serviceCode);
    const opts: AcsIdentityErrorOptions = { cause: e, status };
    if (serviceCode !== undefined) opts.serviceCode = serviceCode;
    if (svc.target !== undefined) opts.target = svc.target;
    let message = svc.message ? redactSecrets(svc.message) : DEFAULT_MESSAGES[code];
    if (code === 'THROTTLED') {
      const wait = retryAfterMs(err.response?.headers, (options.now ?? Date.now)());
      if (wait !== undefined) opts.retryAfterMs = wait;
      message ??= `The service is throttling requests (429). Retry${wait === undefined ? ' later' : ` after ${wait} ms`}.`;
    }
    return new AcsIdentityError(code, message ?? `The service answered with HTTP ${status}.`, opts);
  }

  const causeCode = (err.cause as { code?: unknown } | undefined)?.code;
  const networkCode = [err.code, causeCode].find((c): c is string => typeof c === 'string');
  let where = '';
  if (typeof err.request?.url === 'string') {
    try {
      where = ` at ${new URL(err.request.url).origin}`;
    } catch {
      // no origin to show
    }
  }
  if (networkCode && TLS_ERROR_CODES.has(networkCode)) {
    return new AcsIdentityError(
      'NOT_CONFIGURED',
      `The TLS certificate of the service${where} is not trusted (${networkCode}). Trust its CA certificate; for a local emulator, the file named caCertFile in its emulator.json.`,
      { cause: e, target: 'caCertFile' },
    );
  }
  if (networkCode && NETWORK_ERROR_CODES.has(networkCode)) {
    return new AcsIdentityError(
      'SERVICE_UNAVAILABLE',
      `Could not reach the ACS Identity service${where} (${networkCode}): ${rawMessage}. Check the endpoint and that the service is running.`,
      { cause: e },
    );
  }
  if (err.name === 'AbortError')
    return new AcsIdentityError('UNEXPECTED', 'The operation was aborted.', { cause: e });
  return new AcsIdentityError('UNEXPECTED', `Unexpected error: ${rawMessage}`, { cause: e });
}

/** Quotes user input for an error message without leaking secrets or flooding the terminal. */
export function describeInput(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value !== 'string') return `a value of type ${typeof value}`;
  const clean = redactSecrets(value);
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 77)}...` : clean);
}
