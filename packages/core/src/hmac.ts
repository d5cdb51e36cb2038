/**
 * HMAC-SHA256 request signing of the ACS data plane (reference section 4). Node entry.
 */
import { createHash, createHmac } from 'node:crypto';

/** What the string to sign is made of. */
export interface HmacStringToSignParts {
  /** HTTP method; upper-cased when signing. */
  method: string;
  /** The request target: path plus `?query` when there is one, exactly as sent. */
  pathAndQuery: string;
  /** The `x-ms-date` header (RFC 1123). */
  date: string;
  /** The `Host` header (with the port when not the default). */
  host: string;
  /** The `x-ms-content-sha256` header: base64 SHA-256 of the body. */
  contentHash: string;
}

/** `METHOD\npath_and_query\ndate;host;content_hash` (no trailing newline). */
export function hmacStringToSign(parts: HmacStringToSignParts): string {
  return `${parts.method.toUpperCase()}\n${parts.pathAndQuery}\n${parts.date};${parts.host};${parts.contentHash}`;
}

/** base64(HMAC-SHA256(base64-decoded access key, UTF-8 string to sign)). */
export function computeHmacSignature(accessKey: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

/** base64(SHA-256(body)): the `x-ms-content-sha256` header. The empty body gives `47DEQpj8...FU=`. */
export function contentSha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}
