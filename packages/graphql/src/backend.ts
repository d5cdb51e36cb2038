import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ApiVersion } from '@acs-identity/core';
import { GatewayError } from './errors.js';
import type { IdentityBackend } from './identity-backend.js';
import type { Logger } from './logger.js';
import type { TokenIssuer } from './token-issuer.js';

/** Where the identities come from, as resolved by `normalizeOptions`. */
export type BackendSource =
  | { kind: 'client'; client: IdentityBackend }
  | { kind: 'connectionString'; connectionString: string; caCertFile?: string }
  | { kind: 'endpoint'; endpoint: string; caCertFile?: string }
  | { kind: 'emulator'; dataDir: string };

/** A back end and the CA file its endpoint is trusted with. */
export interface OpenedBackend {
  backend: IdentityBackend;
  caCertFile?: string;
  /**
   * A token for the identity of a custom id in one request of its own (the fast path of `issueMyToken` with custom
   * ids); absent when the back end has no such path (then `createUserAndToken` with `customId` does it).
   */
  issueForCustomId?: TokenIssuer['issueForCustomId'];
  /** Opens connections to the service ahead of the first requests (when the back end keeps its own pool). */
  warm?(connections: number): Promise<void>;
  /** Releases its connections. */
  close?(): void;
}

/** The back end of a gateway, opened on first use (and again after a failed attempt). */
export interface BackendHandle {
  /** What it is, for the start-up log line; never a secret. */
  readonly description: string;
  get(): Promise<OpenedBackend>;
  /** Releases the back end's connections, if it was opened. */
  close(): Promise<void>;
}

/**
 * Client settings suited to a gateway: no retries inside the request. A throttled or failing back end is reported at
 * once (THROTTLED with retryAfter, UPSTREAM_UNAVAILABLE) instead of holding the caller for the service's Retry-After;
 * clients retry. Each request to the service is logged at debug level when that level is on.
 */
function clientExtras(logger: Logger, debug: boolean) {
  return {
    retry: { maxRetries: 0 },
    ...(debug
      ? {
          logger: (entry: { method: string; url: string; status?: number; durationMs: number }) =>
            logger.debug('identity service request', { ...entry }),
        }
      : {}),
  };
}

type EmulatorInfoReader = (dataDir?: string) => { connectionString: string; caCertFile?: string } | undefined;

/** The local emulator's connection, read from `<dataDir>/emulator.json` (needs `@acs-identity/emulator`). */
async function emulatorConnection(
  dataDir: string,
): Promise<{ connectionString: string; caCertFile?: string }> {
  let readEmulatorInfo: EmulatorInfoReader;
  try {
    // Resolved at run time only: the emulator is needed just for this fallback, and may not be installed.
    const specifier = '@acs-identity/emulator';
    ({ readEmulatorInfo } = (await import(specifier)) as { readEmulatorInfo: EmulatorInfoReader });
  } catch (e) {
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      'No back end is configured: set AZURE_COMMUNICATION_CONNECTION_STRING or AZURE_COMMUNICATION_ENDPOINT, or install @acs-identity/emulator and run `acs-identity emulator start`.',
      { cause: e },
    );
  }
  const info = readEmulatorInfo(dataDir);
  if (info === undefined) {
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `No back end is configured and no local emulator was found in ${dataDir}: set AZURE_COMMUNICATION_CONNECTION_STRING or AZURE_COMMUNICATION_ENDPOINT, or run \`acs-identity emulator start\`.`,
    );
  }
  return info;
}

/** How the back end is opened: its source, the api-version it is called at, the log. */
export interface BackendSettings {
  source: BackendSource;
  apiVersion: ApiVersion;
  logger: Logger;
  /** Log each request to the service (debug level); the direct paths are then left unused. */
  debug: boolean;
}

/**
 * Opens the back end of `source`; the emulator is found through its `emulator.json`. With a connection string, the
 * hot paths (`issueToken`, and the create with a custom id that `issueMyToken` uses when identities are mapped through
 * custom ids) take one HMAC-signed request of their own instead of the Azure SDK's pipeline, which costs about as much
 * CPU again (see BENCHMARKS.md); every other operation goes through the SDK.
 */
async function openBackend(settings: BackendSettings): Promise<OpenedBackend> {
  const { source, apiVersion, logger, debug } = settings;
  if (source.kind === 'client') return { backend: source.client };
  const { createIdentityClient } = await import('@acs-identity/core/node');
  const connection =
    source.kind === 'emulator'
      ? await emulatorConnection(source.dataDir)
      : source.kind === 'connectionString'
        ? { connectionString: source.connectionString, caCertFile: source.caCertFile }
        : { endpoint: source.endpoint, caCertFile: source.caCertFile };
  const caOption = connection.caCertFile === undefined ? {} : { caCertFile: connection.caCertFile };
  if (!('connectionString' in connection)) {
    const sdk = createIdentityClient({
      endpoint: connection.endpoint,
      apiVersion,
      ...caOption,
      ...clientExtras(logger, debug),
    });
    return { backend: sdk, ...caOption };
  }
  const sdk = createIdentityClient({
    connectionString: connection.connectionString,
    apiVersion,
    ...caOption,
    ...clientExtras(logger, debug),
  });
  const { createTokenIssuer, directPathAllowed } = await import('./token-issuer.js');
  if (debug || !directPathAllowed(sdk.endpoint, process.env)) return { backend: sdk, ...caOption };
  const issuer = createTokenIssuer({
    connectionString: connection.connectionString,
    apiVersion,
    ...caOption,
  });
  return {
    backend: { ...sdk, issueToken: issuer.issueToken },
    issueForCustomId: issuer.issueForCustomId,
    ...caOption,
    warm: (connections) => issuer.warm(connections),
    close: () => issuer.close(),
  };
}

function describe(source: BackendSource): string {
  switch (source.kind) {
    case 'client':
      return 'custom identity client';
    case 'connectionString':
      return 'connection string (AZURE_COMMUNICATION_CONNECTION_STRING)';
    case 'endpoint':
      return `${source.endpoint} with Entra ID`;
    case 'emulator':
      return `local emulator (${source.dataDir})`;
    default: {
      const never: never = source;
      return never;
    }
  }
}

/** The back end of `settings.source`, opened lazily: a gateway starts (and says what is missing) without one. */
export function createBackendHandle(settings: BackendSettings): BackendHandle {
  let opened: Promise<OpenedBackend> | undefined;
  return {
    description: describe(settings.source),
    async close() {
      const current = opened;
      opened = undefined;
      (await current?.catch(() => undefined))?.close?.();
    },
    get() {
      if (opened === undefined) {
        const attempt = openBackend(settings);
        opened = attempt;
        attempt.catch(() => {
          if (opened === attempt) opened = undefined;
        });
      }
      return opened;
    },
  };
}

/**
 * Resolves when the back end's endpoint answers HTTP at all (any status: the service answers 401 to an unsigned
 * request). Used by `/readyz`; never sends credentials.
 */
export function probeEndpoint(
  endpoint: string,
  caCertFile: string | undefined,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(endpoint);
    const options = {
      method: 'GET',
      timeout: timeoutMs,
      ...(caCertFile === undefined ? {} : { ca: readFileSync(caCertFile) }),
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      resolve();
    });
    req.on('timeout', () =>
      req.destroy(new Error(`The identity service at ${url.origin} did not answer in ${timeoutMs} ms.`)),
    );
    req.on('error', reject);
    req.end();
  });
}
