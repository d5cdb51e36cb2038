import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Files that hold a key, a token or an identity map are for their owner only: folders 0700, files 0600, whoever made
 * them first (another program, an older version, a `mkdir` with the usual umask). Folders and files made here get those
 * modes at once; existing ones are narrowed. Throws when a path is looser and this process may not change it.
 */
function narrow(path: string, mode: number): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (e) {
    throw new Error(
      `${path} is readable by other users (mode ${current.toString(8)}) and this process cannot change that; make it ${mode.toString(8)} or choose another data folder.`,
      { cause: e },
    );
  }
}

/** Makes `dir` (and its missing parents, 0700) and narrows it to 0700. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  narrow(dir, 0o700);
}

/** Creates `file` empty with mode 0600 when it is missing, and narrows an existing one to 0600. */
export function privateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  narrow(file, 0o600);
}

/** Narrows `file` to 0600 when it exists. */
export function narrowIfPresent(file: string): void {
  try {
    narrow(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
