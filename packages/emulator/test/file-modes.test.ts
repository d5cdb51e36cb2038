// The emulator's data folder holds its secrets (access keys and signing keys in emulator.sqlite and its -wal and -shm,
// the CA key, the server key, the connection strings of emulator.json, the lock): every file that holds one is readable
// by its owner only (0600) and the folders are 0700, even when another process made the folder first with the usual
// 0755 (issue 17, finding 2). The CA certificate `tls/ca.pem` is public and stays 0644 (inside the 0700 folder).
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isEmulatorError, rotateAccessKey, startEmulator } from '../src/index.js';
import { MAIN_JS, sdkClient, tempDir } from './support.js';

let root: Awaited<ReturnType<typeof tempDir>>;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = await tempDir('acs-emulator-modes-');
  // Reachable by the other user of the last test (tempDir makes it 0700).
  chmodSync(root.path, 0o755);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(() => root.remove());

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** A folder made by "another process": 0755 whatever this process's umask. */
function openFolder(name: string, mode = 0o755): string {
  const dir = join(root.path, name);
  mkdirSync(dir, { recursive: true, mode });
  chmodSync(dir, mode);
  return dir;
}

/** Every file and folder below `dir` with its mode, e.g. `{ '.': '700', 'emulator.sqlite': '600', ... }`. */
function modesBelow(dir: string): Record<string, string> {
  const modes: Record<string, string> = { '.': modeOf(dir) };
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    modes[relative(dir, join(dir, entry))] = modeOf(join(dir, entry));
  }
  return modes;
}

const PRIVATE = {
  '.': '700',
  'emulator.sqlite': '600',
  'emulator.sqlite-wal': '600',
  'emulator.sqlite-shm': '600',
  'emulator.json': '600',
  'emulator.lock': '600',
  tls: '700',
  'tls/ca-key.pem': '600',
  'tls/server.pem': '600',
  'tls/ca.pem': '644',
};

async function started(dataDir: string) {
  const emulator = await startEmulator({ port: 0, dataDir, logger: false, rateLimits: false });
  closers.push(() => emulator.close());
  const { readFile } = await import('node:fs/promises');
  const ca = await readFile(emulator.info.caCertFile ?? '', 'utf8');
  return { emulator, client: sdkClient({ info: emulator.info, ca }) };
}

describe('the files in the data folder', () => {
  it('are 0600 in a 0700 folder when another process made the folder (and its tls folder) 0755 first', async () => {
    const dataDir = openFolder('made-by-another');
    openFolder('made-by-another/tls');
    const { emulator, client } = await started(dataDir);
    expect(modesBelow(dataDir)).toEqual(PRIVATE);
    // Writes append to the -wal, checkpoints and rotations rewrite files: still private afterwards.
    for (let i = 0; i < 5; i += 1) {
      const { user } = await client.createUserAndToken(['chat']);
      await client.revokeTokens(user);
      await client.deleteUser(user);
    }
    await emulator.rotateAccessKey('secondary');
    await rotateAccessKey({ dataDir }, 'primary');
    expect(modesBelow(dataDir)).toEqual(PRIVATE);
  });

  it('are made private again when an older emulator left them readable by others', async () => {
    const dataDir = openFolder('left-open');
    const first = await started(dataDir);
    await first.client.createUser();
    await closers.pop()?.();
    for (const [path] of Object.entries(modesBelow(dataDir))) {
      const full = join(dataDir, path);
      chmodSync(full, statSync(full).isDirectory() ? 0o755 : 0o644);
    }
    await started(dataDir);
    expect(modesBelow(dataDir)).toEqual(PRIVATE);
  });

  it('refuses a folder of another user that it cannot make private, saying what to do', async () => {
    // A folder of root's, open to everyone, and the emulator run as `nobody` (it drops to that user before loading the
    // bin), who may write there but not chmod it. As any other user: /tmp, root's and open to everyone (the emulator
    // stops before it writes anything).
    const asRoot = process.getuid?.() === 0;
    const dataDir = asRoot ? openFolder('another-users', 0o777) : '/tmp';
    const asNobody = 'data:text/javascript,process.setgid(65534);process.setuid(65534);';
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          ...(asRoot ? ['--import', asNobody] : []),
          MAIN_JS,
          '--port',
          '0',
          '--data-dir',
          dataDir,
          '--log',
          'none',
        ],
        { timeout: 10_000 }, // a start that is not refused runs until then
        (error, _stdout, err) => resolve({ code: error ? (error.code as number) : 0, stderr: err }),
      );
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${dataDir} is open to other users (mode 777) and this process cannot change that (it belongs to another user). Make it 700 (chmod 700 ${dataDir}) as its owner, or choose another data folder.`,
    );
    if (asRoot) expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a database file that is a symbolic link, leaving its target untouched', async () => {
    // Someone who could write the folder before it was narrowed points the database (the keys) at a file of theirs.
    const dataDir = openFolder('linked', 0o777);
    const target = join(root.path, 'attacker-owned.txt');
    writeFileSync(target, 'theirs', { mode: 0o666 });
    chmodSync(target, 0o666);
    symlinkSync(target, join(dataDir, 'emulator.sqlite'));
    const refused = await startEmulator({ port: 0, dataDir, logger: false }).catch((e: unknown) => e);
    expect(isEmulatorError(refused) && refused.code).toBe('INVALID_OPTIONS');
    expect((refused as Error).message).toBe(
      `${join(dataDir, 'emulator.sqlite')} is a symbolic link; secrets are kept in regular files only (whoever made the link chooses where they go). Remove it, or choose another data folder.`,
    );
    expect(modeOf(target)).toBe('666');
    expect(statSync(target).size).toBe(6);
  });
});
