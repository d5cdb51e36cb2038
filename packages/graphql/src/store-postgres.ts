import { withAdvisoryLock } from '@acs-identity/core/server';
import pg from 'pg';
import { createInSchema, quoteIdent } from './postgres-schema.js';
import type { FindOrCreateResult, Mapping, MappingStore, UserKey } from './store.js';
import { KeyedMutex, mutexKey } from './store.js';

interface Row {
  issuer: string;
  subject: string;
  raw_id: string;
  created_at: Date;
}

function toMapping(row: Row): Mapping {
  return { issuer: row.issuer, subject: row.subject, rawId: row.raw_id, createdAt: row.created_at };
}

/**
 * The store for several gateway instances: one PostgreSQL database. A transaction-scoped advisory lock per user makes
 * concurrent first requests of one user, on any instance, create exactly one identity.
 */
export function createPostgresStore(
  connectionString: string,
  schema: string,
  now: () => number,
): MappingStore {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client's connection error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const table = `${quoteIdent(schema)}.gateway_user_identities`;
  const mutex = new KeyedMutex();
  const select = `SELECT issuer, subject, raw_id, created_at FROM ${table} WHERE issuer = $1 AND subject = $2`;

  return {
    kind: 'postgres',
    async init() {
      await createInSchema(pool, schema, [
        `CREATE TABLE IF NOT EXISTS ${table} (
          issuer TEXT NOT NULL,
          subject TEXT NOT NULL,
          raw_id TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (issuer, subject)
        )`,
        `CREATE INDEX IF NOT EXISTS gateway_user_identities_raw_id ON ${table} (raw_id)`,
      ]);
    },
    async get(key: UserKey) {
      const { rows } = await pool.query<Row>(select, [key.issuer, key.subject]);
      const row = rows[0];
      return row === undefined ? undefined : toMapping(row);
    },
    async findOrCreate(key, create, discard): Promise<FindOrCreateResult> {
      // Known users (every call but the first) need no lock.
      const known = (await pool.query<Row>(select, [key.issuer, key.subject])).rows[0];
      if (known !== undefined) return { rawId: known.raw_id, created: false };
      return mutex.run(mutexKey(key), async () => {
        let rawId: string | undefined;
        try {
          return await withAdvisoryLock(
            pool,
            `acs-identity-gateway:${mutexKey(key)}`,
            async (client: pg.PoolClient): Promise<FindOrCreateResult> => {
              const winner = (await client.query<Row>(select, [key.issuer, key.subject])).rows[0];
              if (winner !== undefined) return { rawId: winner.raw_id, created: false };
              rawId = await create();
              await client.query(
                `INSERT INTO ${table} (issuer, subject, raw_id, created_at) VALUES ($1, $2, $3, $4)`,
                [key.issuer, key.subject, rawId, new Date(now())],
              );
              return { rawId, created: true };
            },
          );
        } catch (e) {
          // The identity exists but could not be recorded: remove it rather than leak it.
          if (rawId !== undefined) await discard(rawId).catch(() => {});
          throw e;
        }
      });
    },
    async deleteByRawId(rawId) {
      const result = await pool.query(`DELETE FROM ${table} WHERE raw_id = $1`, [rawId]);
      return result.rowCount ?? 0;
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
