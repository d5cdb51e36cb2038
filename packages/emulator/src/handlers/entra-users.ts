/**
 * Entra ID users (api-version 2025-03-02-preview): the assignments under `/access/entra/assignments` and the token
 * exchange `POST /access/entra/:exchangeAccessToken` (newest-API reference sections 2.5, 2.6 and 3.3).
 */
import type { Handler, ServiceContext } from '../context.js';
import { acsScopesOf } from '../entra-user-tokens.js';
import { serviceErrors } from '../service-errors.js';
import type { EntraAssignmentRecord } from '../store.js';
import { entraAssignmentOf, guidOf, isMissing } from './assignment-input.js';
import { type EndUser, endUserOf, exchangeReply } from './end-user-exchange.js';

/** `{objectId, tenantId, principalType, clientIds}` as the service answers. */
function assignmentBody(a: EntraAssignmentRecord): Record<string, unknown> {
  return {
    objectId: a.objectId,
    tenantId: a.tenantId,
    principalType: a.principalType,
    clientIds: a.clientIds,
  };
}

const MERGE_PATCH = /^application\/merge-patch\+json\s*(?:;|$)/i;

/** `GET /access/entra/assignments`: 200 `{value: [...]}`, every assignment (no paging: no `nextLink`). */
export const listEntraAssignments: Handler = async (ctx) => {
  const all = await ctx.store.listEntraAssignments();
  return { status: 200, body: { value: all.map(assignmentBody) } };
};

/** `GET /access/entra/assignments/{objectId}`: 200, or 404 `AssignmentNotFound`. */
export const getEntraAssignment: Handler = async (ctx, request) => {
  const objectId = guidOf(request.params.objectId, 'objectId');
  const found = await ctx.store.getEntraAssignment(objectId);
  if (!found) throw serviceErrors.assignmentNotFound(`object ${objectId}`);
  return { status: 200, body: assignmentBody(found) };
};

/** `PUT /access/entra/assignments/{objectId}` `{tenantId, principalType, clientIds}` (all required): 201 or 200. */
export const putEntraAssignment: Handler = async (ctx, request) => {
  const objectId = guidOf(request.params.objectId, 'objectId');
  const assignment = entraAssignmentOf(objectId, request.input, ctx.options.now());
  const written = await ctx.store.writeEntraAssignments(new Map([[objectId, assignment]]));
  return { status: written.get(objectId) === 'created' ? 201 : 200, body: assignmentBody(assignment) };
};

/** `DELETE /access/entra/assignments/{objectId}`: 204, also when there was none. */
export const deleteEntraAssignment: Handler = async (ctx, request) => {
  const objectId = guidOf(request.params.objectId, 'objectId');
  await ctx.store.writeEntraAssignments(new Map([[objectId, null]]));
  return { status: 204 };
};

/**
 * `PATCH /access/entra/assignments` with `Content-Type: application/merge-patch+json`: a map of object id → assignment
 * (created, or merged into the existing one) or `null` (removed). Every entry is checked before any is written, then
 * all are written in one transaction. 200 `{value: [...]}`: the assignments created or changed, in the patch's order.
 */
export const patchEntraAssignments: Handler = async (ctx, request) => {
  const type = request.req.headers['content-type'] ?? '';
  if (!MERGE_PATCH.test(type)) throw serviceErrors.mergePatchContentType(type);
  const now = ctx.options.now();
  const changes = new Map<string, EntraAssignmentRecord | null>();
  for (const [key, entry] of Object.entries(request.input)) {
    const objectId = guidOf(key, 'objectId');
    if (entry === null) {
      changes.set(objectId, null);
      continue;
    }
    if (typeof entry !== 'object' || Array.isArray(entry)) throw serviceErrors.patchEntryNotObject(objectId);
    const body = entry as Record<string, unknown>;
    const existing = await ctx.store.getEntraAssignment(objectId);
    if (!existing && ['tenantId', 'principalType', 'clientIds'].some((f) => isMissing(body[f]))) {
      throw serviceErrors.patchEntryIncomplete(objectId);
    }
    changes.set(objectId, entraAssignmentOf(objectId, body, now, existing));
  }
  await ctx.store.writeEntraAssignments(changes);
  const value = [...changes.values()]
    .filter((a): a is EntraAssignmentRecord => a !== null)
    .map(assignmentBody);
  return { status: 200, body: { value } };
};

/**
 * The assignments that let `user` exchange: a `user` assignment of its `oid`, a `group` assignment of one of its
 * token's `groups`, or a `tenant` assignment of its `tid` (decided, see the README), each of the user's tenant.
 */
async function assignmentsOf(ctx: ServiceContext, user: EndUser): Promise<EntraAssignmentRecord[]> {
  const groups = Array.isArray(user.claims.groups)
    ? user.claims.groups.filter((g): g is string => typeof g === 'string').map((g) => g.toLowerCase())
    : [];
  const found = await ctx.store.findEntraAssignments([user.objectId, ...groups], user.tenantId);
  return found.filter((a) => {
    if (a.tenantId !== user.tenantId) return false;
    if (a.principalType === 'user') return a.objectId === user.objectId;
    if (a.principalType === 'group') return groups.includes(a.objectId);
    return a.principalType === 'tenant';
  });
}

/**
 * `POST /access/entra/:exchangeAccessToken` with the user's Entra token (audience the Communication Services Clients
 * application, at least one of its permissions) as bearer. The user needs an assignment (user, group or tenant) that
 * lists the calling application among its `clientIds` (403 otherwise). Answers the identity
 * `8:acs:<resourceId>_wf_<tenantId>_<objectId>` and a token with the ACS scopes of the token's permissions (`VoIP` →
 * `voip`, ...) that expires with the Entra token.
 */
export const exchangeEntraToken: Handler = async (ctx, request) => {
  const user = endUserOf(request);
  const assignments = await assignmentsOf(ctx, user);
  if (assignments.length === 0) throw serviceErrors.entraUserNotAssigned(user.tenantId, user.objectId);
  if (!user.appId || !assignments.some((a) => a.clientIds.includes(user.appId))) {
    throw serviceErrors.entraAppNotAllowed(user.appId || 'unknown', user.objectId);
  }
  const identityId = `8:acs:${ctx.resource.resourceId}_wf_${user.tenantId}_${user.objectId}`;
  return exchangeReply(ctx, request, identityId, acsScopesOf(user.claims.scp), user);
};
