/**
 * The one typed definition of every command and option of `acs-identity`.
 *
 * The yargs parser (`parser.ts`), the `--help` text and the option tables in the README (`docs.ts`) are all derived
 * from these objects, so a flag is described exactly once.
 */

/** The name of the bin, as help and usage lines print it. */
export const BIN = 'acs-identity';

/** The one-line description of the tool (top of `acs-identity --help`). */
export const TOOL_SUMMARY =
  'ACS identities and access tokens from the terminal; compatible with az communication user-identity.';

/** The description of `acs-identity completion`, which yargs implements. */
export const COMPLETION_SUMMARY =
  'Print a bash/zsh completion script (add `source <(acs-identity completion)` to ~/.bashrc).';

/** The value type of an option, as yargs parses it. */
export type OptionType = 'string' | 'number' | 'boolean' | 'array';

/** How one option is declared. */
export interface OptionSpec {
  readonly type: OptionType;
  /** One-line description shown in `--help` and in the README. */
  readonly description: string;
  /** Short or alternative names, without dashes (`o` for `-o`). */
  readonly alias?: readonly string[];
  readonly choices?: readonly string[];
  readonly default?: string | number | boolean;
  /** Environment variable read when the option is absent (resolved by the command, documented here). */
  readonly env?: string;
  readonly required?: boolean;
  /** Placeholder for the value in the README, e.g. `<id>`. */
  readonly placeholder?: string;
}

/** A positional argument. */
export interface PositionalSpec {
  readonly description: string;
  readonly placeholder: string;
  /** May be left out. */
  readonly optional?: boolean;
}

/** Shared option groups a command can include. */
export type OptionGroup = 'connection';

/** How one leaf command is declared. */
export interface CommandSpec {
  /** Words that select the command, e.g. `['user', 'create']` or `['emulator', 'role', 'assign']`. */
  readonly path: readonly [string, string] | readonly [string, string, string];
  readonly summary: string;
  /** Extra paragraph for `--help` and the README. */
  readonly details?: string;
  readonly positional?: { readonly name: string } & PositionalSpec;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly groups: readonly OptionGroup[];
  readonly examples: readonly (readonly [command: string, description: string])[];
}

/** The output formats, as `az` names them. */
export const OUTPUT_FORMATS = ['json', 'jsonc', 'table', 'tsv', 'yaml', 'yamlc', 'none'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * The api-versions the CLI accepts; kept equal to `API_VERSIONS` of `@acs-identity/core` by a unit test. Listed here so
 * `--help` does not load the core package.
 */
export const CLI_API_VERSIONS = ['2021-03-07', '2022-06-01', '2022-10-01', '2023-10-01'] as const;

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
    choices: CLI_API_VERSIONS,
    env: 'ACS_IDENTITY_API_VERSION',
    description: 'ACS Identity api-version to call (default: the newest, 2023-10-01).',
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
    env: 'AZURE_COMMUNICATION_CONNECTION_STRING',
    description: 'Connection string of the Communication Services resource (`endpoint=...;accesskey=...`).',
    placeholder: '<string>',
  },
  endpoint: {
    type: 'string',
    env: 'AZURE_COMMUNICATION_ENDPOINT',
    description:
      'Endpoint of the resource; authenticates with Entra ID (DefaultAzureCredential: az login, managed identity, environment).',
    placeholder: '<url>',
  },
  'ca-cert': {
    type: 'string',
    env: 'ACS_IDENTITY_CA_CERT_FILE',
    description: 'PEM file of a CA to trust for HTTPS, e.g. the local emulator’s `ca.pem`.',
    placeholder: '<file>',
  },
} as const satisfies Record<string, OptionSpec>;

const scopeOption = {
  type: 'array',
  description:
    'Scopes: chat, voip, chat.join, chat.join.limited, voip.join (space or comma separated, any case).',
  placeholder: '<scope...>',
} as const satisfies OptionSpec;

const expiresOption = {
  type: 'number',
  description:
    'Token lifetime in minutes, 60 to 1440 (service default 1440). Needs api-version 2022-10-01 or newer.',
  placeholder: '<minutes>',
} as const satisfies OptionSpec;

const yesOption = {
  type: 'boolean',
  alias: ['y'],
  description: 'Do not prompt for confirmation (required when stdin is not a terminal).',
} as const satisfies OptionSpec;

const userOption = {
  type: 'string',
  required: true,
  description: 'Raw id of the communication user, `8:acs:...`.',
  placeholder: '<id>',
} as const satisfies OptionSpec;

/** What `user delete` and `token revoke` share: they act on one user, after a confirmation. */
const confirmedUserCommand = {
  details: 'Asks for confirmation when stdin is a terminal; otherwise --yes is required. Prints nothing.',
  options: { user: userOption, yes: yesOption },
  groups: ['connection'],
} as const satisfies Partial<CommandSpec>;

export const USER_CREATE = {
  path: ['user', 'create'],
  summary: 'Create a communication user (optionally with a token, optionally many).',
  details:
    'Prints {"properties":{"id"},"rawId"} like az; with --scope also "token" and "expires_on". With --count > 1 prints an array and a summary on stderr, with a progress bar when stderr is a terminal.',
  options: {
    scope: {
      ...scopeOption,
      description: `Also issue a token with these scopes in the same request. ${scopeOption.description}`,
    },
    'expires-in-minutes': expiresOption,
    count: { type: 'number', default: 1, description: 'How many users to create.', placeholder: '<n>' },
    concurrency: {
      type: 'number',
      default: 8,
      description: 'Requests in flight at once when --count > 1.',
      placeholder: '<n>',
    },
  },
  groups: ['connection'],
  examples: [
    ['acs-identity user create', 'Create one user'],
    [
      'acs-identity user create --scope chat voip --query token -o tsv',
      'Create a user with a chat+voip token, print the token',
    ],
    ['acs-identity user create --count 100 --query "[].rawId" -o tsv', 'Create 100 users, print their ids'],
  ],
} as const satisfies CommandSpec;

export const USER_DELETE = {
  path: ['user', 'delete'],
  summary: 'Delete a communication user and revoke its tokens.',
  ...confirmedUserCommand,
  examples: [['acs-identity user delete --user 8:acs:... --yes', 'Delete without prompting']],
} as const satisfies CommandSpec;

export const TOKEN_ISSUE = {
  path: ['token', 'issue'],
  summary: 'Issue an access token (creates a user too when --user is not given).',
  details: 'Prints {"expires_on","token","user_id"} like az; expires_on is always ISO-8601 UTC.',
  options: {
    scope: { ...scopeOption, required: true },
    user: {
      ...userOption,
      required: false,
      description: 'Raw id of an existing user; omitted: create a new user.',
    },
    'expires-in-minutes': expiresOption,
  },
  groups: ['connection'],
  examples: [
    ['acs-identity token issue --scope chat voip', 'New user with a 24 h chat+voip token'],
    [
      'acs-identity token issue --scope voip.join --user 8:acs:... --expires-in-minutes 60',
      'One-hour Rooms token',
    ],
  ],
} as const satisfies CommandSpec;

export const TOKEN_REVOKE = {
  path: ['token', 'revoke'],
  summary: 'Revoke every access token of a user.',
  ...confirmedUserCommand,
  examples: [['acs-identity token revoke --user 8:acs:... --yes', 'Revoke without prompting']],
} as const satisfies CommandSpec;

export const TOKEN_TEAMS = {
  path: ['token', 'get-for-teams-user'],
  summary: "Exchange a Teams user's Entra ID token for an ACS token.",
  details: 'Prints {"expires_on","token"} like az. Needs api-version 2022-06-01 or newer.',
  options: {
    'aad-token': {
      type: 'string',
      required: true,
      description: 'Entra ID access token of the Teams user.',
      placeholder: '<jwt>',
    },
    client: {
      type: 'string',
      required: true,
      description: 'Entra application (client) id; must match the token’s appid.',
      placeholder: '<guid>',
    },
    'aad-user': {
      type: 'string',
      required: true,
      description: 'Object id of the Teams user; must match the token’s oid.',
      placeholder: '<guid>',
    },
  },
  groups: ['connection'],
  examples: [
    ['acs-identity token get-for-teams-user --aad-token "$T" --client <app> --aad-user <oid>', 'Exchange'],
  ],
} as const satisfies CommandSpec;

export const TOKEN_DECODE = {
  path: ['token', 'decode'],
  summary: 'Show the claims, scopes, identity and expiry of an access token (offline, not verified).',
  details:
    'Works for real ACS tokens too. The signature is NOT verified. Without the argument (or with -) the token is read from stdin, which keeps it out of the shell history.',
  positional: {
    name: 'jwt',
    description: 'The token; omitted or - : read it from stdin.',
    placeholder: '[jwt]',
    optional: true,
  },
  options: {},
  groups: [],
  examples: [
    [
      'acs-identity token issue --scope chat --query token -o tsv | acs-identity token decode',
      'Decode a fresh token',
    ],
  ],
} as const satisfies CommandSpec;

export const IDENTIFIER_PARSE = {
  path: ['identifier', 'parse'],
  summary: 'Show the kind and fields of a raw communication identifier (offline).',
  positional: {
    name: 'raw-id',
    description: 'A raw id, e.g. 8:acs:..., 8:orgid:..., 28:orgid:..., 4:+1...',
    placeholder: '<raw-id>',
  },
  options: {},
  groups: [],
  examples: [['acs-identity identifier parse 4:+112345556789', 'A phone number']],
} as const satisfies CommandSpec;

/** Where the emulator keeps its state, for the commands that work on it directly (also while it runs). */
const EMULATOR_STATE_OPTIONS = {
  'data-dir': {
    type: 'string',
    default: '.acs-identity',
    description: 'Data folder of the emulator.',
    placeholder: '<dir>',
  },
  'database-url': {
    type: 'string',
    env: 'DATABASE_URL',
    description: 'postgres:// URL when the emulator keeps its state in PostgreSQL.',
    placeholder: '<url>',
  },
  'database-schema': {
    type: 'string',
    description: 'PostgreSQL schema of the emulator’s tables (default acs_emulator).',
    placeholder: '<name>',
  },
} as const satisfies Record<string, OptionSpec>;

export const EMULATOR_START = {
  path: ['emulator', 'start'],
  summary: 'Run the local ACS Identity emulator until Ctrl+C (SIGINT) or SIGTERM.',
  details:
    'Prints the endpoint, the connection string and how to trust its CA; writes them to <data-dir>/emulator.json so other acs-identity commands find it.',
  options: {
    port: {
      type: 'number',
      default: 8443,
      description: 'TCP port (0: any free port).',
      placeholder: '<port>',
    },
    host: {
      type: 'string',
      default: '127.0.0.1',
      description: 'Interface to listen on.',
      placeholder: '<host>',
    },
    'data-dir': {
      ...EMULATOR_STATE_OPTIONS['data-dir'],
      description: 'Folder for the database, keys and emulator.json.',
    },
    'database-url': {
      ...EMULATOR_STATE_OPTIONS['database-url'],
      description: 'postgres:// URL to share state between instances (default: SQLite in the data folder).',
    },
    'database-schema': EMULATOR_STATE_OPTIONS['database-schema'],
    http: { type: 'boolean', description: 'Serve plain HTTP instead of HTTPS (loopback clients only).' },
    'rate-limits': {
      type: 'boolean',
      default: true,
      description:
        'Apply the service’s per-30-second limits (answer 429 beyond them); --no-rate-limits turns them off.',
    },
    'trust-issuer': {
      type: 'array',
      description:
        'Entra ID issuer URLs (the tokens’ iss) to trust besides the local one, for bearer requests and the Teams exchange; keys come from their OpenID discovery document.',
      placeholder: '<issuer...>',
    },
    workers: {
      type: 'number',
      default: 1,
      description: 'Worker processes sharing the port and the data folder; 0 means one per CPU core.',
      placeholder: '<n>',
    },
  },
  groups: [],
  examples: [
    ['acs-identity emulator start --port 0', 'Start on any free port'],
    ['acs-identity emulator start --workers 0', 'One worker process per CPU core'],
  ],
} as const satisfies CommandSpec;

export const EMULATOR_ROTATE_KEY = {
  path: ['emulator', 'rotate-key'],
  summary: 'Regenerate an access key of the local emulator (revokes tokens signed with it).',
  options: {
    key: {
      type: 'string',
      choices: ['primary', 'secondary'],
      default: 'primary',
      description: 'Which key to regenerate.',
      placeholder: '<key>',
    },
    ...EMULATOR_STATE_OPTIONS,
  },
  groups: [],
  examples: [['acs-identity emulator rotate-key --key secondary', 'Regenerate the secondary key']],
} as const satisfies CommandSpec;

export const EMULATOR_ENTRA_TOKEN = {
  path: ['emulator', 'entra', 'token'],
  summary: 'Mint a token of the emulator’s local Entra ID issuer (development only).',
  details:
    'With --teams-user and --app: a Teams user token for `token get-for-teams-user` (audience https://auth.msft.communication.azure.com, scp "Teams.ManageCalls Teams.ManageChats"). With --principal: a token for the ACS data plane (audience https://communication.azure.com), accepted once the principal has a role (`emulator role assign`). Prints {"accessToken","expiresOn","expires_on","issuer","tenant","tokenType"} like az account get-access-token.',
  options: {
    'teams-user': {
      type: 'string',
      description: 'Object id (oid) of the Teams user, a GUID.',
      placeholder: '<oid>',
    },
    app: {
      type: 'string',
      description: 'Entra application (client) id, the appid claim; required with --teams-user.',
      placeholder: '<appid>',
    },
    principal: {
      type: 'string',
      description: 'Object id of a principal calling the data plane, a GUID (instead of --teams-user).',
      placeholder: '<id>',
    },
    tenant: {
      type: 'string',
      description: 'Tenant id (tid and the issuer’s tenant); default: the emulator’s local tenant.',
      placeholder: '<guid>',
    },
    'omit-scope': {
      type: 'array',
      choices: ['Teams.ManageCalls', 'Teams.ManageChats'],
      description: 'Leave a Teams scope out, to try the exchange’s “missing scope” failure.',
      placeholder: '<scope...>',
    },
    audience: {
      type: 'string',
      description: 'Another audience (aud), to try the “wrong audience” failure.',
      placeholder: '<uri>',
    },
    'expires-in': {
      type: 'number',
      default: 3600,
      description: 'Lifetime in seconds; 0 or negative mints an already expired token.',
      placeholder: '<seconds>',
    },
    ...EMULATOR_STATE_OPTIONS,
  },
  groups: [],
  examples: [
    [
      'acs-identity emulator entra token --teams-user <oid> --app <appid> --query accessToken -o tsv',
      'A Teams user token to exchange',
    ],
    ['acs-identity emulator entra token --principal <id> --query accessToken -o tsv', 'A data-plane token'],
  ],
} as const satisfies CommandSpec;

const principalOption = {
  type: 'string',
  required: true,
  description: 'Object id or application (client) id of the principal, a GUID (as az’s --assignee).',
  placeholder: '<id>',
} as const satisfies OptionSpec;

export const EMULATOR_ROLE_ASSIGN = {
  path: ['emulator', 'role', 'assign'],
  summary: 'Let a principal call the emulator’s data plane with Entra ID bearer tokens.',
  details:
    'Without a grant, bearer requests answer 403. The system-assigned managed identity’s principal id is `systemAssignedPrincipalId` in emulator.json; a user-assigned one is granted by its client id. Prints {"principalId","role","createdAt"}.',
  options: {
    principal: principalOption,
    role: {
      type: 'string',
      default: 'Contributor',
      description: 'Role name recorded with the grant (every role grants the whole data plane).',
      placeholder: '<name>',
    },
    ...EMULATOR_STATE_OPTIONS,
  },
  groups: [],
  examples: [
    [
      'acs-identity emulator role assign --principal "$(jq -r .systemAssignedPrincipalId .acs-identity/emulator.json)"',
      'Grant the system-assigned managed identity',
    ],
  ],
} as const satisfies CommandSpec;

export const EMULATOR_ROLE_REMOVE = {
  path: ['emulator', 'role', 'remove'],
  summary: 'Withdraw a principal’s access to the emulator’s data plane.',
  details: 'Prints nothing; exit code 3 when the principal had no grant.',
  options: { principal: principalOption, ...EMULATOR_STATE_OPTIONS },
  groups: [],
  examples: [['acs-identity emulator role remove --principal <id>', 'Remove a grant']],
} as const satisfies CommandSpec;

export const EMULATOR_ROLE_LIST = {
  path: ['emulator', 'role', 'list'],
  summary: 'List the principals granted access to the emulator’s data plane.',
  details: 'Prints [{"principalId","role","createdAt"}].',
  options: { ...EMULATOR_STATE_OPTIONS },
  groups: [],
  examples: [['acs-identity emulator role list -o table', 'As a table']],
} as const satisfies CommandSpec;

/** How the `resource identity` commands find Azure Resource Manager (or the local emulator's ARM routes). */
const RESOURCE_OPTIONS = {
  name: {
    type: 'string',
    alias: ['n'],
    required: true,
    description: 'Name of the Communication Services resource.',
    placeholder: '<name>',
  },
  'resource-group': {
    type: 'string',
    alias: ['g'],
    required: true,
    description: 'Resource group of the resource.',
    placeholder: '<group>',
  },
  subscription: {
    type: 'string',
    env: 'AZURE_SUBSCRIPTION_ID',
    description: 'Subscription id (any GUID for the local emulator; default there: all zeros).',
    placeholder: '<id>',
  },
  'management-endpoint': {
    type: 'string',
    env: 'ACS_IDENTITY_MANAGEMENT_ENDPOINT',
    description:
      'Azure Resource Manager endpoint, authenticated with DefaultAzureCredential. Default: the local emulator of .acs-identity/emulator.json (signed in through its local Entra issuer), else https://management.azure.com.',
    placeholder: '<url>',
  },
  'ca-cert': {
    ...CONNECTION_OPTIONS['ca-cert'],
    description: 'PEM file of a CA to trust for HTTPS (the local emulator’s is used automatically).',
  },
} as const satisfies Record<string, OptionSpec>;

export const RESOURCE_IDENTITY_ASSIGN = {
  path: ['resource', 'identity', 'assign'],
  summary:
    'Assign managed identities to a Communication Services resource (az communication identity assign).',
  details:
    'Adds to what the resource has. Prints the resulting identity {"principalId","tenantId","type","userAssignedIdentities"}.',
  options: {
    'system-assigned': { type: 'boolean', description: 'Enable the system-assigned identity.' },
    'user-assigned': {
      type: 'array',
      description: 'ARM ids of user-assigned identities to add.',
      placeholder: '<id...>',
    },
    ...RESOURCE_OPTIONS,
  },
  groups: [],
  examples: [
    ['acs-identity resource identity assign -n acs -g rg --system-assigned', 'Enable the system identity'],
  ],
} as const satisfies CommandSpec;

export const RESOURCE_IDENTITY_REMOVE = {
  path: ['resource', 'identity', 'remove'],
  summary:
    'Remove managed identities from a Communication Services resource (az communication identity remove).',
  details: '--user-assigned without ids removes every user-assigned identity. Prints the resulting identity.',
  options: {
    'system-assigned': { type: 'boolean', description: 'Remove the system-assigned identity.' },
    'user-assigned': {
      type: 'array',
      description: 'ARM ids of user-assigned identities to remove; none given: all of them.',
      placeholder: '<id...>',
    },
    ...RESOURCE_OPTIONS,
  },
  groups: [],
  examples: [
    ['acs-identity resource identity remove -n acs -g rg --user-assigned', 'Remove every user identity'],
  ],
} as const satisfies CommandSpec;

export const RESOURCE_IDENTITY_SHOW = {
  path: ['resource', 'identity', 'show'],
  summary:
    'Show the managed identities of a Communication Services resource (az communication identity show).',
  options: { ...RESOURCE_OPTIONS },
  groups: [],
  examples: [['acs-identity resource identity show -n acs -g rg', 'Show them']],
} as const satisfies CommandSpec;

export const GATEWAY_START = {
  path: ['gateway', 'start'],
  summary: 'Run the GraphQL trusted token service until Ctrl+C (SIGINT) or SIGTERM.',
  details:
    'Every other setting (admin keys, OpenID Connect issuer, CORS, limits) comes from the GATEWAY_* environment variables described in the @acs-identity/graphql README. Without a connection option the gateway uses the local emulator of --data-dir.',
  options: {
    port: {
      type: 'number',
      env: 'GATEWAY_PORT',
      description: 'TCP port (0: any free port); default 4000.',
      placeholder: '<port>',
    },
    host: {
      type: 'string',
      env: 'GATEWAY_HOST',
      description: 'Interface to listen on; default 127.0.0.1.',
      placeholder: '<host>',
    },
    'data-dir': {
      type: 'string',
      env: 'GATEWAY_DATA_DIR',
      description:
        'Folder of the SQLite mapping store and of the local emulator’s emulator.json; default .acs-identity.',
      placeholder: '<dir>',
    },
    'database-url': {
      type: 'string',
      env: 'GATEWAY_DATABASE_URL',
      description: 'postgres:// URL of the mapping store, for several gateway instances (default: SQLite).',
      placeholder: '<url>',
    },
    dev: {
      type: 'boolean',
      env: 'GATEWAY_DEV',
      description:
        'Development mode: POST /dev/sign-in lets anyone sign in as anyone, plus GraphiQL. Never in production.',
    },
  },
  groups: ['connection'],
  examples: [['acs-identity gateway start --dev', 'Gateway on the local emulator with dev sign-in']],
} as const satisfies CommandSpec;

/** The positional argument as usage lines and yargs write it, with its leading space: ` <raw-id>`, ` [token]`, or ''. */
export function positionalUsage(spec: CommandSpec): string {
  if (!spec.positional) return '';
  return spec.positional.optional ? ` [${spec.positional.name}]` : ` <${spec.positional.name}>`;
}

/** Every leaf command, in help order. */
export const COMMANDS = [
  USER_CREATE,
  USER_DELETE,
  TOKEN_ISSUE,
  TOKEN_REVOKE,
  TOKEN_TEAMS,
  TOKEN_DECODE,
  IDENTIFIER_PARSE,
  EMULATOR_START,
  EMULATOR_ROTATE_KEY,
  EMULATOR_ENTRA_TOKEN,
  EMULATOR_ROLE_ASSIGN,
  EMULATOR_ROLE_REMOVE,
  EMULATOR_ROLE_LIST,
  RESOURCE_IDENTITY_ASSIGN,
  RESOURCE_IDENTITY_REMOVE,
  RESOURCE_IDENTITY_SHOW,
  GATEWAY_START,
] as const;

/** Descriptions of the command groups (first word). */
export const COMMAND_GROUPS = {
  user: 'Create and delete communication users.',
  token: 'Issue, revoke, exchange and decode access tokens.',
  identifier: 'Work with raw communication identifiers.',
  emulator: 'Run and manage the local ACS Identity emulator.',
  resource: 'Manage the Communication Services resource (Azure Resource Manager).',
  gateway: 'Run the GraphQL trusted token service.',
} as const;

/** Descriptions of the second-level groups of three-word commands. */
export const COMMAND_SUBGROUPS = {
  'emulator entra': 'The emulator’s local Entra ID issuer (development only).',
  'emulator role': 'Which principals may call the emulator with Entra ID bearer tokens.',
  'resource identity': 'Managed identities of the resource, with az’s flags.',
} as const;

/** Names of the leaf commands, e.g. `'user create'`. */
export type CommandId = JoinPath<(typeof COMMANDS)[number]>;
type JoinPath<C> = C extends {
  path: readonly [infer A extends string, infer B extends string, infer D extends string];
}
  ? `${A} ${B} ${D}`
  : C extends { path: readonly [infer A extends string, infer B extends string] }
    ? `${A} ${B}`
    : never;

type ValueOf<T extends OptionType> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : string[];

type ParsedValue<S> = S extends { choices: readonly (infer C)[] }
  ? C
  : S extends { type: infer T extends OptionType }
    ? ValueOf<T>
    : never;

type Always<O> = {
  [K in keyof O]: O[K] extends { required: true } | { default: unknown } ? K : never;
}[keyof O];

/** The parsed values of a record of options, keyed by their kebab-case names. */
export type OptionValues<O extends Readonly<Record<string, OptionSpec>>> = {
  readonly [K in Always<O>]: ParsedValue<O[K]>;
} & {
  readonly [K in Exclude<keyof O, Always<O>>]?: ParsedValue<O[K]>;
};

export type GlobalValues = OptionValues<typeof GLOBAL_OPTIONS>;
export type ConnectionValues = OptionValues<typeof CONNECTION_OPTIONS>;
