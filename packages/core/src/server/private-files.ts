/**
 * Files that hold a key, a token or an identity map are for their owner only: folders 0700, files 0600, whoever made
 * them first (another program, an older version, a `mkdir` with the usual umask). Folders and files made here get those
 * modes at once; existing ones are narrowed. A path that is looser and that this process may not change (another
 * user's) is refused with `INVALID_OPTIONS`, naming the path and what to do.
 *
 * Node only.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { AcsIdentityError } from '../errors.js';

/** The mode of folders that hold secrets. */
export const PRIVATE_DIR_MODE = 0o700;
/** The mode of files that hold secrets. */
export const PRIVATE_FILE_MODE = 0o600;

/** Narrows `path` to `mode` when it allows more; throws `INVALID_OPTIONS` when this process may not. */
function narrow(path: string, mode: number): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    throw new AcsIdentityError(
      'INVALID_OPTIONS',
      `${path} is open to other users (mode ${current.toString(8)}) and this process cannot change that (it belongs to another user). Make it ${mode.toString(8)} (chmod ${mode.toString(8)} ${path}) as its owner, or choose another data folder.`,
      { cause: e, target: path },
    );
  }
}

/** Makes `dir` (and its missing parents, 0700) and narrows it to 0700. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  narrow(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty with mode 0600 when it is missing, and narrows an existing one to 0600. */
export function privateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  narrow(file, PRIVATE_FILE_MODE);
}

/** Narrows `file` to 0600 when it exists. */
export function narrowIfPresent(file: string): void {
  try {
    narrow(file, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
