/** The az commands: users, tokens and identifiers (`az communication user-identity`, done better). */
import { CUSTOM_ID_MAX_LENGTH, TOKEN_LIFETIME, TOKEN_SCOPES } from '@acs-identity/core/vocabulary';
import type { CommandSpec, OptionSpec } from '../spec.js';
import { yesOption } from './shared.js';

const scopeOption = {
  type: 'array',
  description: `Scopes: ${TOKEN_SCOPES.join(', ')} (space or comma separated, any case).`,
  placeholder: '<scope...>',
} as const satisfies OptionSpec;

const expiresOption = {
  type: 'number',
  description: `Token lifetime in minutes, ${TOKEN_LIFETIME.minMinutes} to ${TOKEN_LIFETIME.maxMinutes} (service default ${TOKEN_LIFETIME.defaultMinutes}). Needs api-version 2022-10-01 or newer.`,
  placeholder: '<minutes>',
} as const satisfies OptionSpec;

const userOption = {
  type: 'string',
  required: true,
  description: 'Raw id of the communication user, `8:acs:...`.',
  placeholder: '<id>',
} as const satisfies OptionSpec;

/** A custom id as typed: 1 to CUSTOM_ID_MAX_LENGTH characters, sent as given (the service compares them exactly). */
function customIdText(text: string): string {
  if (text.length >= 1 && text.length <= CUSTOM_ID_MAX_LENGTH) return text;
  throw new Error(`1 to ${CUSTOM_ID_MAX_LENGTH} characters, got ${text.length}`);
}

const customIdOption = {
  type: 'string',
  apiFeature: 'customId',
  parse: customIdText,
  description: `Your own id for the user, 1 to ${CUSTOM_ID_MAX_LENGTH} characters (e.g. an e-mail address): the same custom id gives back the same identity every time.`,
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
  summary:
    'Create a communication user (optionally with a token, optionally many, optionally by your own id).',
  details:
    'Prints {"properties":{"id"},"rawId"} like az; with --custom-id also "customId"; with --scope also "token" and "expires_on". With --custom-id the service answers the identity of that custom id, creating it on first use: the same identity every time (with --scope a new token for it each time). With --count > 1 prints an array and a summary on stderr, with a progress bar when stderr is a terminal; --count and --custom-id do not go together.',
  options: {
    'custom-id': customIdOption,
    scope: {
      ...scopeOption,
      description: `Also issue a token with these scopes in the same request. ${scopeOption.description}`,
    },
    'expires-in-minutes': expiresOption,
    count: {
      type: 'number',
      default: 1,
      integer: { min: 1, max: 100_000 },
      description: 'How many users to create.',
      placeholder: '<n>',
    },
    concurrency: {
      type: 'number',
      default: 8,
      integer: { min: 1, max: 256 },
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
    [
      'acs-identity user create --custom-id alice@contoso.com --query rawId -o tsv',
      'The identity of your user alice@contoso.com (the same one every time)',
    ],
  ],
} as const satisfies CommandSpec;

export const USER_SHOW = {
  path: ['user', 'show'],
  summary: 'Show a communication user: its custom id and when a token was last issued for it.',
  details:
    'Prints {"properties":{"id"},"rawId","customId","lastTokenIssuedAt"}; customId is null for a user created without one, lastTokenIssuedAt (ISO-8601 UTC) null before its first token. Shows created users and the identities of the Teams Extension and Entra user exchanges. A user that does not exist (or was deleted) exits with code 3.',
  options: {
    user: {
      ...userOption,
      description: 'Raw id of the user, `8:acs:...` (created, or the identity of a token exchange).',
    },
  },
  groups: ['connection'],
  apiFeature: 'getIdentity',
  examples: [
    ['acs-identity user show --user 8:acs:...', 'Show a user'],
    ['acs-identity user show --user 8:acs:... --query lastTokenIssuedAt -o tsv', 'When it last got a token'],
  ],
} as const satisfies CommandSpec;

export const USER_DELETE = {
  path: ['user', 'delete'],
  summary: 'Delete a communication user and revoke its tokens.',
  ...confirmedUserCommand,
  details: `${confirmedUserCommand.details} A user that does not exist (already deleted) is not an error: there is nothing left to delete (--verbose says so).`,
  whenGone: 'The user does not exist (it was already deleted); nothing was deleted.',
  examples: [['acs-identity user delete --user 8:acs:... --yes', 'Delete without prompting']],
} as const satisfies CommandSpec;

export const TOKEN_ISSUE = {
  path: ['token', 'issue'],
  summary: 'Issue an access token (creates a user too when --user is not given).',
  details:
    'Prints {"expires_on","token","user_id"} like az; expires_on is always ISO-8601 UTC. With --custom-id instead of --user the token is for the identity of that custom id, created on first use (one request, the same identity every time). az’s deprecated `issue-access-token --scope ... [--userid ...]` runs this command, with a warning.',
  options: {
    scope: { ...scopeOption, required: true, deprecatedAlias: ['s'] },
    user: {
      ...userOption,
      required: false,
      deprecatedAlias: ['userid', 'u'],
      description: 'Raw id of an existing user; omitted: create a new user (or take the one of --custom-id).',
    },
    'custom-id': {
      ...customIdOption,
      description: `${customIdOption.description} Instead of --user.`,
    },
    'expires-in-minutes': expiresOption,
  },
  groups: ['connection'],
  examples: [
    ['acs-identity token issue --scope chat voip', 'New user with a 24 h chat+voip token'],
    [
      'acs-identity token issue --scope voip --custom-id alice@contoso.com',
      'A token for the identity of alice@contoso.com (created on first use)',
    ],
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
  details: `${confirmedUserCommand.details} A user that does not exist (deleted, which revoked its tokens) is not an error: there is nothing left to revoke (--verbose says so).`,
  whenGone: 'The user does not exist (it was deleted, which revoked its tokens); nothing was revoked.',
  examples: [['acs-identity token revoke --user 8:acs:... --yes', 'Revoke without prompting']],
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

/** az's deprecated commands, accepted with a warning: the words typed, and the command they run. */
export const DEPRECATED_COMMANDS = {
  'issue-access-token': ['token', 'issue'],
} as const satisfies Record<string, CommandSpec['path']>;
