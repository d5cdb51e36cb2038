import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import {
  createIdentityClient,
  type IdentityClient,
  type IdentityClientOptions,
  isLoopbackHost,
  parseConnectionString,
} from '@acs-identity/core/node';
import { type ConnectionSource, chooseConnection } from './connection-source.js';
import type { CommandContext } from './context.js';
import { localDataDir, localInfoFile } from './data-dir.js';
import { CliError } from './errors.js';
import type { ConnectionValues, GlobalValues } from './global-options.js';
import { addSecret } from './redact.js';

export interface ResolvedConnection {
  readonly options: IdentityClientOptions;
  /** The flag or environment variable it came from, or `local emulator`. */
  readonly source: ConnectionSource | 'local emulator';
}

/** What `emulator.json` in the local data folder says, read without loading the emulator (SQLite, a second SDK). */
async function localEmulator(context: CommandContext) {
  if (!existsSync(localInfoFile(context.io))) return undefined;
  context.log.debug(`reading ${localInfoFile(context.io)}`);
  const { readEmulatorInfo } = await import('@acs-identity/emulator/discovery');
  return readEmulatorInfo(localDataDir(context.io));
}

/** Same endpoint, whatever the trailing slash and the case of the host. */
function sameEndpoint(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/**
 * The CA of the local emulator, when the endpoint is that emulator's: the one named in the local data folder's
 * `emulator.json`, for the endpoint written there, or for any loopback endpoint (no public CA vouches for those).
 */
async function localEmulatorCa(endpoint: string, context: CommandContext): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const info = await localEmulator(context);
  if (!info?.caCertFile) return undefined;
  if (!sameEndpoint(info.endpoint, endpoint) && !isLoopbackHost(url.hostname)) return undefined;
  context.log.info(`Trusting the local emulator's CA (${info.caCertFile}) for ${endpoint}.`);
  return info.caCertFile;
}

/**
 * Finds what to connect to, in this order: --connection-string, --endpoint, AZURE_COMMUNICATION_CONNECTION_STRING,
 * AZURE_COMMUNICATION_ENDPOINT, the local emulator's `.acs-identity/emulator.json`; else NOT_CONFIGURED. The CA to
 * trust: --ca-cert (or ACS_IDENTITY_CA_CERT_FILE), else the local emulator's when the endpoint is its.
 */
export async function resolveConnection(
  args: ConnectionValues,
  context: CommandContext,
): Promise<ResolvedConnection> {
  let resolved: ResolvedConnection | undefined;
  const chosen = chooseConnection(args, context);
  if (chosen && 'connectionString' in chosen) {
    resolved = { options: { connectionString: chosen.connectionString }, source: chosen.source };
  } else if (chosen) {
    resolved = { options: { endpoint: chosen.endpoint }, source: chosen.source };
  } else {
    const info = await localEmulator(context);
    if (info) {
      const options: IdentityClientOptions = { connectionString: info.connectionString };
      if (info.caCertFile) options.caCertFile = info.caCertFile;
      resolved = { options, source: 'local emulator' };
    }
  }
  if (!resolved) {
    throw new CliError(
      'NOT_CONFIGURED',
      `No ACS resource configured and no local emulator found (${localInfoFile(context.io)}).`,
    );
  }
  const options: IdentityClientOptions = { ...resolved.options };
  if (options.connectionString) {
    addSecret(options.connectionString);
    addSecret(parseConnectionString(options.connectionString).accessKey);
  }
  const caCertFile = args['ca-cert']?.trim();
  if (caCertFile) options.caCertFile = caCertFile;
  else if (resolved.source !== 'local emulator') {
    const ca = await localEmulatorCa(endpointOf(options), context);
    if (ca) options.caCertFile = ca;
  }
  return { options, source: resolved.source };
}

function endpointOf(options: IdentityClientOptions): string {
  return options.connectionString
    ? parseConnectionString(options.connectionString).endpoint
    : (options.endpoint ?? '');
}

/** Resolves the connection, says where it came from, and creates the client with request logging for --debug. */
export async function openClient(
  args: ConnectionValues & Pick<GlobalValues, 'api-version'>,
  context: CommandContext,
): Promise<IdentityClient> {
  const { options, source } = await resolveConnection(args, context);
  const endpoint = endpointOf(options);
  if (source === 'local emulator') {
    const where = relative(context.io.cwd, localInfoFile(context.io));
    context.log.warn(`Using the local emulator at ${endpoint} (found in ${where}).`);
  } else {
    context.log.info(
      `Using ${endpoint} from ${source}${options.endpoint ? ' with Entra ID (DefaultAzureCredential)' : ''}.`,
    );
  }
  if (options.caCertFile) context.log.debug(`trusting the CA certificates in ${options.caCertFile}`);
  if (args['api-version'] !== undefined) options.apiVersion = args['api-version'];
  options.logger = (entry) => {
    const status = entry.status === undefined ? (entry.error ?? 'no answer') : String(entry.status);
    const id = entry.requestId ? ` request-id ${entry.requestId}` : '';
    const line = `${entry.method} ${entry.url} -> ${status} in ${Math.round(entry.durationMs)} ms`;
    if (context.log.isDebug) context.log.debug(`${line}${id}`);
    else context.log.info(line);
  };
  return createIdentityClient(options);
}
