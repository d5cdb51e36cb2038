import { join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, EMULATOR_INFO_FILE, ENV } from '@acs-identity/core/vocabulary';
import type { CliIo } from './context.js';

/** The data folder where a local emulator is looked for: ACS_IDENTITY_DATA_DIR, else `.acs-identity` here. */
export function localDataDir(io: Pick<CliIo, 'cwd' | 'env'>): string {
  return resolve(io.cwd, io.env[ENV.dataDir]?.trim() || DEFAULT_DATA_DIR);
}

/** The local emulator's info file in that folder. */
export function localInfoFile(io: Pick<CliIo, 'cwd' | 'env'>): string {
  return join(localDataDir(io), EMULATOR_INFO_FILE);
}
