import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export const SQLITE_FILE_NAME = 'emulator.sqlite';

/** Opens the configured store: PostgreSQL when `databaseUrl` is set, else SQLite in the data folder. */
export async function openStore(o: {
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string;
}): Promise<Store> {
  if (o.databaseUrl !== undefined) {
    const { PostgresStore } = await import('./postgres-store.js');
    return PostgresStore.connect(o.databaseUrl, o.databaseSchema);
  }
  return new SqliteStore(join(o.dataDir, SQLITE_FILE_NAME));
}
