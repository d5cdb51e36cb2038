/** Which connection option wins when several are set: a flag beats an environment variable, a connection string an endpoint. */
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';
import { CONNECTION_OPTIONS, type ConnectionValues } from './global-options.js';

/** Where the connection came from, for messages: the flag or the environment variable. */
export type ConnectionSource = string;

/** The connection to use: a connection string or an endpoint (Entra ID), and where it came from. */
export type ChosenConnection =
  | { readonly connectionString: string; readonly source: ConnectionSource }
  | { readonly endpoint: string; readonly source: ConnectionSource };

/**
 * The order: --connection-string, --endpoint, AZURE_COMMUNICATION_CONNECTION_STRING, AZURE_COMMUNICATION_ENDPOINT (the
 * variables fill the options in resolve.ts; `context.sources` says which did). Both flags at once is a mistake.
 */
export function chooseConnection(
  args: ConnectionValues,
  context: Pick<CommandContext, 'sources'>,
): ChosenConnection | undefined {
  const fromFlag = (name: keyof ConnectionValues) => context.sources[name] === 'option';
  const connectionString = args['connection-string']?.trim() || undefined;
  const endpoint = args.endpoint?.trim() || undefined;
  const named = (name: 'connection-string' | 'endpoint') =>
    fromFlag(name) ? `--${name}` : CONNECTION_OPTIONS[name].env;
  if (connectionString && endpoint && fromFlag('connection-string') && fromFlag('endpoint')) {
    throw new CliError('USAGE', 'Give either --connection-string or --endpoint, not both.');
  }
  const stringWins =
    connectionString !== undefined && (fromFlag('connection-string') || !fromFlag('endpoint'));
  if (stringWins) return { connectionString, source: named('connection-string') };
  return endpoint === undefined ? undefined : { endpoint, source: named('endpoint') };
}
