/**
 * ACS connection strings: `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`.
 * Node entry. Errors name the part that is wrong and never echo the key.
 */
import { AcsIdentityError } from './errors.js';

export interface ParsedConnectionString {
  /** The resource endpoint, always with a trailing slash, e.g. `https://contoso.communication.azure.com/`. */
  endpoint: string;
  /** The base64 access key. Secret: never log it. */
  accessKey: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EXAMPLE = 'endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>';

function invalid(what: string): AcsIdentityError {
  return new AcsIdentityError('INVALID_INPUT', `Invalid connection string: ${what}. Expected "${EXAMPLE}".`, {
    target: 'connectionString',
  });
}

/**
 * Validates an endpoint URL and returns it as `<scheme>://<host>[:port]/`. Throws `INVALID_INPUT` when it is not an
 * http(s) URL without path, query or fragment.
 */
export function normalizeEndpoint(endpoint: string, target = 'endpoint'): string {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `The ${target} ${JSON.stringify(endpoint.slice(0, 100))} is not a URL.`,
      { target },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `The ${target} must be an https:// URL, got ${url.protocol}//.`,
      { target },
    );
  }
  if (url.username || url.password) {
    throw new AcsIdentityError('INVALID_INPUT', `The ${target} must not contain a user name or password.`, {
      target,
    });
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `The ${target} must be the resource root (like https://<resource>.communication.azure.com/), without path or query; got ${url.origin}${url.pathname}.`,
      { target },
    );
  }
  return `${url.origin}/`;
}

/**
 * Parses a connection string. Parts are `key=value` separated by `;`, keys are case-insensitive, the endpoint's
 * trailing slash is optional and the key must be base64. Throws `INVALID_INPUT` naming the missing or malformed part.
 */
export function parseConnectionString(connectionString: string): ParsedConnectionString {
  if (typeof connectionString !== 'string' || connectionString.trim() === '')
    throw invalid('it is empty or not a string');
  const parts = new Map<string, string>();
  for (const segment of connectionString.split(';')) {
    if (segment.trim() === '') continue;
    const eq = segment.indexOf('=');
    if (eq <= 0) throw invalid('every part must look like key=value');
    const key = segment.slice(0, eq).trim().toLowerCase();
    if (key !== 'endpoint' && key !== 'accesskey') {
      throw invalid(`unknown part "${key.slice(0, 40)}" (only endpoint and accesskey are allowed)`);
    }
    if (parts.has(key)) throw invalid(`"${key}" appears twice`);
    parts.set(key, segment.slice(eq + 1).trim());
  }
  const endpoint = parts.get('endpoint');
  const accessKey = parts.get('accesskey');
  if (!endpoint) throw invalid('the "endpoint=" part is missing or empty');
  if (!accessKey) throw invalid('the "accesskey=" part is missing or empty');
  if (!BASE64.test(accessKey))
    throw invalid('the access key is not valid base64 (copy it again from the Azure portal)');
  let normalized: string;
  try {
    normalized = normalizeEndpoint(endpoint, 'connection string endpoint');
  } catch (e) {
    throw invalid((e as Error).message.replace(/\.$/, ''));
  }
  return { endpoint: normalized, accessKey };
}

/** True for `localhost`, `127.0.0.0/8` and `::1`: the hosts where plain HTTP is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
