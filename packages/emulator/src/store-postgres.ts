import { withAdvisoryLock, withTransaction } from '@acs-identity/core/server';
import pg from 'pg';
import { EmulatorError } from './errors.js';
import type { AccessKeyName } from './hmac.js';
import type {
  AccessKeyRecord,
  AssignmentWrite,
  DeleteOutcome,
  EntraAssignmentRecord,
  IdentityDetailsRecord,
  IdentityRecord,
  ResourceRecord,
  RoleGrantRecord,
  SigningKeyRecord,
  Store,
  StoreSeed,
  TeamsExtensionAssignmentRecord,
} from './store.js';
import {
  type AccessKeyRow,
  type EntraAssignmentRow,
  type GrantRow,
  type IdentityDetailsRow,
  type IdentityRow,
  identityDetailsSql,
  type SigningKeyRow,
  type TeamsExtensionAssignmentRow,
  tablesSql,
  toAccessKey,
  toEntraAssignment,
  toGrant,
  toIdentity,
  toIdentityDetails,
  toSigningKey,
  toTeamsExtensionAssignment,
} from './store-sql.js';

function schemaSql(s: string): string {
  return `\nCREATE SCHEMA IF NOT EXISTS ${s};${tablesSql(`${s}.`, 'BIGINT')}`;
}

function storageError(action: string, e: unknown): EmulatorError {
  if (e instanceof EmulatorError) return e;
  return new EmulatorError(
    'STORAGE_FAILED',
    `PostgreSQL store could not ${action}: ${(e as Error).message}`,
    {
      cause: e,
    },
  );
}

/**
 * The advisory lock key under which the schema's tables are created and the resource is first stored (the rate
 * limiter takes it too), so concurrent first starts agree.
 */
export function schemaLockKey(schema: string): string {
  return `acs-emulator:${schema}`;
}

/** Redacts the password of a database URL for messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * The shared store: several emulator instances pointed at one database agree on the resource, its keys, identities
 * and revocations. Every method commits before resolving (PostgreSQL's default synchronous_commit=on).
 */
class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #s: string;

  private constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#s = schema;
  }

  static async connect(url: string, schema: string): Promise<PostgresStore> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `PostgreSQL schema must be a lower-case SQL identifier; got ${schema}.`,
      );
    }
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing the process
    const store = new PostgresStore(pool, schema);
    try {
      await withAdvisoryLock(pool, schemaLockKey(schema), async (c) => {
        await c.query(schemaSql(schema));
      });
    } catch (e) {
      await pool.end().catch(() => {});
      throw new EmulatorError(
        'STORAGE_FAILED',
        `Could not prepare PostgreSQL at ${redactDatabaseUrl(url)} (schema ${schema}): ${(e as Error).message}`,
        { cause: e },
      );
    }
    return store;
  }

  async #query<R extends pg.QueryResultRow>(
    action: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(sql, params)).rows;
    } catch (e) {
      throw storageError(action, e);
    }
  }

  async initialize(seed: () => Promise<StoreSeed>): Promise<void> {
    const s = this.#s;
    const existing = await this.#query<{ n: string }>(
      'read the resource',
      `SELECT (SELECT count(*) FROM ${s}.emulator_meta WHERE key = 'resource_id') + (SELECT count(*) FROM ${s}.access_keys) AS n`,
    );
    if (Number(existing[0]?.n) === 3) return;
    const data = await seed();
    try {
      await withAdvisoryLock(this.#pool, schemaLockKey(s), async (c: pg.PoolClient) => {
        const putMeta = `INSERT INTO ${s}.emulator_meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`;
        await c.query(putMeta, ['resource_id', data.resource.resourceId]);
        await c.query(putMeta, ['resource_location', data.resource.resourceLocation]);
        for (const key of data.accessKeys) {
          const inserted = await c.query(
            `INSERT INTO ${s}.access_keys (name, generation, secret, kid, updated_at_ms) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING RETURNING name`,
            [key.name, key.generation, key.secret, key.kid, key.updatedAtMs],
          );
          const signing = data.signingKeys.find((k) => k.kid === key.kid);
          if (inserted.rowCount === 1 && signing) await this.#insertSigningKey(c, signing);
        }
      });
    } catch (e) {
      throw storageError('store the new resource', e);
    }
  }

  async #insertSigningKey(c: pg.PoolClient, k: SigningKeyRecord): Promise<void> {
    await c.query(
      `INSERT INTO ${this.#s}.signing_keys (kid, x5t, access_key, generation, private_key_pem, certificate_pem, created_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [k.kid, k.x5t, k.accessKey, k.generation, k.privateKeyPem, k.certificatePem, k.createdAtMs],
    );
  }

  async getResource(): Promise<ResourceRecord> {
    const rows = await this.#query<{ key: string; value: string }>(
      'read the resource',
      `SELECT key, value FROM ${this.#s}.emulator_meta WHERE key IN ('resource_id', 'resource_location')`,
    );
    const resourceId = rows.find((r) => r.key === 'resource_id')?.value;
    const resourceLocation = rows.find((r) => r.key === 'resource_location')?.value;
    if (!resourceId || !resourceLocation)
      throw new EmulatorError('STORAGE_FAILED', 'The store is not initialized.');
    return { resourceId, resourceLocation };
  }

  async getAccessKeys(): Promise<AccessKeyRecord[]> {
    const rows = await this.#query<AccessKeyRow>(
      'read access keys',
      `SELECT * FROM ${this.#s}.access_keys ORDER BY name`,
    );
    return rows.map(toAccessKey);
  }

  async getSigningKey(kid: string): Promise<SigningKeyRecord | undefined> {
    const rows = await this.#query<SigningKeyRow>(
      'read a signing key',
      `SELECT * FROM ${this.#s}.signing_keys WHERE kid = $1`,
      [kid],
    );
    const row = rows[0];
    return row ? toSigningKey(row) : undefined;
  }

  async listActiveSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = await this.#query<SigningKeyRow>(
      'list signing keys',
      `SELECT * FROM ${this.#s}.signing_keys WHERE retired_at_ms IS NULL ORDER BY created_at_ms, kid`,
    );
    return rows.map(toSigningKey);
  }

  async rotateAccessKey(
    name: AccessKeyName,
    secret: string,
    signingKey: SigningKeyRecord,
    atMs: number,
  ): Promise<AccessKeyRecord> {
    const s = this.#s;
    try {
      return await withTransaction(this.#pool, async (c: pg.PoolClient) => {
        const current = (await c.query(`SELECT * FROM ${s}.access_keys WHERE name = $1 FOR UPDATE`, [name]))
          .rows[0] as AccessKeyRow | undefined;
        if (!current) throw new EmulatorError('STORAGE_FAILED', `Access key ${name} does not exist.`);
        const generation = Number(current.generation) + 1;
        await this.#insertSigningKey(c, { ...signingKey, accessKey: name, generation });
        const updated = await c.query(
          `UPDATE ${s}.access_keys SET generation = $1, secret = $2, kid = $3, updated_at_ms = $4 WHERE name = $5 RETURNING *`,
          [generation, secret, signingKey.kid, atMs, name],
        );
        await c.query(
          `UPDATE ${s}.signing_keys SET retired_at_ms = $1 WHERE kid = $2 AND retired_at_ms IS NULL`,
          [atMs, current.kid],
        );
        return toAccessKey(updated.rows[0] as AccessKeyRow);
      });
    } catch (e) {
      throw storageError('rotate an access key', e);
    }
  }

  async createIdentity(id: string, atMs: number): Promise<IdentityRecord> {
    await this.#query(
      'create an identity',
      `INSERT INTO ${this.#s}.identities (id, created_at_ms) VALUES ($1, $2)`,
      [id, atMs],
    );
    return { id, createdAtMs: atMs, revokedBeforeSec: null, deletedAtMs: null };
  }

  async getIdentity(id: string): Promise<IdentityRecord | undefined> {
    const rows = await this.#query<IdentityRow>(
      'read an identity',
      `SELECT * FROM ${this.#s}.identities WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row ? toIdentity(row) : undefined;
  }

  async revokeTokens(id: string, revokedBeforeSec: number): Promise<IdentityRecord | undefined> {
    const rows = await this.#query<IdentityRow>(
      'revoke tokens',
      `UPDATE ${this.#s}.identities SET revoked_before_s = GREATEST(COALESCE(revoked_before_s, 0), $1)
       WHERE id = $2 AND deleted_at_ms IS NULL RETURNING *`,
      [revokedBeforeSec, id],
    );
    const row = rows[0];
    return row ? toIdentity(row) : undefined;
  }

  async deleteIdentity(id: string, atMs: number): Promise<DeleteOutcome> {
    const rows = await this.#query<{ deleted: boolean }>(
      'delete an identity',
      `WITH upd AS (UPDATE ${this.#s}.identities SET deleted_at_ms = $1 WHERE id = $2 AND deleted_at_ms IS NULL RETURNING 1),
       freed AS (DELETE FROM ${this.#s}.identity_custom_ids WHERE identity_id = $2)
       SELECT (SELECT count(*) FROM upd) = 1 AS deleted`,
      [atMs, id],
    );
    if (rows[0]?.deleted) return 'deleted';
    return (await this.getIdentity(id)) ? 'already-deleted' : 'not-found';
  }

  async createIdentityForCustomId(
    id: string,
    customId: string,
    atMs: number,
  ): Promise<{ identity: IdentityRecord; created: boolean }> {
    const s = this.#s;
    try {
      // Concurrent creators of one custom id queue on its lock: the first inserts, the others read its identity.
      const lockKey = `${schemaLockKey(s)}:custom-id:${customId}`;
      return await withAdvisoryLock(this.#pool, lockKey, async (c: pg.PoolClient) => {
        const owner = (
          await c.query<IdentityRow>(
            `SELECT i.* FROM ${s}.identity_custom_ids c JOIN ${s}.identities i ON i.id = c.identity_id
             WHERE c.custom_id = $1`,
            [customId],
          )
        ).rows[0];
        if (owner && owner.deleted_at_ms === null) return { identity: toIdentity(owner), created: false };
        if (owner) await c.query(`DELETE FROM ${s}.identity_custom_ids WHERE custom_id = $1`, [customId]);
        await c.query(`INSERT INTO ${s}.identities (id, created_at_ms) VALUES ($1, $2)`, [id, atMs]);
        await c.query(`INSERT INTO ${s}.identity_custom_ids (custom_id, identity_id) VALUES ($1, $2)`, [
          customId,
          id,
        ]);
        const identity: IdentityRecord = { id, createdAtMs: atMs, revokedBeforeSec: null, deletedAtMs: null };
        return { identity, created: true };
      });
    } catch (e) {
      throw storageError('create an identity', e);
    }
  }

  async getIdentityDetails(id: string): Promise<IdentityDetailsRecord | undefined> {
    const rows = await this.#query<IdentityDetailsRow>(
      'read an identity',
      identityDetailsSql(`${this.#s}.`, '$1'),
      [id],
    );
    const row = rows[0];
    return row ? toIdentityDetails(row) : undefined;
  }

  async ensureIdentity(id: string, atMs: number): Promise<IdentityRecord> {
    await this.#query(
      'create an identity',
      `INSERT INTO ${this.#s}.identities (id, created_at_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [id, atMs],
    );
    const identity = await this.getIdentity(id);
    if (!identity) throw new EmulatorError('STORAGE_FAILED', `Identity ${id} vanished.`);
    return identity;
  }

  async recordTokenIssued(id: string, issuedAt: string): Promise<void> {
    await this.#query(
      'record a token time',
      `INSERT INTO ${this.#s}.identity_tokens (identity_id, last_issued_at) VALUES ($1, $2)
       ON CONFLICT (identity_id) DO UPDATE SET last_issued_at = GREATEST(${this.#s}.identity_tokens.last_issued_at, excluded.last_issued_at)`,
      [id, issuedAt],
    );
  }

  async getTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
  ): Promise<TeamsExtensionAssignmentRecord | undefined> {
    const rows = await this.#query<TeamsExtensionAssignmentRow>(
      'read an assignment',
      `SELECT * FROM ${this.#s}.teams_extension_assignments WHERE tenant_id = $1 AND object_id = $2`,
      [tenantId, objectId],
    );
    const row = rows[0];
    return row ? toTeamsExtensionAssignment(row) : undefined;
  }

  async putTeamsExtensionAssignment(a: TeamsExtensionAssignmentRecord): Promise<'created' | 'replaced'> {
    const rows = await this.#query<{ inserted: boolean }>(
      'store an assignment',
      `INSERT INTO ${this.#s}.teams_extension_assignments (tenant_id, object_id, principal_type, client_ids, created_at_ms)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, object_id)
       DO UPDATE SET principal_type = excluded.principal_type, client_ids = excluded.client_ids
       RETURNING (xmax = 0) AS inserted`,
      [
        a.tenantId,
        a.objectId,
        a.principalType,
        a.clientIds === null ? null : JSON.stringify(a.clientIds),
        a.createdAtMs,
      ],
    );
    return rows[0]?.inserted ? 'created' : 'replaced';
  }

  async deleteTeamsExtensionAssignment(tenantId: string, objectId: string): Promise<boolean> {
    const rows = await this.#query(
      'remove an assignment',
      `DELETE FROM ${this.#s}.teams_extension_assignments WHERE tenant_id = $1 AND object_id = $2 RETURNING object_id`,
      [tenantId, objectId],
    );
    return rows.length === 1;
  }

  async listEntraAssignments(): Promise<EntraAssignmentRecord[]> {
    const rows = await this.#query<EntraAssignmentRow>(
      'list assignments',
      `SELECT * FROM ${this.#s}.entra_assignments ORDER BY created_at_ms, object_id`,
    );
    return rows.map(toEntraAssignment);
  }

  async getEntraAssignment(objectId: string): Promise<EntraAssignmentRecord | undefined> {
    const rows = await this.#query<EntraAssignmentRow>(
      'read an assignment',
      `SELECT * FROM ${this.#s}.entra_assignments WHERE object_id = $1`,
      [objectId],
    );
    const row = rows[0];
    return row ? toEntraAssignment(row) : undefined;
  }

  async writeEntraAssignments(
    changes: ReadonlyMap<string, EntraAssignmentRecord | null>,
  ): Promise<Map<string, AssignmentWrite>> {
    const s = this.#s;
    try {
      return await withTransaction(this.#pool, async (c: pg.PoolClient) => {
        const out = new Map<string, AssignmentWrite>();
        for (const [objectId, a] of changes) {
          if (a === null) {
            const gone = await c.query(`DELETE FROM ${s}.entra_assignments WHERE object_id = $1`, [objectId]);
            out.set(objectId, gone.rowCount === 1 ? 'removed' : 'absent');
            continue;
          }
          const written = await c.query<{ inserted: boolean }>(
            `INSERT INTO ${s}.entra_assignments (object_id, tenant_id, principal_type, client_ids, created_at_ms)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (object_id) DO UPDATE SET tenant_id = excluded.tenant_id,
             principal_type = excluded.principal_type, client_ids = excluded.client_ids
             RETURNING (xmax = 0) AS inserted`,
            [objectId, a.tenantId, a.principalType, JSON.stringify(a.clientIds), a.createdAtMs],
          );
          out.set(objectId, written.rows[0]?.inserted ? 'created' : 'replaced');
        }
        return out;
      });
    } catch (e) {
      throw storageError('store assignments', e);
    }
  }

  async findEntraAssignments(
    objectIds: readonly string[],
    tenantId: string,
  ): Promise<EntraAssignmentRecord[]> {
    const rows = await this.#query<EntraAssignmentRow>(
      'read assignments',
      `SELECT * FROM ${this.#s}.entra_assignments WHERE object_id = ANY($1::text[])
       OR (principal_type = 'tenant' AND tenant_id = $2) ORDER BY created_at_ms, object_id`,
      [objectIds, tenantId],
    );
    return rows.map(toEntraAssignment);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.#query<{ value: string }>(
      'read metadata',
      `SELECT value FROM ${this.#s}.emulator_meta WHERE key = $1`,
      [key],
    );
    return rows[0]?.value;
  }

  async putMetaIfAbsent(key: string, value: string): Promise<string> {
    await this.#query(
      'store metadata',
      `INSERT INTO ${this.#s}.emulator_meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [key, value],
    );
    return (await this.getMeta(key)) ?? value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#query(
      'store metadata',
      `INSERT INTO ${this.#s}.emulator_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
  }

  async listGrants(): Promise<RoleGrantRecord[]> {
    const rows = await this.#query<GrantRow>(
      'list role grants',
      `SELECT * FROM ${this.#s}.role_grants ORDER BY created_at_ms, principal_id`,
    );
    return rows.map(toGrant);
  }

  async getGrant(principalId: string): Promise<RoleGrantRecord | undefined> {
    const rows = await this.#query<GrantRow>(
      'read a role grant',
      `SELECT * FROM ${this.#s}.role_grants WHERE principal_id = $1`,
      [principalId],
    );
    const row = rows[0];
    return row ? toGrant(row) : undefined;
  }

  async putGrant(grant: RoleGrantRecord): Promise<void> {
    await this.#query(
      'store a role grant',
      `INSERT INTO ${this.#s}.role_grants (principal_id, role, created_at_ms) VALUES ($1, $2, $3)
       ON CONFLICT (principal_id) DO UPDATE SET role = excluded.role`,
      [grant.principalId, grant.role, grant.createdAtMs],
    );
  }

  async deleteGrant(principalId: string): Promise<boolean> {
    const rows = await this.#query(
      'remove a role grant',
      `DELETE FROM ${this.#s}.role_grants WHERE principal_id = $1 RETURNING principal_id`,
      [principalId],
    );
    return rows.length === 1;
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => {});
  }
}

/** Connects to PostgreSQL and prepares the schema's tables (under an advisory lock, so concurrent first starts agree). */
export function createPostgresStore(url: string, schema: string): Promise<Store> {
  return PostgresStore.connect(url, schema);
}
