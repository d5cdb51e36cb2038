/** Writing the data folder's files so that a reader never sees half of one, also with several processes at once. */
import { randomBytes } from 'node:crypto';
import { chmod, link, rename, unlink, writeFile } from 'node:fs/promises';

/** A unique file name beside `path`, for writing before moving into place. */
function aside(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Replaces `path` with `content` atomically (written aside, then renamed over it). */
export async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const tmp = aside(path);
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/** Creates `path` with `content` only if it does not exist yet (first writer wins); `false` when it exists. */
export async function createExclusively(path: string, content: string, mode: number): Promise<boolean> {
  const tmp = aside(path);
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}
