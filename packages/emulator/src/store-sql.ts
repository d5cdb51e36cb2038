/**
 * What the SQLite and the PostgreSQL stores share: the tables (in SQL both take) and the row shapes with their
 * conversion to records. No driver is imported here, so the PostgreSQL store never loads better-sqlite3.
 */
import type { AccessKeyName } from './hmac.js';
import type {
  AccessKeyRecord,
  EntraAssignmentRecord,
  IdentityDetailsRecord,
  IdentityRecord,
  RoleGrantRecord,
  SigningKeyRecord,
  TeamsExtensionAssignmentRecord,
} from './store.js';

/**
 * The tables of both stores, in SQL that SQLite and PostgreSQL both take: `prefix` qualifies the table names
 * (`acs_emulator.` for a PostgreSQL schema), `integer` is the type of the millisecond times.
 */
export function tablesSql(prefix: string, integer: 'INTEGER' | 'BIGINT'): string {
  return `
CREATE TABLE IF NOT EXISTS ${prefix}emulator_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${prefix}access_keys (
  name TEXT PRIMARY KEY, generation INTEGER NOT NULL, secret TEXT NOT NULL, kid TEXT NOT NULL,
  updated_at_ms ${integer} NOT NULL);
CREATE TABLE IF NOT EXISTS ${prefix}signing_keys (
  kid TEXT PRIMARY KEY, x5t TEXT NOT NULL, access_key TEXT NOT NULL, generation INTEGER NOT NULL,
  private_key_pem TEXT NOT NULL, certificate_pem TEXT NOT NULL, created_at_ms ${integer} NOT NULL,
  retired_at_ms ${integer});
CREATE TABLE IF NOT EXISTS ${prefix}identities (
  id TEXT PRIMARY KEY, created_at_ms ${integer} NOT NULL, revoked_before_s ${integer}, deleted_at_ms ${integer});
CREATE TABLE IF NOT EXISTS ${prefix}identity_custom_ids (
  custom_id TEXT PRIMARY KEY, identity_id TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS ${prefix}identity_tokens (identity_id TEXT PRIMARY KEY, last_issued_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${prefix}teams_extension_assignments (
  tenant_id TEXT NOT NULL, object_id TEXT NOT NULL, principal_type TEXT NOT NULL, client_ids TEXT,
  created_at_ms ${integer} NOT NULL, PRIMARY KEY (tenant_id, object_id));
CREATE TABLE IF NOT EXISTS ${prefix}entra_assignments (
  object_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, principal_type TEXT NOT NULL, client_ids TEXT NOT NULL,
  created_at_ms ${integer} NOT NULL);
CREATE TABLE IF NOT EXISTS ${prefix}role_grants (
  principal_id TEXT PRIMARY KEY, role TEXT NOT NULL, created_at_ms ${integer} NOT NULL);
`;
}

export type AccessKeyRow = {
  name: AccessKeyName;
  generation: number;
  secret: string;
  kid: string;
  updated_at_ms: number;
};
export type SigningKeyRow = {
  kid: string;
  x5t: string;
  access_key: AccessKeyName;
  generation: number;
  private_key_pem: string;
  certificate_pem: string;
  created_at_ms: number;
  retired_at_ms: number | null;
};
export type IdentityRow = {
  id: string;
  created_at_ms: number;
  revoked_before_s: number | null;
  deleted_at_ms: number | null;
};

export type GrantRow = {
  principal_id: string;
  role: string;
  created_at_ms: number;
};

export const toGrant = (r: GrantRow): RoleGrantRecord => ({
  principalId: r.principal_id,
  role: r.role,
  createdAtMs: Number(r.created_at_ms),
});

export const toAccessKey = (r: AccessKeyRow): AccessKeyRecord => ({
  name: r.name,
  generation: Number(r.generation),
  secret: r.secret,
  kid: r.kid,
  updatedAtMs: Number(r.updated_at_ms),
});
export const toSigningKey = (r: SigningKeyRow): SigningKeyRecord => ({
  kid: r.kid,
  x5t: r.x5t,
  accessKey: r.access_key,
  generation: Number(r.generation),
  privateKeyPem: r.private_key_pem,
  certificatePem: r.certificate_pem,
  createdAtMs: Number(r.created_at_ms),
  retiredAtMs: r.retired_at_ms === null ? null : Number(r.retired_at_ms),
});
export const toIdentity = (r: IdentityRow): IdentityRecord => ({
  id: r.id,
  createdAtMs: Number(r.created_at_ms),
  revokedBeforeSec: r.revoked_before_s === null ? null : Number(r.revoked_before_s),
  deletedAtMs: r.deleted_at_ms === null ? null : Number(r.deleted_at_ms),
});

/** An identity row joined with its custom id and last token time. */
export type IdentityDetailsRow = IdentityRow & { custom_id: string | null; last_issued_at: string | null };

/** The query of one identity's details: `?` or `$1` is the id. */
export function identityDetailsSql(prefix: string, parameter: string): string {
  return `SELECT i.*, c.custom_id, t.last_issued_at FROM ${prefix}identities i
  LEFT JOIN ${prefix}identity_custom_ids c ON c.identity_id = i.id
  LEFT JOIN ${prefix}identity_tokens t ON t.identity_id = i.id
  WHERE i.id = ${parameter}`;
}

export const toIdentityDetails = (r: IdentityDetailsRow): IdentityDetailsRecord => ({
  ...toIdentity(r),
  customId: r.custom_id ?? null,
  lastTokenIssuedAt: r.last_issued_at ?? null,
});

export type TeamsExtensionAssignmentRow = {
  tenant_id: string;
  object_id: string;
  principal_type: string;
  client_ids: string | null;
  created_at_ms: number;
};

export type EntraAssignmentRow = {
  object_id: string;
  tenant_id: string;
  principal_type: string;
  client_ids: string;
  created_at_ms: number;
};

/** A JSON array of strings as stored; anything else reads as empty. */
function clientIdsOf(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export const toTeamsExtensionAssignment = (
  r: TeamsExtensionAssignmentRow,
): TeamsExtensionAssignmentRecord => ({
  tenantId: r.tenant_id,
  objectId: r.object_id,
  principalType: r.principal_type,
  clientIds: r.client_ids === null ? null : clientIdsOf(r.client_ids),
  createdAtMs: Number(r.created_at_ms),
});

export const toEntraAssignment = (r: EntraAssignmentRow): EntraAssignmentRecord => ({
  objectId: r.object_id,
  tenantId: r.tenant_id,
  principalType: r.principal_type,
  clientIds: clientIdsOf(r.client_ids),
  createdAtMs: Number(r.created_at_ms),
});
