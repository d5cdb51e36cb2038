/** Checks of the ACS Identity requests' input: scopes, lifetimes and the `{id}` of an identity of this resource. */
import {
  API_VERSIONS,
  type ApiVersion,
  apiVersionFeatures,
  apiVersionFor,
  CUSTOM_ID_MAX_LENGTH,
  parseIdentifier,
  SCOPE_SINCE,
  TOKEN_LIFETIME,
  TOKEN_SCOPES,
  type TokenScope,
  validateTokenLifetime,
} from '@acs-identity/core';
import type { ServiceContext } from '../context.js';
import { isGuid } from '../entra.js';
import { serviceErrors } from '../service-errors.js';
import type { IdentityDetailsRecord, IdentityRecord } from '../store.js';

/** The first api-version that takes `expiresInMinutes`. */
const LIFETIME_SINCE = API_VERSIONS.find((v) => apiVersionFeatures(v).expiresInMinutes) ?? API_VERSIONS[0];

/** The scopes of a request at `version`: any non-empty list of its scopes, any case, duplicates dropped in order. */
export function parseScopes(value: unknown, version: ApiVersion, field: string): string[] {
  // Absent or null is ASP.NET's "field is required"; an empty list the service's own check (reference section 3).
  if (value === undefined || value === null) throw serviceErrors.fieldRequired('Scopes');
  if (!Array.isArray(value)) throw serviceErrors.scopesNotArray(field);
  if (value.length === 0) throw serviceErrors.scopesRequired();
  const allowed: readonly string[] = apiVersionFeatures(version).scopes;
  const out: string[] = [];
  for (const raw of value) {
    const name = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    const shown = JSON.stringify(raw)?.slice(0, 60) ?? String(raw);
    if (name === undefined || !(TOKEN_SCOPES as readonly string[]).includes(name)) {
      throw serviceErrors.unknownScope(shown, version, allowed);
    }
    if (!allowed.includes(name)) {
      throw serviceErrors.scopeNotInVersion(name, version, SCOPE_SINCE[name as TokenScope], allowed);
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** `expiresInMinutes` (60..1440, default 1440; `null` counts as absent, as Python sends it). */
export function parseLifetime(value: unknown, version: ApiVersion): number {
  if (value === undefined || value === null) return TOKEN_LIFETIME.defaultMinutes;
  if (!apiVersionFeatures(version).expiresInMinutes) {
    throw serviceErrors.lifetimeNotInVersion(version, LIFETIME_SINCE);
  }
  try {
    return validateTokenLifetime(value);
  } catch (e) {
    const target = (e as { target?: unknown }).target;
    throw serviceErrors.invalidLifetime(
      (e as Error).message,
      typeof target === 'string' ? target : 'ExpiresInMinutes',
    );
  }
}

/**
 * The identity `{id}` names: a communication user id of this resource (400 otherwise, or 401 `IdentityNotOwned` for
 * another resource's), that was created here (404 `IdentityNotFound` otherwise). A deleted one answers 404 too unless
 * `deleted` is `accept`: revoke and delete of a deleted identity succeed (see the README's decisions).
 */
export async function ownedIdentity(
  ctx: ServiceContext,
  id: string,
  deleted: 'refuse' | 'accept' = 'refuse',
): Promise<IdentityRecord> {
  const shown = id.length > 120 ? `${id.slice(0, 120)}...` : id;
  if (parseIdentifier(id).kind !== 'communicationUser') throw serviceErrors.notCommunicationUser(shown);
  const prefix = `8:acs:${ctx.resource.resourceId}_`;
  if (!id.startsWith(prefix)) throw serviceErrors.identityNotOwned();
  // This resource's ids all end in a GUID (see create): anything else is a mistyped or truncated id, not a missing
  // identity.
  if (!isGuid(id.slice(prefix.length)))
    throw serviceErrors.notIdOfThisResource(shown, ctx.resource.resourceId);
  const record = await ctx.store.getIdentity(id);
  if (!record) throw serviceErrors.identityNotFound(shown);
  if (record.deletedAtMs !== null && deleted === 'refuse') throw serviceErrors.identityDeleted(shown);
  return record;
}

/**
 * `customId` on create: absent or `null` is none; at a version without custom ids it is refused (400, target
 * `customId`); otherwise a string of 1 to 256 characters (ASP.NET's string-length message, target `CustomId`),
 * compared exactly as given.
 */
export function parseCustomId(value: unknown, version: ApiVersion): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!apiVersionFeatures(version).customId) {
    throw serviceErrors.customIdNotInVersion(version, apiVersionFor('customId'));
  }
  if (typeof value !== 'string') throw serviceErrors.customIdNotString();
  if (value.length < 1 || value.length > CUSTOM_ID_MAX_LENGTH) {
    throw serviceErrors.customIdLength(1, CUSTOM_ID_MAX_LENGTH);
  }
  return value;
}

/** `<tenantId>_<objectId>` (a Teams Extension user) or `wf_<tenantId>_<objectId>` (an Entra user), GUIDs. */
function isExchangedSuffix(suffix: string): boolean {
  const parts = suffix.split('_');
  if (parts[0] === 'wf') parts.shift();
  return parts.length === 2 && parts.every(isGuid);
}

/**
 * The identity `GET /identities/{id}` names: a user of this resource (created here, or the identity of a Teams
 * Extension or Entra user exchange: `<resourceId>_<tenantId>_<objectId>`, `<resourceId>_wf_<tenantId>_<objectId>`);
 * 400 for anything else, 401 `IdentityNotOwned` for another resource's, 404 `IdentityNotFound` when unknown or
 * deleted.
 */
export async function identityToRead(ctx: ServiceContext, id: string): Promise<IdentityDetailsRecord> {
  const shown = id.length > 120 ? `${id.slice(0, 120)}...` : id;
  const kind = parseIdentifier(id).kind;
  if (kind !== 'communicationUser' && kind !== 'teamsExtensionUser')
    throw serviceErrors.notCommunicationUser(shown);
  const prefix = `8:acs:${ctx.resource.resourceId}_`;
  if (!id.startsWith(prefix)) throw serviceErrors.identityNotOwned();
  const suffix = id.slice(prefix.length);
  if (!isGuid(suffix) && !isExchangedSuffix(suffix)) {
    throw serviceErrors.notIdOfThisResource(shown, ctx.resource.resourceId);
  }
  const record = await ctx.store.getIdentityDetails(id);
  if (!record) throw serviceErrors.identityNotFound(shown);
  if (record.deletedAtMs !== null) throw serviceErrors.identityDeleted(shown);
  return record;
}
