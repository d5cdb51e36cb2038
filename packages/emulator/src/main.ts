#!/usr/bin/env node
// Runs the emulator until SIGINT/SIGTERM: `acs-identity-emulator [--port 0] [--host 127.0.0.1] [--data-dir .acs-identity]
// [--database-url postgres://...] [--database-schema acs_emulator] [--http] [--no-rate-limits] [--bearer-tokens]
// [--trust-issuer <issuer URL>]... [--quiet]`.
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.js';
import { isEmulatorError } from './errors.js';
import type { EmulatorOptions } from './options.js';

const USAGE =
  'Usage: acs-identity-emulator [--port <n>] [--host <address>] [--data-dir <folder>] [--database-url <postgres://...>] ' +
  '[--database-schema <name>] [--http] [--no-rate-limits] [--bearer-tokens] [--trust-issuer <issuer URL>]... [--quiet]';

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  const options: EmulatorOptions = {
    port,
    tls: !values.http,
    rateLimits: !values['no-rate-limits'],
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
    ...(values['database-url'] === undefined ? {} : { databaseUrl: values['database-url'] }),
    ...(values['database-schema'] === undefined ? {} : { databaseSchema: values['database-schema'] }),
    ...(values.quiet ? { logger: false as const } : {}),
    ...(values['bearer-tokens'] ? { bearerTokens: true } : {}),
    ...(values['trust-issuer']
      ? { trustedIssuers: values['trust-issuer'].map((issuer) => ({ issuer })) }
      : {}),
  };
  // Signals are handled from the start: one arriving while the emulator starts stops it right after.
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  let pendingSignal: string | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (!emulator) {
      pendingSignal = signal;
      return;
    }
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Received ${signal}; stopping the emulator.\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  emulator = await startEmulator(options);
  const { info } = emulator;
  const lines = [
    `ACS Identity emulator listening on ${info.endpoint} (${info.storage}, data in ${info.dataDir})`,
    `Connection string: ${info.connectionString}`,
    `Discovery file: ${emulator.infoFile}`,
  ];
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
  if (pendingSignal) stop(pendingSignal);
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'database-schema': { type: 'string' },
      http: { type: 'boolean' },
      'no-rate-limits': { type: 'boolean' },
      quiet: { type: 'boolean' },
      'bearer-tokens': { type: 'boolean' },
      'trust-issuer': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`acs-identity-emulator: ${isEmulatorError(e) ? e.message : String(e)}\n`);
  process.exit(1);
});
