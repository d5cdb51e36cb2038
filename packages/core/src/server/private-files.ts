/**
 * Files that hold a key, a token or an identity map are for their owner only: folders 0700, files 0600, whoever made
 * them first (another program, an older version, a `mkdir` with the usual umask). Folders and files made here get those
 * modes at once; existing ones are narrowed. A path that is looser and that this process may not change (another
 * user's) is refused with `INVALID_OPTIONS`, naming the path and what to do.
 *
 * Node only.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  statSync,
} from 'node:fs';
import { AcsIdentityError } from '../errors.js';

/** The mode of folders that hold secrets. */
export const PRIVATE_DIR_MODE = 0o700;
/** The mode of files that hold secrets. */
export const PRIVATE_FILE_MODE = 0o600;

function cannotNarrow(path: string, current: number, mode: number, cause: unknown): AcsIdentityError {
  return new AcsIdentityError(
    'INVALID_OPTIONS',
    `${path} is open to other users (mode ${current.toString(8)}) and this process cannot change that (it belongs to another user). Make it ${mode.toString(8)} (chmod ${mode.toString(8)} ${path}) as its owner, or choose another data folder.`,
    { cause, target: path },
  );
}

function symbolicLink(path: string): AcsIdentityError {
  return new AcsIdentityError(
    'INVALID_OPTIONS',
    `${path} is a symbolic link; secrets are kept in regular files only (whoever made the link chooses where they go). Remove it, or choose another data folder.`,
    { target: path },
  );
}

/** Narrows the folder `path` (a link to a folder is followed) to `mode`; throws when this process may not. */
function narrowDir(path: string, mode: number): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    throw cannotNarrow(path, current, mode, e);
  }
}

/** Narrows the open file `fd` (at `path`) to `mode`; throws when this process may not. */
function narrowFd(fd: number, path: string, mode: number): void {
  const current = fstatSync(fd).mode & 0o777;
  if ((current & ~mode) === 0) return;
  try {
    fchmodSync(fd, mode);
  } catch (e) {
    throw cannotNarrow(path, current, mode, e);
  }
}

/** Opens `path` without following a symbolic link (creating it with `mode` when `create`), runs `fn`, closes it. */
function withFile(path: string, create: boolean, fn: (fd: number) => void): void {
  const flags =
    constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | (create ? constants.O_CREAT : 0);
  let fd: number;
  try {
    fd = openSync(path, flags, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw symbolicLink(path);
    throw e;
  }
  try {
    fn(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes `dir` (and its missing parents, 0700) and narrows it to 0700 (a link to a folder is followed). */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  narrowDir(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates `file` empty with mode 0600 when it is missing, and narrows an existing one to 0600. A symbolic link is
 * refused (`INVALID_OPTIONS`), never followed.
 */
export function privateFile(file: string): void {
  withFile(file, true, (fd) => narrowFd(fd, file, PRIVATE_FILE_MODE));
}

/** Narrows `file` to 0600 when it exists; a symbolic link is refused (`INVALID_OPTIONS`). */
export function narrowIfPresent(file: string): void {
  try {
    if (lstatSync(file).isSymbolicLink()) throw symbolicLink(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  withFile(file, false, (fd) => narrowFd(fd, file, PRIVATE_FILE_MODE));
}
