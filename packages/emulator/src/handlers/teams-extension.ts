/**
 * Teams Phone extensibility (Teams Extension; api-versions 2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23):
 * the assignments at `/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}` and the token exchange
 * `POST /access/teamsExtension/:exchangeAccessToken` (newest-API reference sections 2.3, 2.4 and 3.2).
 */
import { TEAMS_EXTENSION_PRINCIPAL_TYPES } from '@acs-identity/core';
import type { Handler, ServiceRequest } from '../context.js';
import { serviceErrors } from '../service-errors.js';
import type { TeamsExtensionAssignmentRecord } from '../store.js';
import { clientIdsOf, guidOf, principalTypeOf } from './assignment-input.js';
import { endUserOf, exchangeReply } from './end-user-exchange.js';

/** The ACS scopes of a Teams Extension user's token (Teams Phone is calling; decided, see the README). */
export const TEAMS_EXTENSION_ACS_SCOPES = ['voip'] as const;

function keyOf(request: ServiceRequest): { tenantId: string; objectId: string } {
  return {
    tenantId: guidOf(request.params.tenantId, 'tenantId'),
    objectId: guidOf(request.params.objectId, 'objectId'),
  };
}

/** `{objectId, tenantId, principalType, clientIds?}` as the service answers. */
function assignmentBody(a: TeamsExtensionAssignmentRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    objectId: a.objectId,
    tenantId: a.tenantId,
    principalType: a.principalType,
  };
  if (a.clientIds !== null) body.clientIds = a.clientIds;
  return body;
}

/** `GET`: 200 the assignment, 404 `AssignmentNotFound`. */
export const getTeamsExtensionAssignment: Handler = async (ctx, request) => {
  const { tenantId, objectId } = keyOf(request);
  const found = await ctx.store.getTeamsExtensionAssignment(tenantId, objectId);
  if (!found) throw serviceErrors.assignmentNotFound(`object ${objectId} of tenant ${tenantId}`);
  return { status: 200, body: assignmentBody(found) };
};

/**
 * `PUT {principalType, clientIds?}`: 201 created, 200 replaced, the assignment as body. `principalType` is
 * `resourceAccount` or `user` (the spec), or `teamsResourceAccount` (the docs), any case.
 */
export const putTeamsExtensionAssignment: Handler = async (ctx, request) => {
  const { tenantId, objectId } = keyOf(request);
  const { input } = request;
  const assignment: TeamsExtensionAssignmentRecord = {
    tenantId,
    objectId,
    principalType: principalTypeOf(input.principalType, TEAMS_EXTENSION_PRINCIPAL_TYPES),
    clientIds:
      input.clientIds === undefined || input.clientIds === null ? null : clientIdsOf(input.clientIds),
    createdAtMs: ctx.options.now(),
  };
  const outcome = await ctx.store.putTeamsExtensionAssignment(assignment);
  return { status: outcome === 'created' ? 201 : 200, body: assignmentBody(assignment) };
};

/** `DELETE`: 204, also when there was none (as identity deletes). */
export const deleteTeamsExtensionAssignment: Handler = async (ctx, request) => {
  const { tenantId, objectId } = keyOf(request);
  await ctx.store.deleteTeamsExtensionAssignment(tenantId, objectId);
  return { status: 204 };
};

/**
 * `POST /access/teamsExtension/:exchangeAccessToken` with the user's Teams Extension token as bearer (verified by the
 * route's authenticator). The user (`tid`, `oid`) needs a `user` assignment listing the calling application (`appid`)
 * among its `clientIds` (403 otherwise). Answers the identity `8:acs:<resourceId>_<tenantId>_<userId>` and a token that
 * expires with the Entra token.
 */
export const exchangeTeamsExtensionToken: Handler = async (ctx, request) => {
  const user = endUserOf(request);
  const assignment = await ctx.store.getTeamsExtensionAssignment(user.tenantId, user.objectId);
  if (assignment?.principalType !== 'user') {
    throw serviceErrors.teamsExtensionNotAssigned(user.tenantId, user.objectId);
  }
  if (!user.appId || !(assignment.clientIds ?? []).includes(user.appId)) {
    throw serviceErrors.teamsExtensionAppNotAllowed(user.appId || 'unknown', user.objectId);
  }
  const identityId = `8:acs:${ctx.resource.resourceId}_${user.tenantId}_${user.objectId}`;
  return exchangeReply(ctx, request, identityId, TEAMS_EXTENSION_ACS_SCOPES, user);
};
