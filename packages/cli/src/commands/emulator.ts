import { resolve } from 'node:path';
import { EMULATOR_INFO_FILE } from '@acs-identity/core/vocabulary';
import type { EmulatorInfo, EmulatorLogEntry, EmulatorStartOptions } from '@acs-identity/emulator';
import { EMULATOR_OPTIONS } from '@acs-identity/emulator/options';
import type { CommandContext } from '../context.js';
import type { CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import { tableValues } from '../option-table.js';
import { addSecret } from '../redact.js';
import type { EMULATOR_ROTATE_KEY, EMULATOR_START } from '../specs/emulator.js';
import { runUntilStopped, stateOptions } from './shared.js';

function logEntry(context: CommandContext, entry: EmulatorLogEntry): void {
  const request = entry.method
    ? `${entry.method} ${entry.path ?? ''} ${entry.status ?? ''} ${entry.durationMs === undefined ? '' : `${Math.round(entry.durationMs)} ms`}${entry.errorCode ? ` ${entry.errorCode}` : ''}`.trim()
    : entry.msg;
  const line = `emulator: ${request}`;
  if (entry.level === 'error') context.log.error(`ERROR ${line}`);
  else if (entry.level === 'warn') context.log.warn(line);
  else context.log.info(line);
}

/** Says where the emulator listens and how every kind of client reaches it. */
function announce(context: CommandContext, info: EmulatorInfo, infoFile: string): void {
  addSecret(info.connectionString);
  addSecret(info.secondaryConnectionString);
  const { log } = context;
  log.notice(
    `ACS Identity emulator listening on ${info.endpoint} (${info.storage}; data in ${info.dataDir}).`,
  );
  log.notice(`acs-identity commands run in ${context.io.cwd} use it without configuration (${infoFile}).`);
  log.notice(`Elsewhere: --connection-string "$(jq -r .connectionString ${infoFile})".`);
  if (info.caCertFile) {
    log.notice(
      `HTTPS with a local CA; trust it with --ca-cert ${info.caCertFile}, NODE_EXTRA_CA_CERTS=${info.caCertFile} (Node.js) or REQUESTS_CA_BUNDLE=${info.caCertFile} (Python).`,
    );
  }
  if (info.identityEndpoint && info.identityHeader) {
    addSecret(info.identityHeader);
    log.notice(
      `Managed identity (no key): IDENTITY_ENDPOINT=${info.identityEndpoint} IDENTITY_HEADER="$(jq -r .identityHeader ${infoFile})"; grant it with acs-identity emulator role assign --principal ${info.systemAssignedPrincipalId}.`,
    );
  }
  log.notice('Press Ctrl+C to stop.');
}

/**
 * The start options given (flag or variable; the emulator applies the defaults of the same table), the data folder
 * relative to the working folder, and the emulator's log into acs-identity's unless --log says otherwise.
 */
export function emulatorOptions(
  args: Readonly<Record<string, unknown>>,
  context: CommandContext,
): EmulatorStartOptions {
  const options = tableValues(EMULATOR_OPTIONS, args, context.sources);
  return {
    ...options,
    ...(options.dataDir === undefined ? {} : { dataDir: resolve(context.io.cwd, options.dataDir) }),
    logger: options.logger ?? ((entry: EmulatorLogEntry) => logEntry(context, entry)),
  };
}

/** `emulator start`: runs the local emulator until SIGINT/SIGTERM, printing how to connect. */
export const emulatorStart: CommandHandler<typeof EMULATOR_START> = async (args, context) => {
  const { launchEmulator } = await import('@acs-identity/emulator');
  const emulator = await launchEmulator(emulatorOptions(args, context));
  if ('workerPids' in emulator) {
    context.log.notice(`Serving with ${emulator.workerPids.length} worker processes.`);
  }
  announce(context, emulator.info, emulator.infoFile);
  // Listen for Ctrl+C before saying it is ready: a script may stop it as soon as it reads the JSON.
  const stopped = runUntilStopped(context, 'the emulator', () => emulator.close());
  await context.print(emulator.info as unknown as JsonValue);
  await stopped;
  return undefined;
};

/** `emulator rotate-key --key primary|secondary`: replaces an access key, revoking tokens signed under it. */
export const emulatorRotateKey: CommandHandler<typeof EMULATOR_ROTATE_KEY> = async (args, context) => {
  const { rotateAccessKey } = await import('@acs-identity/emulator');
  const { key } = args;
  const rotated = await rotateAccessKey(stateOptions(args, context), key);
  context.log.notice(
    `Rotated the ${key} access key (generation ${rotated.generation}); tokens signed with the old key are no longer valid.`,
  );
  const out: { [name: string]: JsonValue } = { key, generation: rotated.generation };
  if (rotated.info) {
    out.connectionString =
      key === 'primary' ? rotated.info.connectionString : rotated.info.secondaryConnectionString;
  } else {
    context.log.warn(`No running emulator uses this data folder; its ${EMULATOR_INFO_FILE} was not updated.`);
  }
  return out;
};
