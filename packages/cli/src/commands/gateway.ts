import { resolve } from 'node:path';
import type { LogEntry, StartGatewayOptions } from '@acs-identity/graphql';
import { GATEWAY_OPTIONS } from '@acs-identity/graphql/options';
import { chooseConnection } from '../connection-source.js';
import type { CommandContext } from '../context.js';
import type { CommandHandler } from '../handler.js';
import { tableValues, unreadEnv } from '../option-table.js';
import { addSecret } from '../redact.js';
import { GATEWAY_START } from '../specs/gateway.js';
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

/**
 * The options given (flag or variable; the gateway applies the defaults of the same table), with one connection:
 * a flag beats a variable, as for every command (connection-source.ts).
 */
export function gatewayOptions(
  args: Readonly<Record<string, unknown>>,
  context: CommandContext,
): StartGatewayOptions {
  const options = tableValues(GATEWAY_OPTIONS, args, context.sources);
  const { connectionString, endpoint } = options;
  const connection = chooseConnection(
    {
      ...(connectionString === undefined ? {} : { 'connection-string': connectionString }),
      ...(endpoint === undefined ? {} : { endpoint }),
    },
    context,
  );
  if (connection && 'connectionString' in connection) {
    addSecret(connection.connectionString);
    delete options.endpoint;
  } else if (connection) {
    delete options.connectionString;
  }
  return {
    ...options,
    ...(options.dataDir === undefined ? {} : { dataDir: resolve(context.io.cwd, options.dataDir) }),
    // The variables of the options above were read here; the gateway reads the rest (GATEWAY_ADMIN_KEYS, PORT, ...).
    env: unreadEnv(context.io.env, GATEWAY_START.options),
    logSink: (entry) => logEntry(context, entry),
    logLevel: options.logLevel ?? (context.log.isDebug ? 'debug' : 'info'),
  };
}

/** `gateway start`: runs the GraphQL trusted token service until SIGINT/SIGTERM. */
export const gatewayStart: CommandHandler<typeof GATEWAY_START> = async (args, context) => {
  const options = gatewayOptions(args, context);
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
