import { isAcsIdentityError } from '@acs-identity/core';
import { GatewayError, toGatewayError } from './errors.js';
import { redactText } from './logger.js';
import type { NormalizedOptions } from './settings.js';
import type { MappingStore } from './store.js';

/** Creates the configured store; each kind is loaded only when used, so a PostgreSQL gateway never loads SQLite. */
async function createStore(settings: Pick<NormalizedOptions, 'store' | 'now'>): Promise<MappingStore> {
  const { store: where, now } = settings;
  return where.kind === 'postgres'
    ? (await import('./store-postgres.js')).createPostgresStore(where.url, where.schema, now)
    : (await import('./store-sqlite.js')).createSqliteStore(where.file, now);
}

/**
 * Opens and initialises the configured mapping store. Throws `UPSTREAM_UNAVAILABLE` saying which store failed (never
 * its password).
 */
export async function openStore(settings: Pick<NormalizedOptions, 'store' | 'now'>): Promise<MappingStore> {
  let store: MappingStore | undefined;
  try {
    store = await createStore(settings);
    await store.init();
    return store;
  } catch (e) {
    await store?.close().catch(() => {});
    // A data folder or store file that is another user's or a symbolic link: the operator's setting, in core's words.
    if (isAcsIdentityError(e) && e.code === 'INVALID_OPTIONS') throw toGatewayError(e);
    const where = settings.store;
    const name =
      where.kind === 'postgres'
        ? 'PostgreSQL (GATEWAY_DATABASE_URL)'
        : `SQLite at ${where.file} (ACS_IDENTITY_DATA_DIR)`;
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `The mapping store in ${name} could not be opened: ${redactText((e as Error).message)}`,
      { cause: e },
    );
  }
}
