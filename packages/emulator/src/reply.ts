/** Writing answers: JSON replies, the service-shaped error replies, and protocol errors on the raw socket. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Reply } from './context.js';
import { isEmulatorError, type ServiceErrorReply } from './errors.js';
import { errorBody, serviceErrors } from './service-errors.js';

/** Writes a JSON response (or an empty one for 204). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) return;
  const payload = status === 204 || body === undefined ? '' : JSON.stringify(body);
  const { 'content-type': contentType, ...rest } = headers;
  const out: Record<string, string | number> = { ...rest, 'content-length': Buffer.byteLength(payload) };
  if (payload) out['content-type'] = contentType ?? 'application/json; charset=utf-8';
  res.writeHead(status, out);
  res.end(payload);
}

/** What went wrong with a request, for the error reply and the log. */
export type Failure =
  | { kind: 'rejected'; reply: ServiceErrorReply }
  | { kind: 'store'; reply: ServiceErrorReply; message: string }
  | { kind: 'unexpected'; reply: ServiceErrorReply; message: string };

/** Classifies anything a request threw: a rejected request, a store failure (503) or a bug (500). */
export function failureOf(e: unknown): Failure {
  if (isEmulatorError(e) && e.reply) return { kind: 'rejected', reply: e.reply };
  if (isEmulatorError(e) && e.code === 'STORAGE_FAILED') {
    return { kind: 'store', reply: serviceErrors.storeUnavailable().reply, message: e.message };
  }
  return {
    kind: 'unexpected',
    reply: serviceErrors.unexpected().reply,
    message: `unexpected failure: ${e instanceof Error ? e.message : String(e)}`,
  };
}

/** The `Content-Type` of error answers: the service sends it without a charset (success answers have one). */
export const ERROR_CONTENT_TYPE = 'application/json';

/**
 * An `MS-CV` correlation vector (base64 of 16 bytes, then `.0`), as every answer of the service carries, made from the
 * request id.
 */
export function correlationVector(requestId: string): string {
  return `${Buffer.from(requestId.replaceAll('-', ''), 'hex').toString('base64').replace(/=+$/, '')}.0`;
}

/** The service-shaped error reply: `{"error":{...}}` with `x-ms-error-code` and the error's own headers. */
export function errorReply(reply: ServiceErrorReply): Reply {
  return {
    status: reply.status,
    body: errorBody(reply),
    headers: { ...(reply.headers ?? {}), 'x-ms-error-code': reply.code, 'content-type': ERROR_CONTENT_TYPE },
  };
}

/** The answer to a protocol-level error of Node's HTTP parser or its timeouts; `undefined`: close without one. */
function clientErrorReply(
  code: string | undefined,
): { reply: ServiceErrorReply; reason: string } | undefined {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { reply: serviceErrors.headersTooLarge().reply, reason: 'Request Header Fields Too Large' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { reply: serviceErrors.requestTimeout().reply, reason: 'Request Timeout' };
  }
  if (code?.startsWith('HPE_')) return { reply: serviceErrors.notHttp().reply, reason: 'Bad Request' };
  // TLS failures (a handshake that timed out or failed), resets: there is no HTTP connection to answer on.
  return undefined;
}

/**
 * Answers protocol-level errors (oversized headers, malformed request lines, requests too slow to arrive) with a JSON
 * 4xx on the raw socket, then closes it; closes it without an answer when there is no HTTP to answer with (a failed or
 * timed-out TLS handshake) or an answer is already under way.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const answer = clientErrorReply(err.code);
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!answer || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(answer.reply));
  socket.write(
    `HTTP/1.1 ${answer.reply.status} ${answer.reason}\r\nContent-Type: ${ERROR_CONTENT_TYPE}\r\nMS-CV: ${correlationVector(randomUUID())}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-ms-error-code: ${answer.reply.code}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Closed once written, also when the client keeps sending (a half-closed connection would stay open).
  socket.destroySoon();
}
