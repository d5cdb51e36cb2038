import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_LIFETIME } from '@acs-identity/core/vocabulary';
import { DemoError } from '../errors.js';

/** Options of `createDemoServer`. */
export interface DemoServerOptions {
  /**
   * The gateway's base URL, e.g. `http://127.0.0.1:4000/`. The server forwards `/graphql`, `/dev/*`, `/healthz` and
   * `/readyz` to it, so the browser talks to one origin and needs no CORS. Omit it when no gateway runs: those paths
   * then answer 503 and the demo shows that the gateway is missing.
   */
  gatewayUrl?: string;
  /**
   * The emulator's endpoint, e.g. `https://127.0.0.1:8443/`. The server forwards `/emulator/*` (the verification
   * endpoint and the JWKS) to it. Omit it when no emulator runs.
   */
  emulatorEndpoint?: string;
  /** A PEM file with the CA that signed the emulator's certificate (its `caCertFile`), trusted for forwarding. */
  caCertFile?: string;
  /**
   * A development admin key of the gateway, handed to the demo's admin view through `/demo/config.json`.
   * Only for a local development stack: anyone who can reach the demo can read it.
   */
  adminKey?: string;
  /** The token lifetime, in minutes, the demo asks the gateway for. @default 60 */
  tokenLifetimeMinutes?: number;
  /** The folder with the built web app. @default dist/client of this package */
  staticDir?: string;
  /** The interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The port to listen on; 0 picks a free one. @default 0 */
  port?: number;
}

export interface NormalizedOptions {
  gatewayUrl: URL | undefined;
  emulatorEndpoint: URL | undefined;
  caCertFile: string | undefined;
  adminKey: string | undefined;
  tokenLifetimeMinutes: number;
  staticDir: string;
  host: string;
  port: number;
}

function parseBaseUrl(value: string | undefined, name: string): URL | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new DemoError(
      'INVALID_OPTIONS',
      `${name} is not a URL. Give a base URL such as http://127.0.0.1:4000/.`,
      { cause },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DemoError('INVALID_OPTIONS', `${name} must be an http: or https: URL.`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Resolves defaults and validates options; throws a DemoError that says what to fix. */
export function normalizeOptions(options: DemoServerOptions = {}): NormalizedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new DemoError(
      'INVALID_OPTIONS',
      `port ${String(port)} is invalid. Use an integer from 0 to 65535.`,
    );
  }
  const { minMinutes, maxMinutes } = TOKEN_LIFETIME;
  const lifetime = options.tokenLifetimeMinutes ?? minMinutes;
  if (!Number.isInteger(lifetime) || lifetime < minMinutes || lifetime > maxMinutes) {
    throw new DemoError(
      'INVALID_OPTIONS',
      `tokenLifetimeMinutes ${String(lifetime)} is invalid. Use an integer from ${minMinutes} to ${maxMinutes}.`,
    );
  }
  return {
    gatewayUrl: parseBaseUrl(options.gatewayUrl, 'gatewayUrl'),
    emulatorEndpoint: parseBaseUrl(options.emulatorEndpoint, 'emulatorEndpoint'),
    caCertFile: options.caCertFile,
    adminKey: options.adminKey === '' ? undefined : options.adminKey,
    tokenLifetimeMinutes: lifetime,
    staticDir: resolve(options.staticDir ?? fileURLToPath(new URL('../../client/', import.meta.url))),
    host: options.host ?? '127.0.0.1',
    port,
  };
}
