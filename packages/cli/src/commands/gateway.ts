import { resolve } from 'node:path';
import type { LogEntry, StartGatewayOptions } from '@acs-identity/graphql';
import type { CommandHandler } from '../cli.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import type { ConnectionValues, GATEWAY_START, GlobalValues, OptionValues } from '../options.js';
import { addSecret } from '../redact.js';
import { waitForStopSignal } from './emulator.js';
import { integerOption } from './shared.js';

type StartArgs = OptionValues<(typeof GATEWAY_START)['options']> & ConnectionValues & GlobalValues;

function logEntry(context: CommandContext, entry: LogEntry): void {
  const { time: _time, level, msg, ...fields } = entry;
  const extra = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
  const line = `gateway: ${msg}${extra}`;
  if (level === 'error') context.log.error(`ERROR ${line}`);
  else if (level === 'warn') context.log.warn(line);
  else if (level === 'info') context.log.info(line);
  else context.log.debug(line);
}

/** Turns the gateway's configuration errors into usage errors; the rest stay runtime errors. */
function fromGatewayError(error: unknown): never {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  if (e?.code === 'INVALID_OPTIONS') throw new CliError('USAGE', String(e.message), { cause: error });
  if (e?.code === 'PORT_IN_USE') {
    throw new CliError('UNEXPECTED', String(e.message), {
      cause: error,
      hint: 'Choose another --port, or 0 for any.',
    });
  }
  throw error;
}

/** `gateway start`: runs the GraphQL trusted token service until SIGINT/SIGTERM. */
export const gatewayStart: CommandHandler = async (raw, context) => {
  const args = raw as StartArgs;
  const options: StartGatewayOptions = {
    env: context.io.env,
    logSink: (entry) => logEntry(context, entry),
    logLevel: context.log.isDebug ? 'debug' : 'info',
  };
  if (args.port !== undefined) options.port = integerOption('port', args.port, 0, 65_535);
  if (args.host !== undefined) options.host = args.host;
  if (args['data-dir'] !== undefined) options.dataDir = resolve(context.io.cwd, args['data-dir']);
  else options.dataDir = resolve(context.io.cwd, context.io.env.GATEWAY_DATA_DIR ?? '.acs-identity');
  if (args['database-url'] !== undefined) options.databaseUrl = args['database-url'];
  if (args.dev) options.dev = true;
  if (args['connection-string'] !== undefined) {
    addSecret(args['connection-string']);
    options.connectionString = args['connection-string'];
  }
  if (args.endpoint !== undefined) options.endpoint = args.endpoint;
  const caCertFile = args['ca-cert'] ?? context.io.env.ACS_IDENTITY_CA_CERT_FILE;
  if (caCertFile) options.caCertFile = caCertFile;
  const { startGateway } = await import('@acs-identity/graphql');
  const running = await startGateway(options).catch(fromGatewayError);
  context.log.notice(
    `GraphQL gateway listening on ${running.graphqlUrl}${running.gateway.dev ? ' (development mode)' : ''}.`,
  );
  context.log.notice('Press Ctrl+C to stop.');
  await context.print({
    url: running.url,
    graphqlUrl: running.graphqlUrl,
    port: running.port,
    dev: running.gateway.dev,
  });
  const signal = await waitForStopSignal();
  context.log.notice(`Received ${signal}; stopping the gateway.`);
  await running.close();
  return undefined;
};
