/**
 * The data folder and the files an emulator keeps in it. A leaf (Node's path module and core's vocabulary only), so
 * `@acs-identity/emulator/discovery` stays light.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE } from '@acs-identity/core/vocabulary';

/** The SQLite database of the default store. */
export const SQLITE_FILE_NAME = 'emulator.sqlite';

/** The lock that makes one emulator own a data folder (see `lock.ts`). */
export const LOCK_FILE_NAME = 'emulator.lock';

/** Resolves a data folder the way every entry point does: relative to the current folder. */
export function resolveDataDir(dataDir: string = DEFAULT_DATA_DIR): string {
  return isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir);
}

/** `<dataDir>/emulator.json`. */
export function infoFilePath(dataDir: string): string {
  return join(resolveDataDir(dataDir), EMULATOR_INFO_FILE);
}
