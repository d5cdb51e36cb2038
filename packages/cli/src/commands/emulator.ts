import { resolve } from 'node:path';
import type { EmulatorLogEntry } from '@acs-identity/emulator';
import type { CommandHandler } from '../cli.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import type { EMULATOR_ROTATE_KEY, EMULATOR_START, GlobalValues, OptionValues } from '../options.js';
import type { JsonValue } from '../output.js';
import { addSecret } from '../redact.js';
import { integerOption } from './shared.js';

type StartArgs = OptionValues<(typeof EMULATOR_START)['options']> & GlobalValues;
type RotateArgs = OptionValues<(typeof EMULATOR_ROTATE_KEY)['options']> & GlobalValues;

/** Turns the emulator's errors into ours: bad options are usage errors, the rest runtime errors. */
export function fromEmulatorError(error: unknown): never {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  if (e?.name === 'EmulatorError') {
    const message = String(e.message);
    if (e.code === 'INVALID_OPTIONS') throw new CliError('USAGE', message, { cause: error });
    throw new CliError('UNEXPECTED', message, {
      cause: error,
      hint:
        e.code === 'STORAGE_FAILED'
          ? 'Check --data-dir / --database-url.'
          : 'Run again with --debug for details.',
    });
  }
  throw error;
}

/** Resolves when the process receives SIGINT or SIGTERM (once; a second signal gets Node's default: exit). */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      done(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function logEntry(context: CommandContext, entry: EmulatorLogEntry): void {
  const request = entry.method
    ? `${entry.method} ${entry.path ?? ''} ${entry.status ?? ''} ${entry.durationMs === undefined ? '' : `${Math.round(entry.durationMs)} ms`}${entry.errorCode ? ` ${entry.errorCode}` : ''}`.trim()
    : entry.msg;
  const line = `emulator: ${request}`;
  if (entry.level === 'error') context.log.error(`ERROR ${line}`);
  else if (entry.level === 'warn') context.log.warn(line);
  else context.log.info(line);
}

/** `emulator start`: runs the local emulator until SIGINT/SIGTERM, printing how to connect. */
export const emulatorStart: CommandHandler = async (raw, context) => {
  const args = raw as StartArgs;
  const port = integerOption('port', args.port, 0, 65_535);
  const workers = integerOption('workers', args.workers, 0, 256);
  const databaseUrl = args['database-url'] ?? context.io.env.DATABASE_URL;
  const { startEmulator, startEmulatorCluster } = await import('@acs-identity/emulator');
  const options = {
    port,
    host: args.host,
    dataDir: resolve(context.io.cwd, args['data-dir']),
    tls: !args.http,
    rateLimits: args['rate-limits'],
    logger: (entry: EmulatorLogEntry) => logEntry(context, entry),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(args['database-schema'] ? { databaseSchema: args['database-schema'] } : {}),
    ...(args['trust-issuer']
      ? { trustedIssuers: ([] as string[]).concat(args['trust-issuer']).map((issuer) => ({ issuer })) }
      : {}),
  };
  const emulator = await (workers === 1
    ? startEmulator(options)
    : startEmulatorCluster({ ...options, handleSignals: false, ...(workers > 1 ? { workers } : {}) })
  ).catch(fromEmulatorError);
  if (workers !== 1)
    context.log.notice(
      `Serving with ${'workerPids' in emulator ? emulator.workerPids.length : workers} worker processes.`,
    );
  const { info } = emulator;
  addSecret(info.connectionString);
  addSecret(info.secondaryConnectionString);
  context.log.notice(
    `ACS Identity emulator listening on ${info.endpoint} (${info.storage}; data in ${info.dataDir}).`,
  );
  context.log.notice(
    `acs-identity commands run in ${context.io.cwd} use it without configuration (${emulator.infoFile}).`,
  );
  context.log.notice(`Elsewhere: --connection-string "$(jq -r .connectionString ${emulator.infoFile})".`);
  if (info.caCertFile) {
    context.log.notice(
      `HTTPS with a local CA; trust it with --ca-cert ${info.caCertFile}, NODE_EXTRA_CA_CERTS=${info.caCertFile} (Node.js) or REQUESTS_CA_BUNDLE=${info.caCertFile} (Python).`,
    );
  }
  if (info.identityEndpoint && info.identityHeader) {
    addSecret(info.identityHeader);
    context.log.notice(
      `Managed identity (no key): IDENTITY_ENDPOINT=${info.identityEndpoint} IDENTITY_HEADER="$(jq -r .identityHeader ${emulator.infoFile})"; grant it with acs-identity emulator role assign --principal ${info.systemAssignedPrincipalId}.`,
    );
  }
  context.log.notice('Press Ctrl+C to stop.');
  await context.print(info as unknown as JsonValue);
  const signal = await waitForStopSignal();
  context.log.notice(`Received ${signal}; stopping the emulator.`);
  await emulator.close();
  return undefined;
};

/** `emulator rotate-key --key primary|secondary`: replaces an access key, revoking tokens signed under it. */
export const emulatorRotateKey: CommandHandler = async (raw, context) => {
  const args = raw as RotateArgs;
  const { rotateAccessKey } = await import('@acs-identity/emulator');
  const databaseUrl = args['database-url'] ?? context.io.env.DATABASE_URL;
  const key = args.key === 'secondary' ? 'secondary' : 'primary';
  const rotated = await rotateAccessKey(
    {
      dataDir: resolve(context.io.cwd, args['data-dir']),
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(args['database-schema'] ? { databaseSchema: args['database-schema'] } : {}),
    },
    key,
  ).catch(fromEmulatorError);
  context.log.notice(
    `Rotated the ${key} access key (generation ${rotated.generation}); tokens signed with the old key are no longer valid.`,
  );
  const out: { [name: string]: JsonValue } = { key, generation: rotated.generation };
  if (rotated.info) {
    const connectionString =
      key === 'primary' ? rotated.info.connectionString : rotated.info.secondaryConnectionString;
    out.connectionString = connectionString;
  } else {
    context.log.warn('No running emulator uses this data folder; its emulator.json was not updated.');
  }
  return out;
};
