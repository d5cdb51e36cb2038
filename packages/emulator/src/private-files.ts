/**
 * The data folder's secrets are for their owner only: the folders 0700, the files that hold a key, a token or a
 * connection string 0600, also when another process made the folder first (core's `privateDir`/`privateFile`). A path
 * that is open to others and that this process cannot narrow stops the start with `INVALID_OPTIONS`, saying what to do.
 */
import { narrowIfPresent, privateDir, privateFile } from '@acs-identity/core/server';
import { toEmulatorError } from './errors.js';

function ours<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toEmulatorError(e);
  }
}

/** Makes `dir` (0700) or narrows it to 0700. */
export function ownerOnlyDir(dir: string): void {
  ours(() => privateDir(dir));
}

/** Creates `file` empty (0600) when it is missing, else narrows it to 0600. */
export function ownerOnlyFile(file: string): void {
  ours(() => privateFile(file));
}

/** Narrows each of `files` that exists to 0600. */
export function narrowFiles(...files: string[]): void {
  ours(() => {
    for (const file of files) narrowIfPresent(file);
  });
}
