import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EmulatorError } from './errors.js';
import type { AccessKeyName } from './hmac.js';
import { narrowFiles, ownerOnlyDir, ownerOnlyFile } from './private-files.js';
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

const SCHEMA = tablesSql('', 'INTEGER');

/** The statements of custom ids, token times and assignments (the 2025 api-versions). */
function prepareAccessStatements(db: Database.Database) {
  return {
    identityDetails: db.prepare<[string], IdentityDetailsRow>(identityDetailsSql('', '?')),
    customIdOwner: db.prepare<[string], { identity_id: string }>(
      'SELECT identity_id FROM identity_custom_ids WHERE custom_id = ?',
    ),
    insertCustomId: db.prepare<[string, string]>(
      'INSERT INTO identity_custom_ids (custom_id, identity_id) VALUES (?, ?)',
    ),
    freeCustomId: db.prepare<[string]>('DELETE FROM identity_custom_ids WHERE identity_id = ?'),
    ensureIdentity: db.prepare<[string, number]>(
      'INSERT INTO identities (id, created_at_ms) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ),
    recordToken: db.prepare<[string, string]>(
      `INSERT INTO identity_tokens (identity_id, last_issued_at) VALUES (?, ?)
       ON CONFLICT (identity_id) DO UPDATE SET last_issued_at = MAX(last_issued_at, excluded.last_issued_at)`,
    ),
    teamsAssignment: db.prepare<[string, string], TeamsExtensionAssignmentRow>(
      'SELECT * FROM teams_extension_assignments WHERE tenant_id = ? AND object_id = ?',
    ),
    putTeamsAssignment: db.prepare<[string, string, string, string | null, number]>(
      `INSERT INTO teams_extension_assignments (tenant_id, object_id, principal_type, client_ids, created_at_ms)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, object_id)
       DO UPDATE SET principal_type = excluded.principal_type, client_ids = excluded.client_ids`,
    ),
    deleteTeamsAssignment: db.prepare<[string, string]>(
      'DELETE FROM teams_extension_assignments WHERE tenant_id = ? AND object_id = ?',
    ),
    entraAssignments: db.prepare<[], EntraAssignmentRow>(
      'SELECT * FROM entra_assignments ORDER BY created_at_ms, object_id',
    ),
    entraAssignment: db.prepare<[string], EntraAssignmentRow>(
      'SELECT * FROM entra_assignments WHERE object_id = ?',
    ),
    putEntraAssignment: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO entra_assignments (object_id, tenant_id, principal_type, client_ids, created_at_ms)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (object_id) DO UPDATE SET tenant_id = excluded.tenant_id,
       principal_type = excluded.principal_type, client_ids = excluded.client_ids`,
    ),
    deleteEntraAssignment: db.prepare<[string]>('DELETE FROM entra_assignments WHERE object_id = ?'),
    findEntraAssignments: db.prepare<[string, string], EntraAssignmentRow>(
      `SELECT * FROM entra_assignments WHERE object_id IN (SELECT value FROM json_each(?))
       OR (principal_type = 'tenant' AND tenant_id = ?) ORDER BY created_at_ms, object_id`,
    ),
  };
}

function storageError(action: string, e: unknown): EmulatorError {
  return new EmulatorError('STORAGE_FAILED', `SQLite store could not ${action}: ${(e as Error).message}`, {
    cause: e,
  });
}

/**
 * Embedded store in one SQLite file. WAL journal with `synchronous=FULL`: every commit is fsynced before the call
 * returns, so an acknowledged write survives a process kill and a power loss. Identity writes (create, revoke,
 * delete, custom ids, assignments) commit that way; token issuance writes only the token time, gathered for
 * {@link TOKEN_TIMES_FLUSH_MS} and written in one commit without an fsync (see `recordTokenIssued`), so neither the
 * fsync nor a commit per token touches the hot path.
 */
/**
 * How long token times gather before one commit writes them. A commit per token (thousands a second) filled the WAL
 * so fast that SQLite's automatic checkpoints, which run inside a write on the event loop, stalled answers for tens
 * of milliseconds several times a second (`node bench/run.mjs --only emulator-throughput`: p99 at half load).
 */
const TOKEN_TIMES_FLUSH_MS = 50;

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #stmts;
  readonly #access;
  /** Token times not written yet: identity id → the latest issue instant. */
  readonly #pendingTokenTimes = new Map<string, string>();
  #tokenTimesTimer: NodeJS.Timeout | undefined;

  constructor(file: string) {
    if (file !== ':memory:') {
      // The file holds the access keys and signing keys: 0600 before SQLite opens it, which gives the -wal and -shm
      // it creates the database's mode; ones an older version left open to others are narrowed first.
      ownerOnlyDir(dirname(file));
      narrowFiles(`${file}-wal`, `${file}-shm`);
      ownerOnlyFile(file);
    }
    try {
      this.#db = new Database(file);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('busy_timeout = 5000');
      this.#db.exec(SCHEMA);
    } catch (e) {
      throw storageError(`open ${file}`, e);
    }
    const db = this.#db;
    this.#stmts = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM emulator_meta WHERE key = ?'),
      putMeta: db.prepare<[string, string]>(
        'INSERT INTO emulator_meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      setMeta: db.prepare<[string, string]>(
        'INSERT INTO emulator_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      accessKeys: db.prepare<[], AccessKeyRow>('SELECT * FROM access_keys ORDER BY name'),
      accessKey: db.prepare<[string], AccessKeyRow>('SELECT * FROM access_keys WHERE name = ?'),
      insertAccessKey: db.prepare<[string, number, string, string, number]>(
        'INSERT INTO access_keys (name, generation, secret, kid, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      updateAccessKey: db.prepare<[string, string, number, string]>(
        'UPDATE access_keys SET generation = generation + 1, secret = ?, kid = ?, updated_at_ms = ? WHERE name = ?',
      ),
      signingKey: db.prepare<[string], SigningKeyRow>('SELECT * FROM signing_keys WHERE kid = ?'),
      activeSigningKeys: db.prepare<[], SigningKeyRow>(
        'SELECT * FROM signing_keys WHERE retired_at_ms IS NULL ORDER BY created_at_ms, kid',
      ),
      insertSigningKey: db.prepare<[string, string, string, number, string, string, number]>(
        'INSERT INTO signing_keys (kid, x5t, access_key, generation, private_key_pem, certificate_pem, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      retireSigningKey: db.prepare<[number, string]>(
        'UPDATE signing_keys SET retired_at_ms = ? WHERE kid = ? AND retired_at_ms IS NULL',
      ),
      insertIdentity: db.prepare<[string, number]>(
        'INSERT INTO identities (id, created_at_ms) VALUES (?, ?)',
      ),
      identity: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE id = ?'),
      revoke: db.prepare<[number, string]>(
        'UPDATE identities SET revoked_before_s = MAX(COALESCE(revoked_before_s, 0), ?) WHERE id = ? AND deleted_at_ms IS NULL',
      ),
      grants: db.prepare<[], GrantRow>('SELECT * FROM role_grants ORDER BY created_at_ms, principal_id'),
      grant: db.prepare<[string], GrantRow>('SELECT * FROM role_grants WHERE principal_id = ?'),
      putGrant: db.prepare<[string, string, number]>(
        'INSERT INTO role_grants (principal_id, role, created_at_ms) VALUES (?, ?, ?) ON CONFLICT (principal_id) DO UPDATE SET role = excluded.role',
      ),
      deleteGrant: db.prepare<[string]>('DELETE FROM role_grants WHERE principal_id = ?'),
      markDeleted: db.prepare<[number, string]>(
        'UPDATE identities SET deleted_at_ms = ? WHERE id = ? AND deleted_at_ms IS NULL',
      ),
    };
    this.#access = prepareAccessStatements(db);
  }

  #run<T>(action: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof EmulatorError ? e : storageError(action, e));
    }
  }

  async initialize(seed: () => Promise<StoreSeed>): Promise<void> {
    const existing = this.#stmts.getMeta.get('resource_id');
    if (existing && this.#stmts.accessKeys.all().length === 2) return;
    const s = await seed();
    await this.#run('store the new resource', () =>
      this.#db.transaction(() => {
        this.#stmts.putMeta.run('resource_id', s.resource.resourceId);
        this.#stmts.putMeta.run('resource_location', s.resource.resourceLocation);
        for (const key of s.accessKeys) {
          const inserted = this.#stmts.insertAccessKey.run(
            key.name,
            key.generation,
            key.secret,
            key.kid,
            key.updatedAtMs,
          );
          const signing = s.signingKeys.find((k) => k.kid === key.kid);
          if (inserted.changes === 1 && signing) this.#insertSigningKey(signing);
        }
      })(),
    );
  }

  #insertSigningKey(k: SigningKeyRecord): void {
    this.#stmts.insertSigningKey.run(
      k.kid,
      k.x5t,
      k.accessKey,
      k.generation,
      k.privateKeyPem,
      k.certificatePem,
      k.createdAtMs,
    );
  }

  getResource(): Promise<ResourceRecord> {
    return this.#run('read the resource', () => {
      const resourceId = this.#stmts.getMeta.get('resource_id')?.value;
      const resourceLocation = this.#stmts.getMeta.get('resource_location')?.value;
      if (!resourceId || !resourceLocation)
        throw new EmulatorError('STORAGE_FAILED', 'The store is not initialized.');
      return { resourceId, resourceLocation };
    });
  }

  changeToken(): number {
    return this.#stmts.dataVersion.get() ?? 0;
  }

  getAccessKeys(): Promise<AccessKeyRecord[]> {
    return this.#run('read access keys', () => this.#stmts.accessKeys.all().map(toAccessKey));
  }

  getSigningKey(kid: string): Promise<SigningKeyRecord | undefined> {
    return this.#run('read a signing key', () => {
      const row = this.#stmts.signingKey.get(kid);
      return row ? toSigningKey(row) : undefined;
    });
  }

  listActiveSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.#run('list signing keys', () => this.#stmts.activeSigningKeys.all().map(toSigningKey));
  }

  rotateAccessKey(
    name: AccessKeyName,
    secret: string,
    signingKey: SigningKeyRecord,
    atMs: number,
  ): Promise<AccessKeyRecord> {
    return this.#run('rotate an access key', () =>
      this.#db
        .transaction(() => {
          const current = this.#stmts.accessKey.get(name);
          if (!current) throw new EmulatorError('STORAGE_FAILED', `Access key ${name} does not exist.`);
          const generation = current.generation + 1;
          this.#insertSigningKey({ ...signingKey, accessKey: name, generation });
          this.#stmts.updateAccessKey.run(secret, signingKey.kid, atMs, name);
          this.#stmts.retireSigningKey.run(atMs, current.kid);
          const updated = this.#stmts.accessKey.get(name);
          if (!updated) throw new EmulatorError('STORAGE_FAILED', `Access key ${name} vanished.`);
          return toAccessKey(updated);
        })
        .immediate(),
    );
  }

  createIdentity(id: string, atMs: number): Promise<IdentityRecord> {
    return this.#run('create an identity', () => {
      this.#stmts.insertIdentity.run(id, atMs);
      return { id, createdAtMs: atMs, revokedBeforeSec: null, deletedAtMs: null };
    });
  }

  getIdentity(id: string): Promise<IdentityRecord | undefined> {
    return this.#run('read an identity', () => {
      const row = this.#stmts.identity.get(id);
      return row ? toIdentity(row) : undefined;
    });
  }

  revokeTokens(id: string, revokedBeforeSec: number): Promise<IdentityRecord | undefined> {
    return this.#run('revoke tokens', () => {
      const changed = this.#stmts.revoke.run(revokedBeforeSec, id);
      if (changed.changes !== 1) return undefined;
      const row = this.#stmts.identity.get(id);
      return row ? toIdentity(row) : undefined;
    });
  }

  deleteIdentity(id: string, atMs: number): Promise<DeleteOutcome> {
    return this.#run('delete an identity', () =>
      this.#db
        .transaction((): DeleteOutcome => {
          this.#access.freeCustomId.run(id);
          if (this.#stmts.markDeleted.run(atMs, id).changes === 1) return 'deleted';
          return this.#stmts.identity.get(id) ? 'already-deleted' : 'not-found';
        })
        .immediate(),
    );
  }

  createIdentityForCustomId(
    id: string,
    customId: string,
    atMs: number,
  ): Promise<{ identity: IdentityRecord; created: boolean }> {
    return this.#run('create an identity', () =>
      this.#db
        .transaction(() => {
          const owner = this.#access.customIdOwner.get(customId)?.identity_id;
          const existing = owner === undefined ? undefined : this.#stmts.identity.get(owner);
          if (existing && existing.deleted_at_ms === null)
            return { identity: toIdentity(existing), created: false };
          if (owner !== undefined) this.#access.freeCustomId.run(owner);
          this.#stmts.insertIdentity.run(id, atMs);
          this.#access.insertCustomId.run(customId, id);
          const identity: IdentityRecord = {
            id,
            createdAtMs: atMs,
            revokedBeforeSec: null,
            deletedAtMs: null,
          };
          return { identity, created: true };
        })
        .immediate(),
    );
  }

  async getIdentityDetails(id: string): Promise<IdentityDetailsRecord | undefined> {
    await this.#writeTokenTimes();
    return this.#run('read an identity', () => {
      const row = this.#access.identityDetails.get(id);
      return row ? toIdentityDetails(row) : undefined;
    });
  }

  ensureIdentity(id: string, atMs: number): Promise<IdentityRecord> {
    return this.#run('create an identity', () => {
      this.#access.ensureIdentity.run(id, atMs);
      const row = this.#stmts.identity.get(id);
      if (!row) throw new EmulatorError('STORAGE_FAILED', `Identity ${id} vanished.`);
      return toIdentity(row);
    });
  }

  recordTokenIssued(id: string, issuedAt: string): Promise<void> {
    // Gathered and written within TOKEN_TIMES_FLUSH_MS (at once when this process reads one, and on close): a token
    // time is informational. A process kill may lose the last TOKEN_TIMES_FLUSH_MS of them, a power loss those since
    // the next identity write (create, revoke, delete), which is fsynced.
    this.#keepLatestTokenTime(id, issuedAt);
    this.#tokenTimesTimer ??= setTimeout(() => {
      // A failure here stays pending and surfaces at the next read or close, which write them again.
      this.#writeTokenTimes().catch(() => {});
    }, TOKEN_TIMES_FLUSH_MS).unref();
    return Promise.resolve();
  }

  /** Gathers `at` for `id` unless a later time is already gathered (timestamps of one format compare as text). */
  #keepLatestTokenTime(id: string, at: string): void {
    const known = this.#pendingTokenTimes.get(id);
    if (known === undefined || known < at) this.#pendingTokenTimes.set(id, at);
  }

  /** Writes the gathered token times in one commit without an fsync; on failure they stay to be written again. */
  #writeTokenTimes(): Promise<void> {
    clearTimeout(this.#tokenTimesTimer);
    this.#tokenTimesTimer = undefined;
    if (this.#pendingTokenTimes.size === 0 || !this.#db.open) return Promise.resolve();
    const times = [...this.#pendingTokenTimes];
    this.#pendingTokenTimes.clear();
    return this.#run('record token times', () => {
      this.#db.pragma('synchronous = NORMAL');
      try {
        this.#db.transaction(() => {
          for (const [id, at] of times) this.#access.recordToken.run(id, at);
        })();
      } catch (e) {
        for (const [id, at] of times) this.#keepLatestTokenTime(id, at);
        throw e;
      } finally {
        this.#db.pragma('synchronous = FULL');
      }
    });
  }

  getTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
  ): Promise<TeamsExtensionAssignmentRecord | undefined> {
    return this.#run('read an assignment', () => {
      const row = this.#access.teamsAssignment.get(tenantId, objectId);
      return row ? toTeamsExtensionAssignment(row) : undefined;
    });
  }

  putTeamsExtensionAssignment(a: TeamsExtensionAssignmentRecord): Promise<'created' | 'replaced'> {
    return this.#run('store an assignment', () =>
      this.#db
        .transaction(() => {
          const existed = this.#access.teamsAssignment.get(a.tenantId, a.objectId) !== undefined;
          const clientIds = a.clientIds === null ? null : JSON.stringify(a.clientIds);
          this.#access.putTeamsAssignment.run(
            a.tenantId,
            a.objectId,
            a.principalType,
            clientIds,
            a.createdAtMs,
          );
          return existed ? ('replaced' as const) : ('created' as const);
        })
        .immediate(),
    );
  }

  deleteTeamsExtensionAssignment(tenantId: string, objectId: string): Promise<boolean> {
    return this.#run(
      'remove an assignment',
      () => this.#access.deleteTeamsAssignment.run(tenantId, objectId).changes === 1,
    );
  }

  listEntraAssignments(): Promise<EntraAssignmentRecord[]> {
    return this.#run('list assignments', () => this.#access.entraAssignments.all().map(toEntraAssignment));
  }

  getEntraAssignment(objectId: string): Promise<EntraAssignmentRecord | undefined> {
    return this.#run('read an assignment', () => {
      const row = this.#access.entraAssignment.get(objectId);
      return row ? toEntraAssignment(row) : undefined;
    });
  }

  writeEntraAssignments(
    changes: ReadonlyMap<string, EntraAssignmentRecord | null>,
  ): Promise<Map<string, AssignmentWrite>> {
    return this.#run('store assignments', () =>
      this.#db
        .transaction(() => {
          const out = new Map<string, AssignmentWrite>();
          for (const [objectId, a] of changes) {
            const existed = this.#access.entraAssignment.get(objectId) !== undefined;
            if (a === null) {
              this.#access.deleteEntraAssignment.run(objectId);
              out.set(objectId, existed ? 'removed' : 'absent');
              continue;
            }
            const clientIds = JSON.stringify(a.clientIds);
            this.#access.putEntraAssignment.run(
              objectId,
              a.tenantId,
              a.principalType,
              clientIds,
              a.createdAtMs,
            );
            out.set(objectId, existed ? 'replaced' : 'created');
          }
          return out;
        })
        .immediate(),
    );
  }

  findEntraAssignments(objectIds: readonly string[], tenantId: string): Promise<EntraAssignmentRecord[]> {
    return this.#run('read assignments', () =>
      this.#access.findEntraAssignments.all(JSON.stringify(objectIds), tenantId).map(toEntraAssignment),
    );
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.#run('read metadata', () => this.#stmts.getMeta.get(key)?.value);
  }

  putMetaIfAbsent(key: string, value: string): Promise<string> {
    return this.#run('store metadata', () => {
      this.#stmts.putMeta.run(key, value);
      return this.#stmts.getMeta.get(key)?.value ?? value;
    });
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.#run('store metadata', () => {
      this.#stmts.setMeta.run(key, value);
    });
  }

  listGrants(): Promise<RoleGrantRecord[]> {
    return this.#run('list role grants', () => this.#stmts.grants.all().map(toGrant));
  }

  getGrant(principalId: string): Promise<RoleGrantRecord | undefined> {
    return this.#run('read a role grant', () => {
      const row = this.#stmts.grant.get(principalId);
      return row ? toGrant(row) : undefined;
    });
  }

  putGrant(grant: RoleGrantRecord): Promise<void> {
    return this.#run('store a role grant', () => {
      this.#stmts.putGrant.run(grant.principalId, grant.role, grant.createdAtMs);
    });
  }

  deleteGrant(principalId: string): Promise<boolean> {
    return this.#run('remove a role grant', () => this.#stmts.deleteGrant.run(principalId).changes === 1);
  }

  async close(): Promise<void> {
    try {
      await this.#writeTokenTimes();
    } finally {
      if (this.#db.open) this.#db.close();
    }
  }
}

/** Opens (creating when missing) the SQLite store in `file`; `:memory:` for a private in-memory one. */
export function createSqliteStore(file: string): Store {
  return new SqliteStore(file);
}
