import { dirname } from 'node:path';
import { narrowIfPresent, privateDir, privateFile } from '@acs-identity/core/server';
import Database from 'better-sqlite3';
import type { FindOrCreateResult, Mapping, MappingStore, UserKey } from './store.js';
import { KeyedMutex, mutexKey } from './store.js';

interface Row {
  issuer: string;
  subject: string;
  raw_id: string;
  created_at: string;
}

function toMapping(row: Row): Mapping {
  return { issuer: row.issuer, subject: row.subject, rawId: row.raw_id, createdAt: new Date(row.created_at) };
}

/**
 * The embedded default store: one SQLite file (`:memory:` for a throwaway one). The file is made 0600 in a 0700 folder
 * before SQLite opens it, so its `-wal` and `-shm`, which SQLite creates with the database file's mode, are 0600 too;
 * files left looser by an earlier run are narrowed.
 */
export function createSqliteStore(file: string, now: () => number): MappingStore {
  if (file !== ':memory:') {
    privateDir(dirname(file));
    privateFile(file);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) narrowIfPresent(`${file}${suffix}`);
  const mutex = new KeyedMutex();
  let statements:
    | {
        get: Database.Statement<[string, string], Row>;
        insert: Database.Statement<[string, string, string, string]>;
        deleteByRawId: Database.Statement<[string]>;
      }
    | undefined;

  const prepared = () => {
    if (statements === undefined) throw new Error('The SQLite mapping store was used before init().');
    return statements;
  };

  return {
    kind: 'sqlite',
    async init() {
      db.exec(`CREATE TABLE IF NOT EXISTS gateway_user_identities (
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        raw_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (issuer, subject)
      );
      CREATE INDEX IF NOT EXISTS gateway_user_identities_raw_id ON gateway_user_identities (raw_id);`);
      statements = {
        get: db.prepare<[string, string], Row>(
          'SELECT issuer, subject, raw_id, created_at FROM gateway_user_identities WHERE issuer = ? AND subject = ?',
        ),
        insert: db.prepare<[string, string, string, string]>(
          'INSERT INTO gateway_user_identities (issuer, subject, raw_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        ),
        deleteByRawId: db.prepare<[string]>('DELETE FROM gateway_user_identities WHERE raw_id = ?'),
      };
    },
    async get(key: UserKey) {
      const row = prepared().get.get(key.issuer, key.subject);
      return row === undefined ? undefined : toMapping(row);
    },
    findOrCreate(key, create, discard): Promise<FindOrCreateResult> {
      // Known users (every call but the first) need no lock.
      const known = prepared().get.get(key.issuer, key.subject);
      if (known !== undefined) return Promise.resolve({ rawId: known.raw_id, created: false });
      return mutex.run(mutexKey(key), async () => {
        const s = prepared();
        const existing = s.get.get(key.issuer, key.subject);
        if (existing !== undefined) return { rawId: existing.raw_id, created: false };
        const rawId = await create();
        const inserted =
          s.insert.run(key.issuer, key.subject, rawId, new Date(now()).toISOString()).changes === 1;
        if (inserted) return { rawId, created: true };
        // Another process sharing the file won the race: keep its identity, remove ours.
        const winner = s.get.get(key.issuer, key.subject);
        await discard(rawId);
        if (winner === undefined) throw new Error('The mapping row vanished while it was being created.');
        return { rawId: winner.raw_id, created: false };
      });
    },
    async deleteByRawId(rawId) {
      return prepared().deleteByRawId.run(rawId).changes;
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
