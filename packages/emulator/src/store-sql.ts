/**
 * What the SQLite and the PostgreSQL stores share: the tables (in SQL both take) and the row shapes with their
 * conversion to records. No driver is imported here, so the PostgreSQL store never loads better-sqlite3.
 */
import type { AccessKeyName } from './hmac.js';
import type { AccessKeyRecord, IdentityRecord, RoleGrantRecord, SigningKeyRecord } from './store.js';

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
