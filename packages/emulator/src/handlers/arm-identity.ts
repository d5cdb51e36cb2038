/** The managed identities of the emulated Communication Services resource, as ARM spells and changes them. */
import { randomUUID } from 'node:crypto';
import { derivedGuid } from '../entra.js';
import { serviceErrors } from '../service-errors.js';

/** The managed-identity types of a Communication Services resource, as ARM spells them. */
export const RESOURCE_IDENTITY_TYPES = [
  'None',
  'SystemAssigned',
  'UserAssigned',
  'SystemAssigned,UserAssigned',
] as const;
export type ResourceIdentityType = (typeof RESOURCE_IDENTITY_TYPES)[number];

const USER_ASSIGNED_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

/** The identity part of the resource's state. */
export interface ResourceIdentityState {
  identityType: ResourceIdentityType;
  /** Principal of the system-assigned identity; a new one each time it is (re-)enabled, as in Azure. */
  principalId?: string;
  /** ARM ids of the user-assigned identities, as first given. */
  userAssigned: string[];
}

/** ids of a user-assigned identity (stable, derived from its ARM id). */
export function userAssignedIds(armId: string): { principalId: string; clientId: string } {
  const key = armId.toLowerCase();
  return { principalId: derivedGuid(`uami-principal:${key}`), clientId: derivedGuid(`uami-client:${key}`) };
}

function parseType(value: unknown): ResourceIdentityType {
  const normalized = typeof value === 'string' ? value.replace(/\s+/g, '').toLowerCase() : '';
  const found = RESOURCE_IDENTITY_TYPES.find((t) => t.toLowerCase() === normalized);
  if (!found)
    throw serviceErrors.armIdentityType(RESOURCE_IDENTITY_TYPES, JSON.stringify(value)?.slice(0, 60) ?? '');
  return found;
}

/** The user-assigned identities after applying `changes` (ARM id → `{}` to add, `null` to remove). */
function applyUserAssigned(current: string[], changes: unknown, type: ResourceIdentityType): string[] {
  if (changes === undefined || changes === null) return current;
  if (typeof changes !== 'object' || Array.isArray(changes)) throw serviceErrors.armUserAssignedNotMap();
  let userAssigned = current;
  for (const [id, value] of Object.entries(changes as Record<string, unknown>)) {
    if (!USER_ASSIGNED_ID.test(id)) throw serviceErrors.armUserAssignedId(id);
    const kept = userAssigned.filter((u) => u.toLowerCase() !== id.toLowerCase());
    userAssigned = value === null ? kept : [...kept, id];
    if (value !== null && !type.endsWith('UserAssigned')) throw serviceErrors.armUserAssignedNeedsType(type);
  }
  return userAssigned;
}

/** Applies an `identity` object: PUT replaces the user-assigned set, PATCH merges it (`null` values remove). */
export function applyIdentity<S extends ResourceIdentityState>(
  current: S,
  input: unknown,
  replace: boolean,
): S {
  if (typeof input !== 'object' || input === null) throw serviceErrors.armIdentityNotObject();
  const given = input as { type?: unknown; userAssignedIdentities?: unknown };
  const type = parseType(given.type);
  const wantsSystem = type.startsWith('SystemAssigned');
  const wantsUser = type.endsWith('UserAssigned');
  let userAssigned = applyUserAssigned(
    replace ? [] : [...current.userAssigned],
    given.userAssignedIdentities,
    type,
  );
  if (!wantsUser) userAssigned = [];
  if (wantsUser && userAssigned.length === 0) throw serviceErrors.armUserAssignedMissing(type);
  const next: S = { ...current, identityType: type, userAssigned };
  if (wantsSystem) next.principalId = current.principalId ?? randomUUID();
  else delete next.principalId;
  return next;
}

/** The `identity` object of the resource as ARM returns it. */
export function identityJson(state: ResourceIdentityState, tenantId: string): Record<string, unknown> {
  const identity: Record<string, unknown> = { type: state.identityType };
  if (state.principalId) {
    identity.principalId = state.principalId;
    identity.tenantId = tenantId;
  }
  if (state.userAssigned.length > 0) {
    identity.userAssignedIdentities = Object.fromEntries(
      state.userAssigned.map((id) => [id, userAssignedIds(id)]),
    );
  }
  return identity;
}
