/**
 * The commands that run and manage the local emulator, and its local Entra ID issuer. `emulator start` takes its options
 * from the emulator's own table (EMULATOR_OPTIONS, the package bin's too), as do the state options of the others.
 */
import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE, ENTRA_PERMISSION_SCOPES } from '@acs-identity/core/vocabulary';
import { EMULATOR_OPTIONS } from '@acs-identity/emulator/options';
import { optionsFromTable, pickTable } from '../option-table.js';
import type { CommandSpec, OptionSpec } from '../spec.js';
import { listText } from './shared.js';

/** The old variable of `--database-url` (before the emulator's table named it), still read with a warning. */
const OLD_DATABASE_URL = { databaseUrl: { deprecatedEnv: ['DATABASE_URL'] } } as const;

/** Where the emulator keeps its state: the part of its table the commands that work on it directly take. */
export const EMULATOR_STATE = pickTable(EMULATOR_OPTIONS, ['dataDir', 'databaseUrl', 'databaseSchema']);

/** Where the emulator keeps its state, for the commands that work on it directly (also while it runs). */
export const EMULATOR_STATE_OPTIONS = optionsFromTable(EMULATOR_STATE, OLD_DATABASE_URL);

export const EMULATOR_START = {
  path: ['emulator', 'start'],
  summary: 'Run the local ACS Identity emulator until Ctrl+C (SIGINT) or SIGTERM.',
  details: `Prints the endpoint, the connection string and how to trust its CA; writes them to <data-dir>/${EMULATOR_INFO_FILE} so other acs-identity commands find it. Its options are those of the package bin acs-identity-emulator (the same flags, variables and defaults).`,
  options: optionsFromTable(EMULATOR_OPTIONS, {
    ...OLD_DATABASE_URL,
    tls: { deprecatedNegation: ['http'] },
    logger: { defaultText: 'acs-identity’s log on stderr (requests with --verbose)' },
  }),
  groups: [],
  examples: [
    ['acs-identity emulator start --port 0', 'Start on any free port'],
    ['acs-identity emulator start --workers 0', 'One worker process per CPU core'],
    ['acs-identity emulator start --no-tls', 'Plain HTTP (loopback clients only)'],
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
  details: `Give exactly one of: --teams-user (with --app), a Teams user token for \`token get-for-teams-user\` (audience https://auth.msft.communication.azure.com, scp "Teams.ManageCalls Teams.ManageChats"); --teams-extension-user (with --app), a Teams Phone extensibility user token for \`token get-for-teams-extension-user\` (same audience, scp TeamsExtension.ManageCalls); --entra-user (with --app), an Entra ID user token for \`token get-for-entra-user\` (audience https://communication.azure.com/clients, scp VoIP unless --scope says otherwise: ${Object.keys(ENTRA_PERMISSION_SCOPES).join(', ')}); --principal, a token for the ACS data plane (audience https://communication.azure.com), accepted once the principal has a role (\`emulator role assign\`). Each refusal of an exchange can be tried: --expires-in 0 (expired), --audience (wrong audience), --omit-scope or --scope User.Read (missing permission), another --app than the assignment lists, a user without an assignment. Prints {"accessToken","expiresOn","expires_on","issuer","tenant","tokenType"} like az account get-access-token.`,
  options: {
    'teams-user': {
      type: 'string',
      description: 'Object id (oid) of the Teams user, a GUID.',
      placeholder: '<oid>',
    },
    'teams-extension-user': {
      type: 'string',
      description: 'Object id (oid) of a Teams Phone extensibility (Teams Extension) user, a GUID.',
      placeholder: '<oid>',
    },
    'entra-user': {
      type: 'string',
      description: 'Object id (oid) of an Entra ID user (Communication Services clients), a GUID.',
      placeholder: '<oid>',
    },
    app: {
      type: 'string',
      description: 'Entra application (client) id, the appid claim; required with a user.',
      placeholder: '<appid>',
    },
    principal: {
      type: 'string',
      description: 'Object id of a principal calling the data plane, a GUID (instead of a user).',
      placeholder: '<id>',
    },
    tenant: {
      type: 'string',
      description: 'Tenant id (tid and the issuer’s tenant); default: the emulator’s local tenant.',
      placeholder: '<guid>',
    },
    scope: {
      type: 'array',
      parse: listText,
      description:
        'The delegated permissions (scp) of a user token, replacing its default; for an Entra ID user the ACS token gets their scopes (VoIP → voip, ...), other permissions are ignored.',
      placeholder: '<permission...>',
    },
    group: {
      type: 'array',
      parse: listText,
      description: 'Group object ids for the groups claim of an Entra ID user token (group assignments).',
      placeholder: '<guid...>',
    },
    'omit-scope': {
      type: 'array',
      choices: ['Teams.ManageCalls', 'Teams.ManageChats', 'TeamsExtension.ManageCalls'],
      description:
        'Leave a permission out of a Teams or Teams Extension user token, to try the “missing scope” failure.',
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
    [
      'acs-identity emulator entra token --teams-extension-user <oid> --app <appid> --tenant <tid> --query accessToken -o tsv',
      'A Teams Extension user token to exchange',
    ],
    [
      'acs-identity emulator entra token --entra-user <oid> --app <appid> --scope VoIP VoIP.Join --query accessToken -o tsv',
      'An Entra ID user token to exchange',
    ],
    [
      'acs-identity emulator entra token --entra-user <oid> --app <appid> --expires-in 0',
      'An expired one, for the refusal',
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
