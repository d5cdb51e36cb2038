/** The commands that run and manage the local emulator, and its local Entra ID issuer. */
import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE, ENV } from '@acs-identity/core/vocabulary';
import type { CommandSpec, OptionSpec } from '../spec.js';

/** Where the emulator keeps its state, for the commands that work on it directly (also while it runs). */
export const EMULATOR_STATE_OPTIONS = {
  'data-dir': {
    type: 'string',
    default: DEFAULT_DATA_DIR,
    env: ENV.dataDir,
    description: 'Data folder of the emulator.',
    placeholder: '<dir>',
  },
  'database-url': {
    type: 'string',
    env: 'DATABASE_URL',
    secret: true,
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
  details: `Prints the endpoint, the connection string and how to trust its CA; writes them to <data-dir>/${EMULATOR_INFO_FILE} so other acs-identity commands find it.`,
  options: {
    port: {
      type: 'number',
      default: 8443,
      integer: { min: 0, max: 65_535 },
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
      description: `Folder for the database, keys and ${EMULATOR_INFO_FILE}.`,
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
      integer: { min: 0, max: 256 },
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
      integer: {},
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
  details: `Without a grant, bearer requests answer 403. The system-assigned managed identity’s principal id is \`systemAssignedPrincipalId\` in ${EMULATOR_INFO_FILE}; a user-assigned one is granted by its client id. Prints {"principalId","role","createdAt"}.`,
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
      `acs-identity emulator role assign --principal "$(jq -r .systemAssignedPrincipalId ${DEFAULT_DATA_DIR}/${EMULATOR_INFO_FILE})"`,
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
