/**
 * The one typed definition of every command and option of `acs-identity`: the shared options (`global-options.ts`) and
 * each group's commands (`specs/*.ts`), gathered here in help order.
 *
 * The parser (`command-line.ts`, `check.ts`, `parser.ts`, `resolve.ts`), the `--help` text (`help.ts`) and the option
 * tables in the README (`docs.ts`) are all derived from these objects, so a flag is described exactly once.
 */
import type { CommandSpec } from './spec.js';
import {
  ENTRA_ASSIGNMENT_DELETE,
  ENTRA_ASSIGNMENT_LIST,
  ENTRA_ASSIGNMENT_SET,
  ENTRA_ASSIGNMENT_SHOW,
  ENTRA_ASSIGNMENT_UPDATE,
  TEAMS_EXTENSION_ASSIGNMENT_DELETE,
  TEAMS_EXTENSION_ASSIGNMENT_SET,
  TEAMS_EXTENSION_ASSIGNMENT_SHOW,
} from './specs/assignments.js';
import {
  EMULATOR_ENTRA_TOKEN,
  EMULATOR_ROLE_ASSIGN,
  EMULATOR_ROLE_LIST,
  EMULATOR_ROLE_REMOVE,
  EMULATOR_ROTATE_KEY,
  EMULATOR_START,
} from './specs/emulator.js';
import { TOKEN_ENTRA_USER, TOKEN_TEAMS, TOKEN_TEAMS_EXTENSION } from './specs/exchanges.js';
import { GATEWAY_START } from './specs/gateway.js';
import {
  IDENTIFIER_PARSE,
  TOKEN_DECODE,
  TOKEN_ISSUE,
  TOKEN_REVOKE,
  USER_CREATE,
  USER_DELETE,
  USER_SHOW,
} from './specs/identity.js';
import {
  RESOURCE_IDENTITY_ASSIGN,
  RESOURCE_IDENTITY_REMOVE,
  RESOURCE_IDENTITY_SHOW,
} from './specs/resource.js';

export {
  BIN,
  BUILTIN_OPTIONS,
  COMPLETION_SUMMARY,
  CONNECTION_OPTIONS,
  type ConnectionValues,
  GLOBAL_OPTIONS,
  type GlobalValues,
  OUTPUT_FORMATS,
  type OutputFormat,
  TOOL_SUMMARY,
} from './global-options.js';
export {
  type CommandSpec,
  type OptionSpec,
  type OptionType,
  type OptionValues,
  type PositionalSpec,
  positionalUsage,
} from './spec.js';
export * from './specs/assignments.js';
export * from './specs/emulator.js';
export * from './specs/exchanges.js';
export * from './specs/gateway.js';
export * from './specs/identity.js';
export * from './specs/resource.js';

/** Every leaf command, in help order. */
export const COMMANDS = [
  USER_CREATE,
  USER_SHOW,
  USER_DELETE,
  TOKEN_ISSUE,
  TOKEN_REVOKE,
  TOKEN_TEAMS,
  TOKEN_TEAMS_EXTENSION,
  TOKEN_ENTRA_USER,
  TOKEN_DECODE,
  IDENTIFIER_PARSE,
  TEAMS_EXTENSION_ASSIGNMENT_SHOW,
  TEAMS_EXTENSION_ASSIGNMENT_SET,
  TEAMS_EXTENSION_ASSIGNMENT_DELETE,
  ENTRA_ASSIGNMENT_LIST,
  ENTRA_ASSIGNMENT_SHOW,
  ENTRA_ASSIGNMENT_SET,
  ENTRA_ASSIGNMENT_UPDATE,
  ENTRA_ASSIGNMENT_DELETE,
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
] as const satisfies readonly CommandSpec[];

/** Descriptions of the command groups (first word). */
export const COMMAND_GROUPS = {
  user: 'Create, show and delete communication users.',
  token: 'Issue, revoke, exchange and decode access tokens.',
  identifier: 'Work with raw communication identifiers.',
  'teams-extension': 'Teams Phone extensibility: which users may exchange their Teams Extension tokens.',
  entra: 'Entra ID users: which users, groups and tenants may exchange their Entra ID tokens.',
  emulator: 'Run and manage the local ACS Identity emulator.',
  resource: 'Manage the Communication Services resource (Azure Resource Manager).',
  gateway: 'Run the GraphQL trusted token service.',
} as const;

/** Descriptions of the second-level groups of three-word commands. */
export const COMMAND_SUBGROUPS = {
  'teams-extension assignment': 'Teams Extension assignments of users and resource accounts.',
  'entra assignment': 'Entra ID user assignments of users, groups and tenants.',
  'emulator entra': 'The emulator’s local Entra ID issuer (development only).',
  'emulator role': 'Which principals may call the emulator with Entra ID bearer tokens.',
  'resource identity': 'Managed identities of the resource, with az’s flags.',
} as const;

/** One of the leaf commands' declarations. */
export type AnyCommand = (typeof COMMANDS)[number];

/** Names of the leaf commands, e.g. `'user create'`. */
export type CommandId = JoinPath<AnyCommand>;
type JoinPath<C> = C extends {
  path: readonly [infer A extends string, infer B extends string, infer D extends string];
}
  ? `${A} ${B} ${D}`
  : C extends { path: readonly [infer A extends string, infer B extends string] }
    ? `${A} ${B}`
    : never;

/** The declaration of the command named `id`. */
export type SpecOf<Id extends CommandId> = Extract<AnyCommand, { path: SplitPath<Id> }>;
type SplitPath<Id extends string> = Id extends `${infer A} ${infer B} ${infer D}`
  ? readonly [A, B, D]
  : Id extends `${infer A} ${infer B}`
    ? readonly [A, B]
    : never;

/** The declaration of a command by its id (`'token issue'`), or undefined. */
export function commandById(id: string): CommandSpec | undefined {
  return (COMMANDS as readonly CommandSpec[]).find((c) => c.path.join(' ') === id);
}
