/** The request body: read within the size limit, and parsed as a JSON object for the routes that take one. */
import type { IncomingMessage } from 'node:http';
import { oauthErrors } from './oauth-errors.js';
import { serviceErrors } from './service-errors.js';

/** Reads the whole body, answering 413 (as a rejected request) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(serviceErrors.bodyTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settle(() => reject(serviceErrors.bodyTooLarge(limit)));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks, size))));
    // The client went away before sending the whole body: nothing to answer, but settle the promise.
    req.on('close', () => settle(() => reject(serviceErrors.bodyIncomplete())));
    req.on('error', (e) => settle(() => reject(e)));
  });
}

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;

/** The body as a JSON object: `{}` when empty or `null`; 415 for another content type, 400 for anything else. */
export function parseJsonBody(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const type = contentType ?? '';
  if (!JSON_CONTENT_TYPE.test(type)) throw serviceErrors.notJsonContentType(type);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw serviceErrors.invalidJson((e as Error).message);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw serviceErrors.bodyNotObject();
  return parsed as Record<string, unknown>;
}

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/**
 * An `application/x-www-form-urlencoded` body (the OAuth 2.0 token endpoint's) as an object of strings: `{}` for
 * another content type (its parameters are then missing, as Entra reads it); a parameter given twice is refused.
 */
export function parseFormBody(contentType: string | undefined, body: Buffer): Record<string, string> {
  if (!FORM_CONTENT_TYPE.test(contentType ?? '')) return {};
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    if (Object.hasOwn(out, name)) throw oauthErrors.parameterDuplicated(name);
    out[name] = value;
  }
  return out;
}
