import { createSeed } from './keyring.js';
import { normalizeOptions } from './options.js';
import type { Store } from './store.js';
import { openStore } from './store-open.js';

/** Where an emulator keeps its state, for the functions that work on it without a running emulator. */
export interface EmulatorStateOptions {
  /** @default '.acs-identity' */
  dataDir?: string;
  /** @default undefined (SQLite in dataDir) */
  databaseUrl?: string;
  /** @default 'acs_emulator' */
  databaseSchema?: string;
  /** The clock in epoch milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * Opens the emulator state of `options` (seeding it when it is new), runs `fn` on it with the clock's time and the
 * resolved data folder, and closes it again. Works while an emulator runs on the same state.
 */
export async function withState<T>(
  options: EmulatorStateOptions,
  fn: (store: Store, now: number, dataDir: string) => Promise<T>,
): Promise<T> {
  const o = normalizeOptions({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    ...(options.databaseSchema === undefined ? {} : { databaseSchema: options.databaseSchema }),
    ...(options.now === undefined ? {} : { now: options.now }),
    logger: false,
  });
  const store = await openStore(o);
  try {
    await store.initialize(() => createSeed(o.now()));
    return await fn(store, o.now(), o.dataDir);
  } finally {
    await store.close();
  }
}
