import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiVersion } from '@acs-identity/core';
import {
  createIdentityClient,
  type IdentityClient,
  type IdentityClientOptions,
  parseConnectionString,
} from '@acs-identity/core/node';
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';
import type { ConnectionValues } from './options.js';
import { addSecret } from './redact.js';

/** The data folder the emulator writes `emulator.json` into, relative to the working folder. */
export const DEFAULT_DATA_DIR = '.acs-identity';

/** Where the connection came from, for messages. */
export type ConnectionSource =
  | '--connection-string'
  | '--endpoint'
  | 'AZURE_COMMUNICATION_CONNECTION_STRING'
  | 'AZURE_COMMUNICATION_ENDPOINT'
  | 'local emulator';

export interface ResolvedConnection {
  readonly options: IdentityClientOptions;
  readonly source: ConnectionSource;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

async function emulatorConnection(
  dataDir: string,
  context: CommandContext,
): Promise<IdentityClientOptions | undefined> {
  if (!existsSync(join(dataDir, 'emulator.json'))) return undefined;
  context.log.debug(`reading ${join(dataDir, 'emulator.json')}`);
  // The discovery entry only reads the file: the emulator itself (SQLite, the Azure SDK) is not loaded.
  const { readEmulatorInfo } = await import('@acs-identity/emulator/discovery');
  const info = readEmulatorInfo(dataDir);
  if (!info) return undefined;
  const options: IdentityClientOptions = { connectionString: info.connectionString };
  if (info.caCertFile) options.caCertFile = info.caCertFile;
  return options;
}

/**
 * Finds what to connect to, in this order: --connection-string, --endpoint, AZURE_COMMUNICATION_CONNECTION_STRING,
 * AZURE_COMMUNICATION_ENDPOINT, the local emulator's `.acs-identity/emulator.json`; else NOT_CONFIGURED.
 */
export async function resolveConnection(
  args: ConnectionValues,
  context: CommandContext,
): Promise<ResolvedConnection> {
  const { env, cwd } = context.io;
  let resolved: ResolvedConnection | undefined;
  const flagString = nonEmpty(args['connection-string']);
  const flagEndpoint = nonEmpty(args.endpoint);
  const envString = nonEmpty(env.AZURE_COMMUNICATION_CONNECTION_STRING);
  const envEndpoint = nonEmpty(env.AZURE_COMMUNICATION_ENDPOINT);
  if (flagString && flagEndpoint) {
    throw new CliError('USAGE', 'Give either --connection-string or --endpoint, not both.');
  }
  if (flagString) resolved = { options: { connectionString: flagString }, source: '--connection-string' };
  else if (flagEndpoint) resolved = { options: { endpoint: flagEndpoint }, source: '--endpoint' };
  else if (envString) {
    resolved = { options: { connectionString: envString }, source: 'AZURE_COMMUNICATION_CONNECTION_STRING' };
  } else if (envEndpoint)
    resolved = { options: { endpoint: envEndpoint }, source: 'AZURE_COMMUNICATION_ENDPOINT' };
  else {
    const dataDir = join(cwd, DEFAULT_DATA_DIR);
    const options = await emulatorConnection(dataDir, context);
    if (options) resolved = { options, source: 'local emulator' };
  }
  if (!resolved) {
    throw new CliError(
      'NOT_CONFIGURED',
      `No ACS resource configured and no local emulator found (${join(cwd, DEFAULT_DATA_DIR, 'emulator.json')}).`,
    );
  }
  const options: IdentityClientOptions = { ...resolved.options };
  if (options.connectionString) {
    addSecret(options.connectionString);
    addSecret(parseConnectionString(options.connectionString).accessKey);
  }
  const caCertFile = nonEmpty(args['ca-cert']) ?? nonEmpty(env.ACS_IDENTITY_CA_CERT_FILE);
  if (caCertFile) options.caCertFile = caCertFile;
  return { options, source: resolved.source };
}

/** Resolves the connection, says where it came from, and creates the client with request logging for --debug. */
export async function openClient(
  args: ConnectionValues & { readonly 'api-version'?: string },
  context: CommandContext,
): Promise<IdentityClient> {
  const { options, source } = await resolveConnection(args, context);
  const endpoint = options.connectionString
    ? parseConnectionString(options.connectionString).endpoint
    : options.endpoint;
  if (source === 'local emulator') {
    context.log.warn(`Using the local emulator at ${endpoint} (found in ${DEFAULT_DATA_DIR}/emulator.json).`);
  } else {
    context.log.info(
      `Using ${endpoint} from ${source}${options.endpoint ? ' with Entra ID (DefaultAzureCredential)' : ''}.`,
    );
  }
  if (options.caCertFile) context.log.debug(`trusting the CA certificates in ${options.caCertFile}`);
  const apiVersion = nonEmpty(args['api-version']) ?? nonEmpty(context.io.env.ACS_IDENTITY_API_VERSION);
  if (apiVersion) options.apiVersion = apiVersion as ApiVersion;
  options.logger = (entry) => {
    const status = entry.status === undefined ? (entry.error ?? 'no answer') : String(entry.status);
    const id = entry.requestId ? ` request-id ${entry.requestId}` : '';
    const line = `${entry.method} ${entry.url} -> ${status} in ${Math.round(entry.durationMs)} ms`;
    if (context.log.isDebug) context.log.debug(`${line}${id}`);
    else context.log.info(line);
  };
  return createIdentityClient(options);
}
