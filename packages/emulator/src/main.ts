#!/usr/bin/env node
// The package bin, `acs-identity-emulator`: its flags and environment variables are the start options of
// EMULATOR_OPTIONS (see --help). Runs the emulator until SIGINT/SIGTERM, then exits with code 0.
import { isAcsIdentityError, resolveOptions } from '@acs-identity/core';
import { onStopSignals } from '@acs-identity/core/server';
import { parseCommandLine, usage } from './command-line.js';
import { isEmulatorError } from './errors.js';
import { type LaunchedEmulator, launchEmulator } from './launch.js';
import { EMULATOR_OPTIONS, type EmulatorStartOptions } from './options.js';

function fail(message: string, code: number, withUsage = false): never {
  process.stderr.write(`acs-identity-emulator: ${message}\n${withUsage ? `${usage()}\n` : ''}`);
  process.exit(code);
}

/** The start options from the command line, then the environment, then the defaults; usage errors exit 2. */
function startOptions(): Partial<EmulatorStartOptions> {
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (e) {
    return fail((e as Error).message, 2, true);
  }
  if (command.help) {
    process.stdout.write(`${usage()}\n`);
    process.exit(0);
  }
  try {
    return resolveOptions(EMULATOR_OPTIONS, command.given, process.env);
  } catch (e) {
    if (isAcsIdentityError(e)) return fail(e.message, 2);
    throw e;
  }
}

function announce(emulator: LaunchedEmulator): void {
  const { info } = emulator;
  const lines = [
    `ACS Identity emulator listening on ${info.endpoint} (${info.storage}, data in ${info.dataDir})`,
    `Connection string: ${info.connectionString}`,
    `Discovery file: ${emulator.infoFile}`,
  ];
  if ('workerPids' in emulator) lines.push(`Worker processes: ${emulator.workerPids.join(', ')}`);
  if (info.caCertFile) {
    lines.push(
      `Trust its CA: export NODE_EXTRA_CA_CERTS=${info.caCertFile}  (Node.js)`,
      `              export REQUESTS_CA_BUNDLE=${info.caCertFile}  (Python)`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', endpoint: info.endpoint, pid: process.pid })}\n`,
  );
}

async function main(): Promise<void> {
  const starting = launchEmulator(startOptions());
  // Signals are handled from the start: one arriving while the emulator starts stops it right after.
  onStopSignals(async (signal) => {
    const emulator = await starting.catch(() => undefined);
    process.stderr.write(`Received ${signal}; stopping the emulator.\n`);
    await emulator?.close();
    process.exit(0);
  });
  announce(await starting);
}

main().catch((e: unknown) => {
  fail(isEmulatorError(e) ? e.message : String(e), 1);
});
