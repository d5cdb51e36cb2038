import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

/** Options of {@link useBodyLimit}. */
export interface BodyLimitOptions {
  /**
   * Largest request body accepted, in bytes.
   * @default 100000
   */
  maxBytes?: number;
}

function refuse(status: number, message: string): never {
  throw createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status } } });
}

/**
 * The request body limit, decided from `Content-Length` before the body is read: over the limit is 413, a body without
 * a length (chunked) is 411. yoga's own `maxRequestBodySize` also pipes every body through a counting stream, which
 * cost about a tenth of the gateway's CPU per request (BENCHMARKS.md); a declared length is all Node needs, since its
 * HTTP parser never reads past it.
 */
export function useBodyLimit(options: BodyLimitOptions = {}): Plugin<GatewayContext> {
  const maxBytes = options.maxBytes ?? 100_000;
  return {
    onRequestParse({ request }) {
      if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) return;
      const length = request.headers.get('content-length');
      if (length === null) {
        if (request.headers.get('transfer-encoding') === null) return;
        refuse(411, 'Send the request body with a Content-Length.');
      }
      if (!/^\d+$/.test(length)) refuse(400, 'The Content-Length header is invalid.');
      if (Number(length) > maxBytes) refuse(413, `The request body is larger than ${maxBytes} bytes.`);
    },
  };
}
