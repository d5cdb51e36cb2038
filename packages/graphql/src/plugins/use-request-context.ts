import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { beginRequest, clientAddress, requestState } from '../request-state.js';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useRequestContext}. */
export interface RequestContextOptions {
  /** Where the access log goes. */
  logger: Logger;
  /**
   * Routes answered without an access log line (probes and scrapes would drown the rest).
   * @default ['/healthz', '/metrics']
   */
  quietRoutes?: readonly string[];
  /**
   * Proxies in front of the gateway whose `X-Forwarded-For` entries are trusted for the client's address.
   * @default 0
   */
  trustProxyHops?: number;
}

/** The peer address of the node:http request yoga was given, if any. */
function peerOf(serverContext: unknown): string | undefined {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress;
}

/**
 * The first plugin: gives every request its id (the caller's `x-request-id` when plain, else a UUID) and its client's
 * address, answers with the id in `x-request-id`, and writes one access log line per request (request id, caller,
 * method, route, status, duration).
 */
export function useRequestContext(options: RequestContextOptions): Plugin<GatewayContext> {
  const { logger } = options;
  const quiet = new Set(options.quietRoutes ?? ['/healthz', '/metrics']);
  const hops = options.trustProxyHops ?? 0;
  return {
    onRequest({ request, url, serverContext }) {
      beginRequest(request, url, clientAddress(request, peerOf(serverContext), hops));
    },
    onResponse({ request, response }) {
      const state = requestState(request);
      response.headers.set('x-request-id', state.requestId);
      const route = state.route;
      if (quiet.has(route) || !logger.enabled('info')) return;
      logger.info('request', {
        requestId: state.requestId,
        ...(state.callerId === undefined ? {} : { caller: state.callerId }),
        method: request.method,
        path: route,
        status: response.status,
        durationMs: Math.round(performance.now() - state.startedAt),
      });
    },
  };
}
