/**
 * A small stand-in for the ACS Identity service, for core's integration tests: it checks every request's HMAC-SHA256
 * signature (reference section 4) or bearer token, and answers with the service's status codes, bodies and errors
 * (sections 1 and 3). The emulator package is the faithful one; this only has to be right about what core relies on.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { API_VERSIONS, formatServiceTimestamp, TOKEN_SCOPES } from '../../src/index.js';
import { computeHmacSignature, contentSha256, hmacStringToSign } from '../../src/node.js';
import type { TestTls } from './tls.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** How the request authenticated. */
  auth: 'hmac' | 'bearer' | 'denied';
}

export interface CannedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeAcsService {
  endpoint: string;
  connectionString: string;
  accessKey: string;
  resourceId: string;
  requests: RecordedRequest[];
  /** Answers the next authenticated request with this response instead of the normal one. */
  failNext(response: CannedResponse): void;
  close(): Promise<void>;
}

export interface FakeAcsServiceOptions {
  /** Serve HTTPS with this certificate; plain HTTP when absent. */
  tls?: TestTls;
  /** A bearer token accepted in place of HMAC. */
  bearerToken?: string;
  /** The Entra token, app id and object id the Teams exchange accepts. */
  teams?: { aadToken: string; appId: string; userId: string };
}

const MAX_SKEW_MS = 5 * 60_000;
const error = (status: number, code: string, message: string, target?: string): CannedResponse => ({
  status,
  body: { error: { code, message, ...(target ? { target } : {}) } },
});
const DENIED = error(401, 'Denied', 'Denied by the resource provider.');

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startFakeAcsService(options: FakeAcsServiceOptions = {}): Promise<FakeAcsService> {
  const accessKey = randomBytes(32).toString('base64');
  const resourceId = randomUUID();
  const requests: RecordedRequest[] = [];
  const canned: CannedResponse[] = [];
  const users = new Set<string>();

  function authenticate(req: IncomingMessage, body: string): RecordedRequest['auth'] {
    const auth = req.headers.authorization ?? '';
    if (options.bearerToken && auth === `Bearer ${options.bearerToken}`) return 'bearer';
    const match = /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$/.exec(auth);
    const date = req.headers['x-ms-date'];
    const hash = req.headers['x-ms-content-sha256'];
    const host = req.headers.host;
    if (!match?.[1] || typeof date !== 'string' || typeof hash !== 'string' || !host) return 'denied';
    if (!same(hash, contentSha256(body))) return 'denied';
    if (!(Math.abs(Date.parse(date) - Date.now()) <= MAX_SKEW_MS)) return 'denied';
    const expected = computeHmacSignature(
      accessKey,
      hmacStringToSign({
        method: req.method ?? '',
        pathAndQuery: req.url ?? '',
        date,
        host,
        contentHash: hash,
      }),
    );
    return same(match[1], expected) ? 'hmac' : 'denied';
  }

  function token(id: string, scopes: string[], minutes: number) {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + minutes * 60;
    const claims = {
      skypeid: id.slice(2),
      scp: 1792,
      csi: String(iat),
      iat,
      exp,
      acsScope: scopes.join(','),
      resourceId,
    };
    return {
      token: `${b64url({ alg: 'RS256', kid: 'test', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`,
      expiresOn: formatServiceTimestamp(new Date(exp * 1000)),
    };
  }

  function validateTokenRequest(scopes: unknown, minutes: unknown): CannedResponse | number {
    if (!Array.isArray(scopes) || scopes.length === 0) {
      return error(400, 'ValidationError', 'Invalid scopes - Scopes field is required.', 'scopes');
    }
    const unknown = scopes.find((s) => !(TOKEN_SCOPES as readonly unknown[]).includes(s));
    if (unknown !== undefined)
      return error(400, 'ValidationError', `Invalid scope ${String(unknown)}.`, 'scopes');
    if (minutes === undefined) return 1440;
    if (typeof minutes !== 'number' || minutes < 60 || minutes > 1440) {
      return error(
        400,
        'ValidationError',
        `ExpiresInMinutes value ${String(minutes)} is invalid. Value must be within the [60, 1440] interval.`,
        'ExpiresInMinutes',
      );
    }
    return minutes;
  }

  function route(method: string, url: URL, body: Record<string, unknown>): CannedResponse {
    const path = url.pathname;
    if (method === 'POST' && path === '/identities') {
      const id = `8:acs:${resourceId}_${randomUUID()}`;
      if (body.createTokenWithScopes === undefined) {
        users.add(id);
        return { status: 201, body: { identity: { id } } };
      }
      const minutes = validateTokenRequest(body.createTokenWithScopes, body.expiresInMinutes);
      if (typeof minutes !== 'number') return minutes;
      users.add(id);
      return {
        status: 201,
        body: { identity: { id }, accessToken: token(id, body.createTokenWithScopes as string[], minutes) },
      };
    }
    if (method === 'POST' && path === '/teamsUser/:exchangeAccessToken') {
      const teams = options.teams;
      if (!teams || body.token !== teams.aadToken)
        return error(401, 'InvalidAccessToken', 'Provided access token is not valid.');
      if (body.appId !== teams.appId)
        return error(400, 'ValidationError', 'AAD application is not the expected one.', 'appId');
      if (body.userId !== teams.userId)
        return error(400, 'ValidationError', 'Provided AAD token issued for unexpected user.', 'userId');
      return { status: 200, body: token(`8:orgid:${teams.userId}`, ['chat', 'voip'], 60) };
    }
    const m = /^\/identities\/([^/]+?)(?:\/:(issueAccessToken|revokeAccessTokens))?$/.exec(path);
    if (!m?.[1]) return error(404, 'NotFound', 'Route not found.');
    const id = decodeURIComponent(m[1]);
    if (!id.startsWith(`8:acs:${resourceId}_`))
      return error(401, 'IdentityNotOwned', "Provided identity doesn't belong to the resource.");
    if (method === 'DELETE' && !m[2]) {
      users.delete(id);
      return { status: 204 };
    }
    if (method === 'POST' && m[2] === 'revokeAccessTokens') return { status: 204 };
    if (method === 'POST' && m[2] === 'issueAccessToken') {
      const minutes = validateTokenRequest(body.scopes, body.expiresInMinutes);
      if (typeof minutes !== 'number') return minutes;
      return { status: 200, body: token(id, body.scopes as string[], minutes) };
    }
    return error(404, 'NotFound', 'Route not found.');
  }

  function answer(res: ServerResponse, response: CannedResponse) {
    const headers: Record<string, string> = { 'request-id': randomUUID(), ...response.headers };
    if (response.body === undefined) {
      res.writeHead(response.status, headers).end();
      return;
    }
    res.writeHead(response.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(response.body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const auth = authenticate(req, body);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, auth });
    if (auth === 'denied') return answer(res, DENIED);
    const next = canned.shift();
    if (next) return answer(res, next);
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const apiVersion = url.searchParams.get('api-version');
    if (!(API_VERSIONS as readonly (string | null)[]).includes(apiVersion)) {
      return answer(
        res,
        error(400, 'UnsupportedApiVersion', `The api-version ${String(apiVersion)} is not supported.`),
      );
    }
    let json: Record<string, unknown> = {};
    try {
      json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return answer(res, error(400, 'BadRequest', 'The request body is not JSON.'));
    }
    answer(res, route(req.method ?? '', url, json));
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/`;
  return {
    endpoint,
    connectionString: `endpoint=${endpoint};accesskey=${accessKey}`,
    accessKey,
    resourceId,
    requests,
    failNext: (response) => canned.push(response),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
