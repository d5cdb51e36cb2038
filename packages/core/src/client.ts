/**
 * The ACS Identity operations over `@azure/communication-identity`, authenticated by connection string or by endpoint
 * plus a `TokenCredential`. Node entry.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates } from 'node:tls';
import {
  CommunicationIdentityClient,
  type CommunicationIdentityClientOptions,
} from '@azure/communication-identity';
import { AzureKeyCredential, type KeyCredential, type TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { apiVersionFeatures, isApiVersion } from './api-versions.js';
import { isLoopbackHost, normalizeEndpoint, parseConnectionString } from './connection-string.js';
import { AcsIdentityError, redactSecrets, toAcsIdentityError } from './errors.js';
import { assertCommunicationUserId } from './identifiers.js';
import { validateTokenLifetime } from './lifetimes.js';
import { parseScopes } from './scopes.js';
import { API_VERSIONS, type ApiVersion, DEFAULT_API_VERSION, type TokenScope } from './vocabulary.js';

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
  caCertFile?: string;
  /** Called once per HTTP attempt with a redacted summary. Never receives keys, tokens or signatures. */
  logger?: (entry: IdentityRequestLogEntry) => void;
  /** @default the Azure pipeline's defaults (3 retries, exponential back-off, honours Retry-After) */
  retry?: IdentityClientRetryOptions;
}

/** Options every operation takes. */
export interface IdentityOperationOptions {
  abortSignal?: AbortSignal;
}

/** Options of the operations that issue a token. */
export interface IssueTokenOptions extends IdentityOperationOptions {
  /** Token lifetime, 60..1440. @default 1440 (chosen by the service; not sent) */
  expiresInMinutes?: number;
}

export interface IssuedToken {
  token: string;
  expiresOn: Date;
}

export interface CreatedUser {
  rawId: string;
}

export interface CreatedUserAndToken extends IssuedToken {
  rawId: string;
}

export interface TeamsTokenExchangeInput {
  /** The Teams user's Entra ID access token (delegated `Teams.ManageCalls`, `Teams.ManageChats`). Secret. */
  aadToken: string;
  /** The Entra application (client) id the token was issued to: its `appid` claim. */
  appId: string;
  /** The Teams user's Entra object id: the token's `oid` claim. */
  userId: string;
}

/** The ACS Identity operations. Every failure is an `AcsIdentityError`. */
export interface IdentityClient {
  /** The endpoint, with a trailing slash. */
  readonly endpoint: string;
  readonly apiVersion: ApiVersion;
  createUser(options?: IdentityOperationOptions): Promise<CreatedUser>;
  createUserAndToken(scopes: readonly string[], options?: IssueTokenOptions): Promise<CreatedUserAndToken>;
  issueToken(userId: string, scopes: readonly string[], options?: IssueTokenOptions): Promise<IssuedToken>;
  revokeTokens(userId: string, options?: IdentityOperationOptions): Promise<void>;
  deleteUser(userId: string, options?: IdentityOperationOptions): Promise<void>;
  exchangeTeamsToken(
    input: TeamsTokenExchangeInput,
    options?: IdentityOperationOptions,
  ): Promise<IssuedToken>;
}

interface NormalizedOptions {
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

function normalizeOptions(options: IdentityClientOptions): NormalizedOptions {
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

/**
 * A local endpoint is reached directly even when HTTPS_PROXY/HTTP_PROXY are set: the pipeline's proxy policy would
 * send loopback traffic to the proxy (and its proxy agent would drop the per-client CA).
 */
const loopbackWithoutProxyPolicy: PipelinePolicy = {
  name: 'acsIdentityLoopbackWithoutProxy',
  sendRequest(request, next) {
    delete request.agent;
    return next(request);
  },
};

function requestLoggerPolicy(logger: (entry: IdentityRequestLogEntry) => void): PipelinePolicy {
  const emit = (entry: IdentityRequestLogEntry) => {
    try {
      logger(entry);
    } catch {
      // A failing logger must not fail the operation.
    }
  };
  return {
    name: 'acsIdentityRequestLogger',
    async sendRequest(request, next) {
      const started = performance.now();
      const base = { method: request.method, url: redactSecrets(request.url), requestId: request.requestId };
      try {
        const response = await next(request);
        emit({ ...base, status: response.status, durationMs: Math.round(performance.now() - started) });
        return response;
      } catch (e) {
        const status = (e as { statusCode?: unknown }).statusCode;
        const entry: IdentityRequestLogEntry = {
          ...base,
          durationMs: Math.round(performance.now() - started),
        };
        if (typeof status === 'number') entry.status = status;
        else entry.error = toAcsIdentityError(e).code;
        emit(entry);
        throw e;
      }
    },
  };
}

/**
 * The SDK's `RestError` keeps the request it sent: its headers (the bearer token or HMAC signature) and body (the Teams
 * user's Entra token). It becomes our error's `cause`, so keep only the method and URL of that request.
 */
function withoutRequestSecrets(e: unknown): unknown {
  const err = e as { request?: { method?: unknown; url?: unknown }; response?: { request?: unknown } } | null;
  if (err && typeof err === 'object' && err.request && typeof err.request === 'object') {
    const request = { method: err.request.method, url: err.request.url };
    try {
      err.request = request;
      if (err.response && typeof err.response === 'object') err.response.request = request;
    } catch {
      // A frozen error keeps its request; nothing more we can do.
    }
  }
  return e;
}

const GUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/**
 * Creates an {@link IdentityClient}. Validates the options first and throws `AcsIdentityError` with code
 * `NOT_CONFIGURED` (nothing to connect to, unreadable CA file) or `INVALID_INPUT` (malformed connection string,
 * endpoint, api-version...). Makes no network call.
 */
export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const o = normalizeOptions(options);
  const features = apiVersionFeatures(o.apiVersion);
  const sdkOptions: CommunicationIdentityClientOptions & { apiVersion: string } = {
    apiVersion: o.apiVersion,
  };
  if (o.insecure) sdkOptions.allowInsecureConnection = true;
  if (o.ca) {
    // One secure context per client, handed to the agent instead of the `ca` list: Node's https agent keys its
    // connection pool by a string that concatenates every `ca` entry (the public roots plus ours) on every request,
    // and builds a fresh context per connection; a prebuilt context avoids both (a third of the gateway's CPU).
    const secureContext = createSecureContext({ ca: o.ca });
    sdkOptions.tlsOptions = { secureContext } as NonNullable<
      CommunicationIdentityClientOptions['tlsOptions']
    >;
  }
  if (o.retry) sdkOptions.retryOptions = o.retry;
  const policies: NonNullable<CommunicationIdentityClientOptions['additionalPolicies']> = [];
  if (o.loopback) policies.push({ policy: loopbackWithoutProxyPolicy, position: 'perRetry' });
  if (o.logger) policies.push({ policy: requestLoggerPolicy(o.logger), position: 'perRetry' });
  if (policies.length > 0) sdkOptions.additionalPolicies = policies;
  // The SDK reads `apiVersion` from its options at runtime although its public type does not declare it.
  const sdk = new CommunicationIdentityClient(o.endpoint, o.credential as TokenCredential, sdkOptions);

  const opts = (options?: IdentityOperationOptions) =>
    options?.abortSignal ? { abortSignal: options.abortSignal } : {};

  function scopesFor(input: readonly string[]): TokenScope[] {
    const scopes = parseScopes(input);
    const unsupported = scopes.filter((s) => !features.scopes.includes(s));
    if (unsupported.length > 0) {
      throw new AcsIdentityError(
        'INVALID_INPUT',
        `Scope ${unsupported.join(', ')} needs api-version 2023-10-01 or later; this client uses ${o.apiVersion}.`,
        { target: 'scopes' },
      );
    }
    return scopes;
  }

  function tokenOptions(options?: IssueTokenOptions) {
    const out: { tokenExpiresInMinutes?: number; abortSignal?: AbortSignal } = opts(options);
    if (options?.expiresInMinutes !== undefined) {
      const minutes = validateTokenLifetime(options.expiresInMinutes);
      if (!features.expiresInMinutes) {
        throw new AcsIdentityError(
          'INVALID_INPUT',
          `A custom token lifetime needs api-version 2022-10-01 or later; this client uses ${o.apiVersion}.`,
          { target: 'ExpiresInMinutes' },
        );
      }
      out.tokenExpiresInMinutes = minutes;
    }
    return out;
  }

  async function run<T>(local: () => () => Promise<T>): Promise<T> {
    // Validation errors are thrown synchronously by `local` and surface as rejections, before any network call.
    let call: () => Promise<T>;
    try {
      call = local();
    } catch (e) {
      throw toAcsIdentityError(e);
    }
    try {
      return await call();
    } catch (e) {
      throw toAcsIdentityError(withoutRequestSecrets(e));
    }
  }

  return {
    endpoint: o.endpoint,
    apiVersion: o.apiVersion,
    createUser: (options) =>
      run(() => async () => {
        const user = await sdk.createUser(opts(options));
        return { rawId: user.communicationUserId };
      }),
    createUserAndToken: (scopes, options) =>
      run(() => {
        const s = scopesFor(scopes);
        const t = tokenOptions(options);
        return async () => {
          const r = await sdk.createUserAndToken(s, t);
          return { rawId: r.user.communicationUserId, token: r.token, expiresOn: r.expiresOn };
        };
      }),
    issueToken: (userId, scopes, options) =>
      run(() => {
        const id = assertCommunicationUserId(userId, 'userId');
        const s = scopesFor(scopes);
        const t = tokenOptions(options);
        return async () => {
          const r = await sdk.getToken({ communicationUserId: id }, s, t);
          return { token: r.token, expiresOn: r.expiresOn };
        };
      }),
    revokeTokens: (userId, options) =>
      run(() => {
        const id = assertCommunicationUserId(userId, 'userId');
        return () => sdk.revokeTokens({ communicationUserId: id }, opts(options));
      }),
    deleteUser: (userId, options) =>
      run(() => {
        const id = assertCommunicationUserId(userId, 'userId');
        return () => sdk.deleteUser({ communicationUserId: id }, opts(options));
      }),
    exchangeTeamsToken: (input, options) =>
      run(() => {
        if (!features.teamsExchange) {
          throw new AcsIdentityError(
            'INVALID_INPUT',
            `The Teams token exchange needs api-version 2022-06-01 or later; this client uses ${o.apiVersion}.`,
          );
        }
        const { aadToken, appId, userId } = input ?? ({} as Partial<TeamsTokenExchangeInput>);
        if (typeof aadToken !== 'string' || aadToken.trim() === '') {
          throw new AcsIdentityError(
            'INVALID_INPUT',
            "aadToken is required: the Teams user's Entra ID access token.",
            {
              target: 'token',
            },
          );
        }
        if (typeof appId !== 'string' || !GUID.test(appId)) {
          throw new AcsIdentityError('INVALID_INPUT', 'Provided AppId has invalid format.', {
            target: 'appId',
          });
        }
        if (typeof userId !== 'string' || !GUID.test(userId)) {
          throw new AcsIdentityError('INVALID_INPUT', 'Provided UserId has invalid format.', {
            target: 'userId',
          });
        }
        return async () => {
          const r = await sdk.getTokenForTeamsUser({
            teamsUserAadToken: aadToken,
            clientId: appId,
            userObjectId: userId,
            ...opts(options),
          });
          return { token: r.token, expiresOn: r.expiresOn };
        };
      }),
  };
}
