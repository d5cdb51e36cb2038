import type { EntraAssignment, TeamsExtensionAssignment } from '@acs-identity/core/node';
import { confirm } from '../confirm.js';
import { openClient } from '../connection.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import type { CommandHandler } from '../handler.js';
import type { JsonValue } from '../json.js';
import type {
  ENTRA_ASSIGNMENT_DELETE,
  ENTRA_ASSIGNMENT_LIST,
  ENTRA_ASSIGNMENT_SET,
  ENTRA_ASSIGNMENT_SHOW,
  ENTRA_ASSIGNMENT_UPDATE,
  TEAMS_EXTENSION_ASSIGNMENT_DELETE,
  TEAMS_EXTENSION_ASSIGNMENT_SET,
  TEAMS_EXTENSION_ASSIGNMENT_SHOW,
} from '../specs/assignments.js';
import { rethrow } from './shared.js';

/** An assignment in the service's field names and order. */
function assignmentJson(assignment: TeamsExtensionAssignment | EntraAssignment): JsonValue {
  const out: { [key: string]: JsonValue } = {
    objectId: assignment.objectId,
    tenantId: assignment.tenantId,
    principalType: assignment.principalType,
  };
  if (assignment.clientIds !== undefined) out.clientIds = assignment.clientIds;
  return out;
}

/** Runs one operation, failing with the core error it is (the CLI's error table maps it). */
async function attempt<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    return rethrow(error);
  }
}

/** Says on --verbose what a create-or-replace did. */
function logSet(context: CommandContext, what: string, created: boolean): void {
  context.log.info(`${created ? 'Created' : 'Replaced'} the ${what}.`);
}

/** `teams-extension assignment show --tenant <guid> --object-id <guid>`. */
export const teamsExtensionAssignmentShow: CommandHandler<typeof TEAMS_EXTENSION_ASSIGNMENT_SHOW> = async (
  args,
  context,
) => {
  const client = await openClient(args, context);
  return assignmentJson(
    await attempt(() => client.getTeamsExtensionAssignment(args.tenant, args['object-id'])),
  );
};

/** `teams-extension assignment set --tenant --object-id [--principal-type user|resourceAccount] [--client-ids ...]`. */
export const teamsExtensionAssignmentSet: CommandHandler<typeof TEAMS_EXTENSION_ASSIGNMENT_SET> = async (
  args,
  context,
) => {
  const client = await openClient(args, context);
  const clientIds = args['client-ids'];
  const { assignment, created } = await attempt(() =>
    client.setTeamsExtensionAssignment({
      tenantId: args.tenant,
      objectId: args['object-id'],
      principalType: args['principal-type'],
      ...(clientIds === undefined ? {} : { clientIds }),
    }),
  );
  logSet(context, `Teams Extension assignment of ${assignment.objectId}`, created);
  return assignmentJson(assignment);
};

/** `teams-extension assignment delete --tenant --object-id [--yes]`. */
export const teamsExtensionAssignmentDelete: CommandHandler<
  typeof TEAMS_EXTENSION_ASSIGNMENT_DELETE
> = async (args, context) => {
  const client = await openClient(args, context);
  const objectId = args['object-id'];
  await confirm(
    context,
    `Delete the Teams Extension assignment of ${objectId} (tenant ${args.tenant})?`,
    args.yes,
  );
  await attempt(() => client.deleteTeamsExtensionAssignment(args.tenant, objectId));
  context.log.info(`Deleted the Teams Extension assignment of ${objectId}.`);
  return undefined;
};

/** `entra assignment list`. */
export const entraAssignmentList: CommandHandler<typeof ENTRA_ASSIGNMENT_LIST> = async (args, context) => {
  const client = await openClient(args, context);
  return (await attempt(() => client.listEntraAssignments())).map(assignmentJson);
};

/** `entra assignment show --object-id <guid>`. */
export const entraAssignmentShow: CommandHandler<typeof ENTRA_ASSIGNMENT_SHOW> = async (args, context) => {
  const client = await openClient(args, context);
  return assignmentJson(await attempt(() => client.getEntraAssignment(args['object-id'])));
};

/** `entra assignment set --object-id --tenant [--principal-type user|group|tenant] --client-ids ...`. */
export const entraAssignmentSet: CommandHandler<typeof ENTRA_ASSIGNMENT_SET> = async (args, context) => {
  const client = await openClient(args, context);
  const { assignment, created } = await attempt(() =>
    client.setEntraAssignment({
      objectId: args['object-id'],
      tenantId: args.tenant,
      principalType: args['principal-type'],
      clientIds: args['client-ids'],
    }),
  );
  logSet(context, `Entra assignment of ${assignment.objectId}`, created);
  return assignmentJson(assignment);
};

/**
 * `entra assignment update --object-id [--tenant] [--principal-type] [--client-ids ...]`: a merge patch of one
 * assignment; prints it as it is afterwards.
 */
export const entraAssignmentUpdate: CommandHandler<typeof ENTRA_ASSIGNMENT_UPDATE> = async (
  args,
  context,
) => {
  const objectId = args['object-id'];
  const change = {
    ...(args.tenant === undefined ? {} : { tenantId: args.tenant }),
    ...(args['principal-type'] === undefined ? {} : { principalType: args['principal-type'] }),
    ...(args['client-ids'] === undefined ? {} : { clientIds: args['client-ids'] }),
  };
  if (Object.keys(change).length === 0) {
    throw new CliError('USAGE', 'entra assignment update needs something to change.', {
      hint: 'Give at least one of --tenant, --principal-type, --client-ids.',
    });
  }
  const client = await openClient(args, context);
  const changed = await attempt(() => client.updateEntraAssignments({ [objectId]: change }));
  // The service answers the assignments it created or changed (or nothing, 204): read this one then.
  const updated =
    changed.find((a) => a.objectId.toLowerCase() === objectId.toLowerCase()) ??
    (await attempt(() => client.getEntraAssignment(objectId)));
  return assignmentJson(updated);
};

/** `entra assignment delete --object-id [--yes]`. */
export const entraAssignmentDelete: CommandHandler<typeof ENTRA_ASSIGNMENT_DELETE> = async (
  args,
  context,
) => {
  const client = await openClient(args, context);
  const objectId = args['object-id'];
  await confirm(context, `Delete the Entra assignment of ${objectId}?`, args.yes);
  await attempt(() => client.deleteEntraAssignment(objectId));
  context.log.info(`Deleted the Entra assignment of ${objectId}.`);
  return undefined;
};
