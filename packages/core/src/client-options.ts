/**
 * How an identity client reaches and authenticates to an ACS resource (or the local emulator): its options, checked
 * and resolved once. Node entry.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { AzureKeyCredential, type KeyCredential, type TokenCredential } from '@azure/core-auth';
import { isApiVersion } from './api-versions.js';
import { isLoopbackHost, normalizeEndpoint, parseConnectionString } from './connection-string.js';
import { AcsIdentityError } from './errors.js';
import { API_VERSIONS, type ApiVersion, DEFAULT_API_VERSION } from './vocabulary.js';

/** One HTTP request made by an {@link IdentityClient}, as given to {@link IdentityClientOptions.logger}. */
export interface IdentityRequestLogEntry {
  method: string;
  /** The request URL. It holds no secret (ids and api-version only); redacted anyway. */
  url: string;
  /** HTTP status, absent when no answer came. */
  status?: number;
  durationMs: number;
  /** The `x-ms-client-request-id` sent with the request. */
  requestId?: string;
  /** The error code when the request failed without an answer (e.g. `SERVICE_UNAVAILABLE`). */
  error?: string;
}

/** Retry settings passed to the Azure pipeline. */
export interface IdentityClientRetryOptions {
  /** @default 3 */
  maxRetries?: number;
  /** Base delay between attempts, doubled each time. @default 800 */
  retryDelayInMs?: number;
  /** @default 64000 */
  maxRetryDelayInMs?: number;
}

/** How to reach and authenticate to an ACS resource (or the local emulator). */
export interface IdentityClientOptions {
  /**
   * `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`. Requests are HMAC-signed.
   * Give either this or {@link endpoint}.
   */
  connectionString?: string;
  /** The resource endpoint, authenticated with {@link credential} (Entra ID). */
  endpoint?: string;
  /**
   * The Entra ID credential used with {@link endpoint}.
   * @default new DefaultAzureCredential() from `@azure/identity` (environment, managed identity, Azure CLI...), loaded on
   *   first use
   */
  credential?: TokenCredential;
  /** @default '2023-10-01' */
  apiVersion?: ApiVersion;
  /**
   * A PEM file with CA certificates to trust for this client's HTTPS requests, in addition to the public roots
   * (e.g. the emulator's `ca.pem`). No need for `NODE_EXTRA_CA_CERTS`. Ignored for plain-HTTP endpoints.
   */
  caCertFile?: string | undefined;
  /** Called once per HTTP attempt with a redacted summary. Never receives keys, tokens or signatures. */
  logger?: (entry: IdentityRequestLogEntry) => void;
  /** @default the Azure pipeline's defaults (3 retries, exponential back-off, honours Retry-After) */
  retry?: IdentityClientRetryOptions;
}

/** Options every operation takes. */
export interface IdentityOperationOptions {
  abortSignal?: AbortSignal;
}

/** The options, checked and resolved. */
export interface NormalizedOptions {
  endpoint: string;
  credential: KeyCredential | TokenCredential;
  apiVersion: ApiVersion;
  insecure: boolean;
  loopback: boolean;
  ca?: string[];
  logger?: (entry: IdentityRequestLogEntry) => void;
  retry?: IdentityClientRetryOptions;
}

function lazyDefaultAzureCredential(): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= import('@azure/identity').then((m) => new m.DefaultAzureCredential());
      return (await credential).getToken(scopes, options);
    },
  };
}

/**
 * The CA certificates a client trusts: the file's, plus `NODE_EXTRA_CA_CERTS`, plus the public roots unless the
 * endpoint is a loopback host. No public CA issues certificates for localhost or 127.0.0.1, so a loopback server (the
 * local emulator) can only present a private CA's certificate; leaving the ~150 public roots out of its trust list
 * saves parsing them, about 35 ms of every CLI command against the emulator.
 */
function readCaFile(path: string, loopback: boolean): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'unreadable';
    throw new AcsIdentityError('NOT_CONFIGURED', `Cannot read the CA certificate file ${path} (${code}).`, {
      cause: e,
      target: 'caCertFile',
    });
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certs) {
    throw new AcsIdentityError('INVALID_INPUT', `The CA certificate file ${path} holds no PEM certificate.`, {
      target: 'caCertFile',
    });
  }
  const extra = process.env.NODE_EXTRA_CA_CERTS ? safeRead(process.env.NODE_EXTRA_CA_CERTS) : [];
  return loopback ? [...extra, ...certs] : [...rootCertificates, ...extra, ...certs];
}

function safeRead(path: string): string[] {
  try {
    return (
      readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    );
  } catch {
    return [];
  }
}

/** Checks and resolves the options; throws `AcsIdentityError` (`NOT_CONFIGURED`, `INVALID_INPUT`) saying what to fix. */
export function normalizeOptions(options: IdentityClientOptions): NormalizedOptions {
  if (!options || typeof options !== 'object') {
    throw new AcsIdentityError('INVALID_INPUT', 'createIdentityClient needs an options object.');
  }
  const {
    connectionString,
    endpoint,
    credential,
    apiVersion = DEFAULT_API_VERSION,
    caCertFile,
    logger,
    retry,
  } = options;
  if (connectionString !== undefined && endpoint !== undefined) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      'Give either a connection string or an endpoint (with an Entra ID credential), not both.',
    );
  }
  if (connectionString !== undefined && credential !== undefined) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      'A credential is used with an endpoint only; a connection string carries its own access key.',
      { target: 'credential' },
    );
  }
  if (connectionString === undefined && endpoint === undefined) {
    throw new AcsIdentityError(
      'NOT_CONFIGURED',
      'No ACS endpoint configured. Give a connection string (AZURE_COMMUNICATION_CONNECTION_STRING) or an endpoint (AZURE_COMMUNICATION_ENDPOINT) with an Entra ID credential.',
    );
  }
  if (!isApiVersion(apiVersion)) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `Unsupported api-version ${JSON.stringify(String(apiVersion).slice(0, 40))}. Supported: ${API_VERSIONS.join(', ')}.`,
      { target: 'apiVersion' },
    );
  }
  if (logger !== undefined && typeof logger !== 'function') {
    throw new AcsIdentityError('INVALID_INPUT', 'The logger option must be a function.', {
      target: 'logger',
    });
  }
  let url: string;
  let cred: KeyCredential | TokenCredential;
  if (connectionString !== undefined) {
    const parsed = parseConnectionString(connectionString);
    url = parsed.endpoint;
    cred = new AzureKeyCredential(parsed.accessKey);
  } else {
    url = normalizeEndpoint(String(endpoint));
    if (credential !== undefined && typeof (credential as { getToken?: unknown }).getToken !== 'function') {
      throw new AcsIdentityError(
        'INVALID_INPUT',
        'The credential must be a TokenCredential (with getToken).',
        {
          target: 'credential',
        },
      );
    }
    cred = credential ?? lazyDefaultAzureCredential();
  }
  const { protocol, hostname } = new URL(url);
  const insecure = protocol === 'http:';
  if (insecure && !isLoopbackHost(hostname)) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `Plain-HTTP endpoints are allowed for loopback hosts only (localhost, 127.0.0.1, ::1); use https:// for ${hostname}.`,
      { target: 'endpoint' },
    );
  }
  if (insecure && !(cred instanceof AzureKeyCredential)) {
    throw new AcsIdentityError(
      'NOT_CONFIGURED',
      'Entra ID (bearer token) authentication needs HTTPS: the Azure SDK refuses to send tokens over plain HTTP. Use the https:// endpoint (with caCertFile for a local CA) or a connection string.',
      { target: 'endpoint' },
    );
  }
  const out: NormalizedOptions = {
    endpoint: url,
    credential: cred,
    apiVersion,
    insecure,
    loopback: isLoopbackHost(hostname),
  };
  if (caCertFile !== undefined && !insecure) out.ca = readCaFile(caCertFile, out.loopback);
  if (logger) out.logger = logger;
  if (retry) out.retry = retry;
  return out;
}
