/** The command lines of the assignment commands the suites set up their users with. */

/** `teams-extension assignment set` of a user (principal type `user`, the default) and its applications. */
export function teamsAssignmentSet(tenant: string, objectId: string, ...clientIds: string[]): string[] {
  const apps = clientIds.length > 0 ? ['--client-ids', ...clientIds] : [];
  return ['teams-extension', 'assignment', 'set', '--tenant', tenant, '--object-id', objectId, ...apps];
}

/** `entra assignment set` of a user, group or tenant and its applications. */
export function entraAssignmentSet(
  objectId: string,
  tenant: string,
  principalType: 'user' | 'group' | 'tenant',
  ...clientIds: string[]
): string[] {
  return [
    ...['entra', 'assignment', 'set', '--object-id', objectId, '--tenant', tenant],
    ...['--principal-type', principalType, '--client-ids', ...clientIds],
  ];
}
