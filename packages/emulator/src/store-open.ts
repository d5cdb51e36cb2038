import { join } from 'node:path';
import { SQLITE_FILE_NAME } from './data-dir.js';
import type { Store } from './store.js';

/**
 * Opens the configured store: PostgreSQL when `databaseUrl` is set, else SQLite in the data folder. Each driver is
 * loaded only when it is used, so an emulator on PostgreSQL never loads better-sqlite3 (and one on SQLite never `pg`).
 */
export async function openStore(o: {
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string;
}): Promise<Store> {
  if (o.databaseUrl !== undefined) {
    const { createPostgresStore } = await import('./store-postgres.js');
    return createPostgresStore(o.databaseUrl, o.databaseSchema);
  }
  const { createSqliteStore } = await import('./store-sqlite.js');
  return createSqliteStore(join(o.dataDir, SQLITE_FILE_NAME));
}
