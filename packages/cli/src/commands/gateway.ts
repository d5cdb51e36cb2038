import { resolve } from 'node:path';
import type { LogEntry, StartGatewayOptions } from '@acs-identity/graphql';
import { chooseConnection } from '../connection-source.js';
import type { CommandContext } from '../context.js';
import type { CommandHandler } from '../handler.js';
import { addSecret } from '../redact.js';
import type { GATEWAY_START } from '../specs/gateway.js';
import { runUntilStopped } from './shared.js';

function logEntry(context: CommandContext, entry: LogEntry): void {
  const { time: _time, level, msg, ...fields } = entry;
  const extra = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
  const line = `gateway: ${msg}${extra}`;
  if (level === 'error') context.log.error(`ERROR ${line}`);
  else if (level === 'warn') context.log.warn(line);
  else if (level === 'info') context.log.info(line);
  else context.log.debug(line);
}

/** `gateway start`: runs the GraphQL trusted token service until SIGINT/SIGTERM. */
export const gatewayStart: CommandHandler<typeof GATEWAY_START> = async (args, context) => {
  const options: StartGatewayOptions = {
    env: context.io.env,
    logSink: (entry) => logEntry(context, entry),
    logLevel: context.log.isDebug ? 'debug' : 'info',
    dataDir: resolve(context.io.cwd, args['data-dir']),
  };
  if (args.port !== undefined) options.port = args.port;
  if (args.host !== undefined) options.host = args.host;
  if (args['database-url'] !== undefined) options.databaseUrl = args['database-url'];
  if (args.dev) options.dev = true;
  const connection = chooseConnection(args, context);
  if (connection && 'connectionString' in connection) {
    addSecret(connection.connectionString);
    options.connectionString = connection.connectionString;
  } else if (connection) {
    options.endpoint = connection.endpoint;
  }
  if (args['ca-cert'] !== undefined) options.caCertFile = args['ca-cert'];
  const { startGateway } = await import('@acs-identity/graphql');
  const running = await startGateway(options);
  context.log.notice(
    `GraphQL gateway listening on ${running.graphqlUrl}${running.gateway.dev ? ' (development mode)' : ''}.`,
  );
  context.log.notice('Press Ctrl+C to stop.');
  // Listen for Ctrl+C before saying it is ready: a script may stop it as soon as it reads the JSON.
  const stopped = runUntilStopped(context, 'the gateway', () => running.close());
  await context.print({
    url: running.url,
    graphqlUrl: running.graphqlUrl,
    port: running.port,
    dev: running.gateway.dev,
  });
  await stopped;
  return undefined;
};
