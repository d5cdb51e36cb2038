/**
 * The assignments that let end users exchange their Entra tokens: Teams Phone extensibility (Teams Extension;
 * 2025-03-02-preview, 2025-06-30, 2026-*) and Entra ID users (2025-03-02-preview). Node entry.
 */
import { assertClientIds, assertGuid, assertPrincipalType } from './access-input.js';
import { apiVersionFor } from './api-versions.js';
import type { IdentityOperationOptions } from './client-options.js';
import { AcsIdentityError } from './errors.js';
import type {
  AssignmentResult,
  EntraAssignment,
  EntraAssignmentChange,
  TeamsExtensionAssignment,
} from './operation-types.js';
import type { RestCall, RestCaller } from './rest-client.js';
import type { ApiVersion, EntraPrincipalType, TeamsExtensionPrincipalType } from './vocabulary.js';

type Json = Record<string, unknown>;

function teamsAssignmentOf(body: unknown): TeamsExtensionAssignment {
  const b = (body ?? {}) as Json;
  const out: TeamsExtensionAssignment = {
    tenantId: String(b.tenantId),
    objectId: String(b.objectId),
    principalType: String(b.principalType) as TeamsExtensionPrincipalType,
  };
  if (Array.isArray(b.clientIds)) out.clientIds = b.clientIds.map(String);
  return out;
}

function entraAssignmentOf(body: unknown): EntraAssignment {
  const b = (body ?? {}) as Json;
  return {
    objectId: String(b.objectId),
    tenantId: String(b.tenantId),
    principalType: String(b.principalType) as EntraPrincipalType,
    clientIds: Array.isArray(b.clientIds) ? b.clientIds.map(String) : [],
  };
}

function entraListOf(body: unknown): EntraAssignment[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? value.map(entraAssignmentOf) : [];
}

/** The merge-patch body of `updateEntraAssignments`, checked. */
function entraChanges(changes: Readonly<Record<string, EntraAssignmentChange>>): Json {
  if (!changes || typeof changes !== 'object') {
    throw new AcsIdentityError('INVALID_INPUT', 'changes must map object ids to assignments or null.', {
      target: 'changes',
    });
  }
  const body: Json = {};
  for (const [objectId, change] of Object.entries(changes)) {
    assertGuid(objectId, 'objectId');
    if (change === null) {
      body[objectId] = null;
      continue;
    }
    const entry: Json = {};
    if (change.tenantId !== undefined) entry.tenantId = assertGuid(change.tenantId, 'tenantId');
    if (change.principalType !== undefined) entry.principalType = assertPrincipalType(change.principalType);
    if (change.clientIds !== undefined) entry.clientIds = assertClientIds(change.clientIds);
    body[objectId] = entry;
  }
  return body;
}

export interface AssignmentOperations {
  getTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
    options?: IdentityOperationOptions,
  ): Promise<TeamsExtensionAssignment>;
  setTeamsExtensionAssignment(
    assignment: TeamsExtensionAssignment,
    options?: IdentityOperationOptions,
  ): Promise<AssignmentResult<TeamsExtensionAssignment>>;
  deleteTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
    options?: IdentityOperationOptions,
  ): Promise<void>;
  listEntraAssignments(options?: IdentityOperationOptions): Promise<EntraAssignment[]>;
  getEntraAssignment(objectId: string, options?: IdentityOperationOptions): Promise<EntraAssignment>;
  setEntraAssignment(
    assignment: EntraAssignment,
    options?: IdentityOperationOptions,
  ): Promise<AssignmentResult<EntraAssignment>>;
  updateEntraAssignments(
    changes: Readonly<Record<string, EntraAssignmentChange>>,
    options?: IdentityOperationOptions,
  ): Promise<EntraAssignment[]>;
  deleteEntraAssignment(objectId: string, options?: IdentityOperationOptions): Promise<void>;
}

const TEAMS_ASSIGNMENT = '/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}';
const ENTRA_ASSIGNMENTS = '/access/entra/assignments';
const ENTRA_ASSIGNMENT = '/access/entra/assignments/{objectId}';

/** The assignment operations, at the client's api-version when it has them, else at the version that does. */
export function assignmentOperations(call: RestCaller, preferred: ApiVersion): AssignmentOperations {
  const teams = (c: Omit<RestCall, 'path' | 'apiVersion'>) =>
    call({ ...c, path: TEAMS_ASSIGNMENT, apiVersion: apiVersionFor('teamsExtension', preferred) });
  const entra = (c: Omit<RestCall, 'apiVersion'>) =>
    call({ ...c, apiVersion: apiVersionFor('entraUsers', preferred) });
  const teamsKey = (tenantId: unknown, objectId: unknown) => [
    assertGuid(tenantId, 'tenantId'),
    assertGuid(objectId, 'objectId'),
  ];
  return {
    async getTeamsExtensionAssignment(tenantId, objectId, options) {
      const r = await teams({
        method: 'GET',
        params: teamsKey(tenantId, objectId),
        abortSignal: options?.abortSignal,
      });
      return teamsAssignmentOf(r.body);
    },
    async setTeamsExtensionAssignment(assignment, options) {
      const params = teamsKey(assignment?.tenantId, assignment?.objectId);
      const body: Json = { principalType: assertPrincipalType(assignment.principalType) };
      if (assignment.clientIds !== undefined) body.clientIds = assertClientIds(assignment.clientIds);
      const r = await teams({ method: 'PUT', params, body, abortSignal: options?.abortSignal });
      return { assignment: teamsAssignmentOf(r.body), created: r.status === 201 };
    },
    async deleteTeamsExtensionAssignment(tenantId, objectId, options) {
      await teams({
        method: 'DELETE',
        params: teamsKey(tenantId, objectId),
        abortSignal: options?.abortSignal,
      });
    },
    async listEntraAssignments(options) {
      const r = await entra({ method: 'GET', path: ENTRA_ASSIGNMENTS, abortSignal: options?.abortSignal });
      return entraListOf(r.body);
    },
    async getEntraAssignment(objectId, options) {
      const params = [assertGuid(objectId, 'objectId')];
      const r = await entra({
        method: 'GET',
        path: ENTRA_ASSIGNMENT,
        params,
        abortSignal: options?.abortSignal,
      });
      return entraAssignmentOf(r.body);
    },
    async setEntraAssignment(assignment, options) {
      const params = [assertGuid(assignment?.objectId, 'objectId')];
      const body = {
        tenantId: assertGuid(assignment.tenantId, 'tenantId'),
        principalType: assertPrincipalType(assignment.principalType),
        clientIds: assertClientIds(assignment.clientIds),
      };
      const r = await entra({
        method: 'PUT',
        path: ENTRA_ASSIGNMENT,
        params,
        body,
        abortSignal: options?.abortSignal,
      });
      return { assignment: entraAssignmentOf(r.body), created: r.status === 201 };
    },
    async updateEntraAssignments(changes, options) {
      const r = await entra({
        method: 'PATCH',
        path: ENTRA_ASSIGNMENTS,
        body: entraChanges(changes),
        contentType: 'application/merge-patch+json',
        abortSignal: options?.abortSignal,
      });
      return entraListOf(r.body);
    },
    async deleteEntraAssignment(objectId, options) {
      const params = [assertGuid(objectId, 'objectId')];
      await entra({ method: 'DELETE', path: ENTRA_ASSIGNMENT, params, abortSignal: options?.abortSignal });
    },
  };
}
