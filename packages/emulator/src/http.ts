import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { rejectRequest } from './errors.js';

/** Reads the whole body, answering 413 (as a rejected request) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) {
        failed = true;
        resolve(Buffer.concat(chunks, size));
      }
    });
    req.on('close', () => {
      // The client went away before sending the whole body: nothing to answer, but settle the promise.
      if (!failed) {
        failed = true;
        reject(
          rejectRequest(400, 'BadRequest', 'The client closed the connection before the body was complete.'),
        );
      }
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
  });
}

function tooLarge(limit: number) {
  return rejectRequest(
    413,
    'RequestEntityTooLarge',
    `The request body is larger than ${limit} bytes, the emulator's limit.`,
  );
}

/** Writes a JSON response (or an empty one for 204). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) return;
  const payload = status === 204 || body === undefined ? '' : JSON.stringify(body);
  const out: Record<string, string | number> = { ...headers, 'content-length': Buffer.byteLength(payload) };
  if (payload) out['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(status, out);
  res.end(payload);
}

/**
 * Answers protocol-level errors (oversized headers, malformed request lines) with a JSON 4xx on the raw socket
 * before Node's parser gives up on the connection.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || (err as { code?: string }).code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooBig = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooBig ? 431 : 400;
  const reason = tooBig ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = JSON.stringify({
    error: tooBig
      ? {
          code: 'RequestHeaderFieldsTooLarge',
          message: 'The request headers are larger than the emulator accepts (16 KiB).',
        }
      : { code: 'BadRequest', message: 'The request is not valid HTTP.' },
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
