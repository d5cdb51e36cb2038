import { createHash } from 'node:crypto';
import { CUSTOM_ID_MAX_LENGTH } from '@acs-identity/core';
import type { UserKey } from './store.js';

/** How a readable custom id starts: `oidc:<issuer>:<subject>`, each part percent-encoded. */
export const READABLE_PREFIX = 'oidc:';
/** How a hashed custom id starts: `oidc-sha256:<64 hex digits>:<the readable one's beginning>`. */
export const HASHED_PREFIX = 'oidc-sha256:';

/** A lone surrogate (half of a pair without the other half): text `encodeURIComponent` cannot encode. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `encodeURIComponent`, or `undefined` for text it cannot encode (a lone surrogate). */
function percentEncoded(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * The custom id of an end user: one string per (issuer, subject) pair, never the same for two pairs, at most
 * {@link CUSTOM_ID_MAX_LENGTH} characters, printable ASCII only.
 *
 * - Readable when it fits: `oidc:` + the issuer and the subject, each percent-encoded (`encodeURIComponent`, which
 *   encodes `:`), joined by `:`, e.g. `oidc:https%3A%2F%2Flogin.example.com%2F:alice`. The first `:` after the prefix
 *   separates the two, so the pair can be read back exactly.
 * - Otherwise (too long, or text that has no percent-encoding): `oidc-sha256:` + the SHA-256 (hex) of the exact pair
 *   as JSON (`["<issuer>","<subject>"]`, which escapes every character that could make two pairs alike) + `:` + as
 *   much of the readable form as fits, for people reading it.
 *
 * The two forms never meet (different prefixes); two readable ones are equal only for the same pair; two hashed ones
 * only for the same pair or a SHA-256 collision.
 */
export function customIdOf(key: UserKey): string {
  const issuer = percentEncoded(key.issuer);
  const subject = percentEncoded(key.subject);
  if (issuer !== undefined && subject !== undefined) {
    const readable = `${READABLE_PREFIX}${issuer}:${subject}`;
    if (readable.length <= CUSTOM_ID_MAX_LENGTH) return readable;
  }
  const digest = createHash('sha256')
    .update(JSON.stringify([key.issuer, key.subject]), 'utf8')
    .digest('hex');
  const head = `${HASHED_PREFIX}${digest}:`;
  const shown = [key.issuer, key.subject]
    .map((part) => encodeURIComponent(part.replace(LONE_SURROGATE, '\uFFFD')))
    .join(':');
  return head + shown.slice(0, CUSTOM_ID_MAX_LENGTH - head.length);
}
