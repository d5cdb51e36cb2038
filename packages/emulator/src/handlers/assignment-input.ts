/**
 * Checks of the assignment requests' input (Teams Extension and Entra users): GUIDs in the path, `principalType`,
 * `clientIds`, and an Entra assignment from a PUT body or a merge-patch entry.
 */
import { ENTRA_PRINCIPAL_TYPES } from '@acs-identity/core';
import { isGuid } from '../entra.js';
import { serviceErrors } from '../service-errors.js';
import type { EntraAssignmentRecord } from '../store.js';

/** Absent, `null` or `""`: ASP.NET's model validation answers "The X field is required.". */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A GUID (a tenant, object or client id), lower-cased; 400 naming `field` otherwise. */
export function guidOf(value: unknown, field: string): string {
  if (!isGuid(value))
    throw serviceErrors.notGuid(field, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  return value.toLowerCase();
}

/** `principalType`, one of `allowed` in any case, written as the list spells it; `Field` is its required name. */
export function principalTypeOf(value: unknown, allowed: readonly string[]): string {
  if (isMissing(value)) throw serviceErrors.fieldRequired('PrincipalType');
  const known =
    typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (known === undefined) throw serviceErrors.invalidPrincipalType(String(value), allowed);
  return known;
}

/** `clientIds`: a list of application (client) id GUIDs, lower-cased, duplicates dropped. */
export function clientIdsOf(value: unknown): string[] {
  if (!Array.isArray(value)) throw serviceErrors.clientIdsNotArray();
  const out: string[] = [];
  for (const item of value) {
    const id = guidOf(item, 'clientIds');
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * An Entra assignment of `objectId` from a PUT body (every field required) or, with `existing`, from a merge-patch
 * entry (RFC 7396: a field given replaces the existing one, an absent one keeps it; `null` cannot remove a required
 * field).
 */
export function entraAssignmentOf(
  objectId: string,
  body: Record<string, unknown>,
  createdAtMs: number,
  existing?: EntraAssignmentRecord,
): EntraAssignmentRecord {
  const field = <T>(name: string, required: string, parse: (v: unknown) => T, current: T | undefined): T => {
    const value = body[name];
    if (value === undefined && current !== undefined) return current;
    if (isMissing(value)) throw serviceErrors.fieldRequired(required);
    return parse(value);
  };
  return {
    objectId,
    tenantId: field('tenantId', 'TenantId', (v) => guidOf(v, 'tenantId'), existing?.tenantId),
    principalType: field(
      'principalType',
      'PrincipalType',
      (v) => principalTypeOf(v, ENTRA_PRINCIPAL_TYPES),
      existing?.principalType,
    ),
    clientIds: field('clientIds', 'ClientIds', clientIdsOf, existing?.clientIds),
    createdAtMs: existing?.createdAtMs ?? createdAtMs,
  };
}
