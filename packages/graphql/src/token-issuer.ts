import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import {
  AcsIdentityError,
  type ApiVersion,
  apiVersionFor,
  DEFAULT_API_VERSION,
  toAcsIdentityError,
} from '@acs-identity/core';
import {
  computeHmacSignature,
  contentSha256,
  hmacStringToSign,
  isLoopbackHost,
  parseConnectionString,
} from '@acs-identity/core/node';
import type { IdentityBackend } from './identity-backend.js';

/** Where {@link createTokenIssuer} sends its requests. */
export interface TokenIssuerOptions {
  /** `endpoint=https://…;accesskey=…` of the resource (HMAC). */
  connectionString: string;
  /** Extra CA (PEM) to trust, e.g. the local emulator's; for a loopback endpoint the only one trusted. */
  caCertFile?: string;
  /**
   * The api-version of `issueToken`; a create with a custom id goes at the version that has custom ids (this one when
   * it does).
   * @default DEFAULT_API_VERSION
   */
  apiVersion?: ApiVersion;
  /**
   * Connections kept open to the service.
   * @default 64
   */
  maxSockets?: number;
  /**
   * How long one request may take before it fails with `SERVICE_UNAVAILABLE`, in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

/** A token for the identity of a custom id, and that identity. */
export interface CustomIdToken {
  rawId: string;
  customId?: string;
  lastTokenIssuedAt?: Date;
  token: string;
  expiresOn: Date;
}

/**
 * The hot paths of the gateway as one HMAC-signed request each, without the Azure SDK's pipeline: `issueToken`, and the
 * create with a custom id that issues a token (`issueMyToken` when identities are mapped through custom ids).
 */
export interface TokenIssuer {
  issueToken: IdentityBackend['issueToken'];
  /** `POST /identities` with `customId` and `createTokenWithScopes`: the identity of `customId` (made once) and a token. */
  issueForCustomId(
    customId: string,
    scopes: readonly string[],
    options?: { expiresInMinutes?: number },
  ): Promise<CustomIdToken>;
  /** Opens up to `count` connections to the service now, so the first requests do not wait for TLS handshakes. */
  warm(count: number): Promise<void>;
  close(): void;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * Whether the gateway may take {@link createTokenIssuer}'s direct path to `endpoint`: always for a loopback host, and
 * elsewhere only when no proxy variable is set (the Azure SDK's pipeline honours proxies; this path does not).
 */
export function directPathAllowed(
  endpoint: string,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return isLoopbackHost(new URL(endpoint).hostname) || PROXY_VARIABLES.every((name) => !env[name]);
}

function agentFor(url: URL, options: TokenIssuerOptions): HttpAgent | HttpsAgent {
  const maxSockets = options.maxSockets ?? 64;
  if (url.protocol === 'http:') return new HttpAgent({ keepAlive: true, maxSockets });
  if (options.caCertFile === undefined) return new HttpsAgent({ keepAlive: true, maxSockets });
  const ca = readFileSync(options.caCertFile, 'utf8');
  // One secure context for every connection (as core's client does): loopback trusts the given CA only.
  const secureContext = createSecureContext({
    ca: isLoopbackHost(url.hostname) ? [ca] : [...rootCertificates, ca],
  });
  return new HttpsAgent({ keepAlive: true, maxSockets, secureContext });
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    response.on('end', () => resolve(text));
    response.on('error', reject);
  });
}

/**
 * `POST /identities/{id}/:issueAccessToken` and `POST /identities` with a custom id and a token of the ACS Identity API,
 * signed as the Azure SDKs sign them (HMAC-SHA256 of method, path and query, `x-ms-date`, host and the body's
 * SHA-256), over keep-alive connections. Answers and errors are those of `@acs-identity/core`'s client (service errors
 * through `toAcsIdentityError`); a contract test holds the two to the same results. Callers validate the id, custom id,
 * scopes and lifetime first (the resolvers do).
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { endpoint, accessKey } = parseConnectionString(options.connectionString);
  const url = new URL(endpoint);
  const agent = agentFor(url, options);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const call = (method: string, pathAndQuery: string, body: string) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; text: string }>((resolve, reject) => {
      const date = new Date().toUTCString();
      const contentHash = contentSha256(body);
      const signature = computeHmacSignature(
        accessKey,
        hmacStringToSign({ method, pathAndQuery, date, host: url.host, contentHash }),
      );
      const req = send(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          method,
          path: pathAndQuery,
          agent,
          timeout: timeoutMs,
          headers: {
            host: url.host,
            'x-ms-date': date,
            'x-ms-content-sha256': contentHash,
            authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          readBody(response).then(
            (text) => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
            reject,
          );
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error('The service did not answer in time.'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Sends one signed request; the answer's JSON when its status is one of `ok`, else the service's error. */
  const exchange = async (pathAndQuery: string, body: string, ok: readonly number[]): Promise<unknown> => {
    let answer: Awaited<ReturnType<typeof call>>;
    try {
      answer = await call('POST', pathAndQuery, body);
    } catch (e) {
      throw toAcsIdentityError(e);
    }
    if (!ok.includes(answer.status)) {
      const headers = answer.headers;
      throw toAcsIdentityError({
        statusCode: answer.status,
        response: {
          status: answer.status,
          bodyAsText: answer.text,
          headers: { get: (name: string) => [headers[name]].flat()[0] },
        },
      });
    }
    return JSON.parse(answer.text) as unknown;
  };
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const customIdVersion = apiVersionFor('customId', apiVersion);
  const lifetime = (minutes: number | undefined) =>
    minutes === undefined ? {} : { expiresInMinutes: minutes };

  return {
    async issueToken(userId, scopes, issueOptions) {
      const pathAndQuery = `/identities/${encodeURIComponent(userId)}/:issueAccessToken?api-version=${apiVersion}`;
      const body = JSON.stringify({ scopes, ...lifetime(issueOptions?.expiresInMinutes) });
      const { token, expiresOn } = (await exchange(pathAndQuery, body, [200])) as {
        token?: unknown;
        expiresOn?: unknown;
      };
      if (typeof token !== 'string' || typeof expiresOn !== 'string') {
        throw new AcsIdentityError('UNEXPECTED', 'The service answered issueAccessToken without a token.');
      }
      return { token, expiresOn: new Date(expiresOn) };
    },
    async issueForCustomId(customId, scopes, issueOptions) {
      const body = JSON.stringify({
        customId,
        createTokenWithScopes: scopes,
        ...lifetime(issueOptions?.expiresInMinutes),
      });
      // 201 as the newest spec revision has it for a repeat too; 200 as older revisions had it.
      const answer = (await exchange(`/identities?api-version=${customIdVersion}`, body, [200, 201])) as {
        identity?: { id?: unknown; customId?: unknown; lastTokenIssuedAt?: unknown };
        accessToken?: { token?: unknown; expiresOn?: unknown };
      };
      const { identity, accessToken } = answer;
      if (
        typeof identity?.id !== 'string' ||
        typeof accessToken?.token !== 'string' ||
        typeof accessToken.expiresOn !== 'string'
      ) {
        throw new AcsIdentityError(
          'UNEXPECTED',
          'The service created the user but answered without its token.',
        );
      }
      return {
        rawId: identity.id,
        ...(typeof identity.customId === 'string' ? { customId: identity.customId } : {}),
        ...(typeof identity.lastTokenIssuedAt === 'string'
          ? { lastTokenIssuedAt: new Date(identity.lastTokenIssuedAt) }
          : {}),
        token: accessToken.token,
        expiresOn: new Date(accessToken.expiresOn),
      };
    },
    async warm(count) {
      // Any answer will do (the service answers 401 to an unsigned request): it leaves a connection open in the pool.
      await Promise.all(
        Array.from(
          { length: count },
          () =>
            new Promise<void>((resolve) => {
              const req = send(
                { protocol: url.protocol, hostname: url.hostname, port: url.port, path: '/', agent },
                (res) => {
                  res.resume();
                  res.on('end', resolve);
                },
              );
              req.on('error', () => resolve());
              req.end();
            }),
        ),
      );
    },
    close() {
      agent.destroy();
    },
  };
}
