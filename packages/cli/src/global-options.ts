/**
 * What every command shares: the bin's name and summary, az's global options, the built-in `--help`/`--version`, and the
 * connection options of the commands that call the service.
 */
import { API_VERSIONS, DEFAULT_API_VERSION, ENV } from '@acs-identity/core/vocabulary';
import type { OptionSpec, OptionValues } from './spec.js';

/** The name of the bin, as help and usage lines print it. */
export const BIN = 'acs-identity';

/** The one-line description of the tool (top of `acs-identity --help`). */
export const TOOL_SUMMARY =
  'ACS identities and access tokens from the terminal; compatible with az communication user-identity.';

/** The description of `acs-identity completion`, which yargs implements. */
export const COMPLETION_SUMMARY =
  'Print a bash/zsh completion script (add `source <(acs-identity completion)` to ~/.bashrc).';

/** The output formats, as `az` names them. */
export const OUTPUT_FORMATS = ['json', 'jsonc', 'table', 'tsv', 'yaml', 'yamlc', 'none'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Options every command accepts (az's global options plus `--api-version`). */
export const GLOBAL_OPTIONS = {
  output: {
    type: 'string',
    alias: ['o'],
    choices: OUTPUT_FORMATS,
    default: 'json',
    description: 'Output format.',
    placeholder: '<format>',
  },
  query: {
    type: 'string',
    description: 'JMESPath query applied to the result, e.g. `rawId`, `token`, `user_id`.',
    placeholder: '<jmespath>',
  },
  debug: {
    type: 'boolean',
    description: 'Log every step and HTTP request to stderr (secrets redacted); show stacks for errors.',
  },
  verbose: { type: 'boolean', description: 'Log progress information to stderr.' },
  'only-show-errors': { type: 'boolean', description: 'Only show errors on stderr, no warnings or notices.' },
  'api-version': {
    type: 'string',
    choices: API_VERSIONS,
    env: ENV.apiVersion,
    description: `ACS Identity api-version to call. Default: ${DEFAULT_API_VERSION}, or for a newer operation the version that has it (see the command’s help); one without the command’s operation is refused.`,
    placeholder: '<version>',
  },
} as const satisfies Record<string, OptionSpec>;

/** Options answered before any parsing (help screens come from help.ts); described here so help and README say the same. */
export const BUILTIN_OPTIONS = {
  help: { type: 'boolean', alias: ['h'], description: 'Show help for the command.' },
  version: { type: 'boolean', description: 'Show the version of acs-identity.' },
} as const satisfies Record<string, OptionSpec>;

/** How the identity commands find the service. */
export const CONNECTION_OPTIONS = {
  'connection-string': {
    type: 'string',
    env: ENV.connectionString,
    secret: true,
    description: 'Connection string of the Communication Services resource (`endpoint=...;accesskey=...`).',
    placeholder: '<string>',
  },
  endpoint: {
    type: 'string',
    env: ENV.endpoint,
    description:
      'Endpoint of the resource; authenticates with Entra ID (DefaultAzureCredential: az login, managed identity, environment).',
    placeholder: '<url>',
  },
  'ca-cert': {
    type: 'string',
    env: ENV.caCertFile,
    description: 'PEM file of a CA to trust for HTTPS, e.g. the local emulator’s `ca.pem`.',
    placeholder: '<file>',
  },
} as const satisfies Record<string, OptionSpec>;

export type GlobalValues = OptionValues<typeof GLOBAL_OPTIONS>;
export type ConnectionValues = OptionValues<typeof CONNECTION_OPTIONS>;
