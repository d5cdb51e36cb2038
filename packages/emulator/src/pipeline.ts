/**
 * The request pipeline: every request goes through the same stages, in this order:
 *
 *   match (route table: 404, 405) → body (read within the size limit: 413) → api-version (the route's: 400)
 *   → authenticate (the route's authenticators: 401, 403) → JSON body (415, 400) or form body → throttle (429)
 *   → handler → reply, or the error reply (the service's shape, or Entra's OAuth shape on the token endpoint)
 *   → access log.
 *
 * Routes are declared in `routes.ts`, authenticators in `authenticators.ts`, wire errors in `service-errors.ts` and
 * `oauth-errors.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { API_VERSIONS } from '@acs-identity/core';
import { checkApiVersion } from './api-version.js';
import { authenticate } from './authenticators.js';
import { parseFormBody, parseJsonBody, readBody } from './body.js';
import type { Reply, RouteDefinition, ServiceContext, ServiceRequest } from './context.js';
import { Router } from './match.js';
import { oauthErrorReply } from './oauth-errors.js';
import type { RateLimitedOperation } from './rate-limit.js';
import { correlationVector, errorReply, failureOf, sendJson } from './reply.js';
import { ROUTES } from './routes.js';
import { serviceErrors } from './service-errors.js';

/** The `api-supported-versions` header of answers that match no ACS route (404, 405): every version. */
export const API_SUPPORTED_VERSIONS = API_VERSIONS.join(', ');

/**
 * The `api-supported-versions` header of a route's answers: the ACS api-versions its row lists (the service sends the
 * versions of the route it matched); none for the emulator's own, Entra, managed-identity and ARM routes.
 */
export function supportedVersionsOf(route: RouteDefinition): string | undefined {
  return route.apiVersions.kind === 'acs' ? route.apiVersions.versions.join(', ') : undefined;
}

/** The request target split without `new URL()` (hot path): raw path, query and the `api-version` value. */
interface RequestTarget {
  pathname: string;
  search: string;
  apiVersion: string | null;
}

function parseTarget(raw: string): RequestTarget {
  const q = raw.indexOf('?');
  if (q < 0) return { pathname: raw, search: '', apiVersion: null };
  const search = raw.slice(q + 1);
  return { pathname: raw.slice(0, q), search, apiVersion: new URLSearchParams(search).get('api-version') };
}

/** The endpoint as this request reached it (scheme + `Host`), with a trailing slash. */
export function requestEndpoint(ctx: ServiceContext, req: IncomingMessage): string {
  const host = req.headers.host;
  const safe = typeof host === 'string' && /^[\w.:[\]-]{1,255}$/.test(host) ? host : '127.0.0.1';
  return `${ctx.options.tls ? 'https' : 'http'}://${safe}/`;
}

/**
 * The throttle stage: takes one unit of the resource's budget for the operation (counted in this process, in the
 * shared database or by the cluster's primary), or answers 429.
 */
async function throttle(ctx: ServiceContext, operation: RateLimitedOperation): Promise<void> {
  const limiter = ctx.limiter;
  if (!limiter) return;
  const decision = await limiter.take(ctx.resource.resourceId, operation);
  if (decision.allowed) return;
  throw serviceErrors.tooManyRequests(operation, decision.limit, limiter.windowMs, decision.retryAfterMs);
}

/** What the access log and the answer's headers learn while a request runs. */
interface RequestLog {
  operation: string | undefined;
  errorCode: string | undefined;
  /** The `api-supported-versions` header of the answer (see {@link supportedVersionsOf}). */
  supportedVersions: string | undefined;
  /** How the matched route writes its errors (see {@link RouteDefinition.errors}). */
  errors: 'service' | 'oauth';
}

async function run(
  ctx: ServiceContext,
  router: Router,
  req: IncomingMessage,
  target: RequestTarget,
  log: RequestLog,
): Promise<Reply> {
  const method = req.method ?? 'GET';
  const { route, params } = router.match(method, target.pathname);
  log.operation = route.operation;
  log.supportedVersions = supportedVersionsOf(route);
  log.errors = route.errors ?? 'service';
  const body = await readBody(req, ctx.options.maxBodyBytes);
  const endpoint = requestEndpoint(ctx, req);
  const apiVersion = checkApiVersion(
    route.apiVersions,
    target.apiVersion,
    `${endpoint}${target.pathname.slice(1, 201)}`,
  );
  const request: ServiceRequest = {
    req,
    method,
    pathname: target.pathname,
    search: target.search,
    requestedVersion: target.apiVersion,
    params,
    body,
    endpoint,
    input: {},
    apiVersion,
    keyName: 'primary',
    endUser: undefined,
  };
  request.keyName = await authenticate(ctx, request, route.auth);
  if (route.body === 'json') request.input = parseJsonBody(req.headers['content-type'], body);
  if (route.body === 'form') request.input = parseFormBody(req.headers['content-type'], body);
  if (route.rateLimit) await throttle(ctx, route.rateLimit(request.input));
  return route.handler(ctx, request);
}

function loggedPath(target: RequestTarget): string {
  const version = target.apiVersion;
  return version === null
    ? target.pathname
    : `${target.pathname}?api-version=${encodeURIComponent(version.slice(0, 40))}`;
}

/** Writes the access log line once the response is sent: never headers, bodies, keys, signatures or tokens. */
function logWhenFinished(
  ctx: ServiceContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
  requestId: string,
  log: RequestLog,
): void {
  const started = performance.now();
  res.on('finish', () => {
    ctx.options.logger({
      time: new Date(ctx.options.now()).toISOString(),
      level: res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      msg: 'request',
      method: req.method ?? '',
      path: loggedPath(target),
      status: res.statusCode,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      requestId,
      ...(log.operation === undefined ? {} : { operation: log.operation }),
      ...(log.errorCode === undefined ? {} : { errorCode: log.errorCode }),
    });
  });
}

/** The emulator's request listener for `node:http`/`node:https` servers, over the given route table. */
export function createRequestHandler(
  ctx: ServiceContext,
  routes: readonly RouteDefinition[] = ROUTES,
): (req: IncomingMessage, res: ServerResponse) => void {
  const router = new Router(routes);
  return (req, res) => {
    const requestId = randomUUID();
    const target = parseTarget(req.url ?? '/');
    const log: RequestLog = {
      operation: undefined,
      errorCode: undefined,
      supportedVersions: API_SUPPORTED_VERSIONS,
      errors: 'service',
    };
    if (ctx.options.logRequests) logWhenFinished(ctx, req, res, target, requestId, log);
    const common: Record<string, string> = {
      'x-ms-request-id': requestId,
      'MS-CV': correlationVector(requestId),
    };
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string' && clientRequestId.length <= 200) {
      common['x-ms-client-request-id'] = clientRequestId;
    }
    const versions = (omit = false): Record<string, string> =>
      omit || log.supportedVersions === undefined ? {} : { 'api-supported-versions': log.supportedVersions };
    run(ctx, router, req, target, log).then(
      (reply) =>
        sendJson(res, reply.status, reply.body, { ...versions(), ...common, ...(reply.headers ?? {}) }),
      (e: unknown) => {
        const failure = failureOf(e);
        if (failure.kind !== 'rejected') {
          ctx.options.logger({
            time: new Date(ctx.options.now()).toISOString(),
            level: 'error',
            msg: failure.message,
            requestId,
          });
        }
        log.errorCode = failure.reply.code;
        const reply =
          log.errors === 'oauth'
            ? oauthErrorReply(failure.reply, requestId, target.search, ctx.options.now())
            : errorReply(failure.reply);
        // The rest of an oversized body is not read: the connection cannot serve another request.
        if (failure.reply.code === 'RequestEntityTooLarge') res.setHeader('connection', 'close');
        const headers = {
          ...versions(failure.reply.withoutApiVersions),
          ...common,
          ...(reply.headers ?? {}),
        };
        sendJson(res, reply.status, reply.body, headers);
      },
    );
  };
}
