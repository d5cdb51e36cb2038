/**
 * Where each command's implementation lives. Modules are imported only when their command runs, so `--help`, mistakes
 * and the offline commands never load the Azure SDKs, the emulator or the gateway.
 */
import type { CommandContext } from './context.js';
import type { CommandHandler } from './handler.js';
import type { JsonValue } from './json.js';
import type { CommandId, SpecOf } from './options.js';

/** A loaded command implementation, called with the arguments resolve.ts gave for its own declaration. */
export type RunCommand = (
  args: Readonly<Record<string, unknown>>,
  context: CommandContext,
) => Promise<JsonValue | undefined>;

/** Every command's implementation, typed by its declaration: a handler must accept exactly its command's arguments. */
type Registry = { readonly [Id in CommandId]: () => Promise<CommandHandler<SpecOf<Id>>> };

const HANDLERS: Registry = {
  'user create': async () => (await import('./commands/user.js')).userCreate,
  'user show': async () => (await import('./commands/user.js')).userShow,
  'user delete': async () => (await import('./commands/user.js')).userDelete,
  'token issue': async () => (await import('./commands/token.js')).tokenIssue,
  'token revoke': async () => (await import('./commands/token.js')).tokenRevoke,
  'token get-for-teams-user': async () => (await import('./commands/exchange.js')).tokenGetForTeamsUser,
  'token get-for-teams-extension-user': async () =>
    (await import('./commands/exchange.js')).tokenGetForTeamsExtensionUser,
  'token get-for-entra-user': async () => (await import('./commands/exchange.js')).tokenGetForEntraUser,
  'token decode': async () => (await import('./commands/decode.js')).tokenDecode,
  'identifier parse': async () => (await import('./commands/identifier.js')).identifierParse,
  'teams-extension assignment show': async () =>
    (await import('./commands/assignments.js')).teamsExtensionAssignmentShow,
  'teams-extension assignment set': async () =>
    (await import('./commands/assignments.js')).teamsExtensionAssignmentSet,
  'teams-extension assignment delete': async () =>
    (await import('./commands/assignments.js')).teamsExtensionAssignmentDelete,
  'entra assignment list': async () => (await import('./commands/assignments.js')).entraAssignmentList,
  'entra assignment show': async () => (await import('./commands/assignments.js')).entraAssignmentShow,
  'entra assignment set': async () => (await import('./commands/assignments.js')).entraAssignmentSet,
  'entra assignment update': async () => (await import('./commands/assignments.js')).entraAssignmentUpdate,
  'entra assignment delete': async () => (await import('./commands/assignments.js')).entraAssignmentDelete,
  'emulator start': async () => (await import('./commands/emulator.js')).emulatorStart,
  'emulator rotate-key': async () => (await import('./commands/emulator.js')).emulatorRotateKey,
  'emulator entra token': async () => (await import('./commands/entra.js')).emulatorEntraToken,
  'emulator role assign': async () => (await import('./commands/entra.js')).emulatorRoleAssign,
  'emulator role remove': async () => (await import('./commands/entra.js')).emulatorRoleRemove,
  'emulator role list': async () => (await import('./commands/entra.js')).emulatorRoleList,
  'resource identity assign': async () => (await import('./commands/resource.js')).resourceIdentityAssign,
  'resource identity remove': async () => (await import('./commands/resource.js')).resourceIdentityRemove,
  'resource identity show': async () => (await import('./commands/resource.js')).resourceIdentityShow,
  'gateway start': async () => (await import('./commands/gateway.js')).gatewayStart,
};

/**
 * Loads the implementation of a command. Its arguments were resolved and checked against this command's own
 * declaration (resolve.ts), which is what its typed parameter describes: the one place they become typed.
 */
export async function loadCommand(id: CommandId): Promise<RunCommand> {
  return (await HANDLERS[id]()) as unknown as RunCommand;
}
