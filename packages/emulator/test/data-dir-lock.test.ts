// One emulator per data folder (issue 18, item 6): a second emulator on a folder in use is refused with
// DATA_DIR_IN_USE naming the first, in one process, across processes and in cluster mode; a lock left by a killed
// emulator is taken over.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isEmulatorError, readEmulatorInfo, startEmulator, startEmulatorCluster } from '../src/index.js';
import { MAIN_JS, rawRequest, spawnEmulator, tempDir } from './support.js';

const folders: Awaited<ReturnType<typeof tempDir>>[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(folders.splice(0).map((f) => f.remove()));
});

async function folder(): Promise<string> {
  const dir = await tempDir('acs-emulator-lock-');
  folders.push(dir);
  return dir.path;
}

/** Runs the bin to its end: exit code and what it wrote to stderr. */
function runToExit(dataDir: string, args: string[] = []): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN_JS, '--port', '0', '--data-dir', dataDir, '--no-rate-limits', '--log', 'none', ...args],
      (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
    );
    children.push(child);
  });
}

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

/** Writes the lock of an emulator of this machine that has exited (its pid is dead); returns what it wrote. */
async function writeStaleLock(dataDir: string) {
  const stale = {
    pid: await deadPid(),
    hostname: hostname(),
    nonce: 'stale',
    startedAt: new Date().toISOString(),
  };
  await writeFile(join(dataDir, 'emulator.lock'), JSON.stringify(stale));
  return stale;
}

async function healthy(info: { endpoint: string; connectionString: string }, ca: string): Promise<boolean> {
  const res = await rawRequest({ info, ca }, 'GET', '/emulator/health', {});
  return res.status === 200;
}

describe('one emulator per data folder', () => {
  it('refuses a second emulator process on a folder in use, naming the first, and leaves the first untouched', async () => {
    const dataDir = await folder();
    const first = await spawnEmulator(dataDir);
    children.push(first.child);
    const second = await runToExit(dataDir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `The data folder ${dataDir} is in use by the emulator at ${first.info.endpoint} (pid ${first.child.pid}).`,
    );
    expect(second.stderr).toMatch(
      /stop it first .*or start this one with another data folder \(--data-dir\)/,
    );
    expect(readEmulatorInfo(dataDir)).toEqual(first.info);
    expect(await healthy(first.info, first.ca)).toBe(true);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dataDir, 'emulator.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'emulator.lock'))).toBe(false);
  });

  it('takes over the folder of an emulator that was killed (its lock is stale)', async () => {
    const dataDir = await folder();
    const killed = await spawnEmulator(dataDir);
    children.push(killed.child);
    expect(await killed.stop('SIGKILL')).toBe('SIGKILL');
    expect(existsSync(join(dataDir, 'emulator.lock'))).toBe(true);
    const next = await spawnEmulator(dataDir);
    children.push(next.child);
    expect(readEmulatorInfo(dataDir)?.pid).toBe(next.child.pid);
    expect(await healthy(next.info, next.ca)).toBe(true);
    expect(await next.stop('SIGTERM')).toBe(0);
  });

  it('lets exactly one of two emulators starting at once over a stale lock have the folder', async () => {
    const dataDir = await folder();
    await writeStaleLock(dataDir);
    const starts = [0, 1].map(() => {
      const child = spawn(
        process.execPath,
        [MAIN_JS, '--port', '0', '--data-dir', dataDir, '--no-rate-limits', '--log', 'none'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      return new Promise<string>((resolve) => {
        child.stdout.on('data', (c: Buffer) => {
          if (c.toString().includes('"msg":"listening"')) resolve('listening');
        });
        child.once('exit', () => resolve(stderr.includes('is in use by') ? 'refused' : `exited: ${stderr}`));
      });
    });
    expect((await Promise.all(starts)).sort()).toEqual(['listening', 'refused']);
  });

  it('takes over a lock whose pid now belongs to another program (the emulator does not answer there)', async () => {
    const dataDir = await folder();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(other);
    const lock = {
      pid: other.pid,
      hostname: hostname(),
      nonce: 'reused',
      startedAt: new Date().toISOString(),
      endpoint: 'https://127.0.0.1:1/',
    };
    await writeFile(join(dataDir, 'emulator.lock'), JSON.stringify(lock));
    const emulator = await spawnEmulator(dataDir);
    children.push(emulator.child);
    expect(JSON.parse(await readFile(join(dataDir, 'emulator.lock'), 'utf8'))).toMatchObject({
      pid: emulator.child.pid,
      endpoint: emulator.info.endpoint,
    });
    expect(await emulator.stop('SIGTERM')).toBe(0);
  });

  it('takes over a stale lock whose takeover another machine abandoned', async () => {
    const dataDir = await folder();
    const stale = await writeStaleLock(dataDir);
    const takeover = join(dataDir, 'emulator.lock.takeover');
    await writeFile(
      takeover,
      JSON.stringify({ ...stale, hostname: 'elsewhere', nonce: 'abandoned', pid: 1 }),
    );
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(takeover, minuteAgo, minuteAgo);
    const emulator = await startEmulator({ port: 0, dataDir, logger: false });
    expect(existsSync(takeover)).toBe(false);
    await emulator.close();
  });

  it('refuses a second emulator in the same process with DATA_DIR_IN_USE, and frees the folder on close', async () => {
    const dataDir = await folder();
    const first = await startEmulator({ port: 0, dataDir, logger: false });
    const error = await startEmulator({ port: 0, dataDir, logger: false }).catch((e: unknown) => e);
    expect(isEmulatorError(error) && error.code).toBe('DATA_DIR_IN_USE');
    expect(isEmulatorError(error) && error.inUseBy).toEqual({
      pid: process.pid,
      endpoint: first.info.endpoint,
    });
    expect(readEmulatorInfo(dataDir)?.endpoint).toBe(first.info.endpoint);
    await first.close();
    const again = await startEmulator({ port: 0, dataDir, logger: false });
    await again.close();
  });

  it('holds the folder in cluster mode too: a single emulator and a cluster refuse each other', async () => {
    const dataDir = await folder();
    const clustered = await spawnEmulator(dataDir, ['--workers', '2']);
    children.push(clustered.child);
    const single = await runToExit(dataDir);
    expect(single.code).toBe(1);
    expect(single.stderr).toContain(
      `is in use by the emulator at ${clustered.info.endpoint} (pid ${clustered.child.pid})`,
    );
    expect(await clustered.stop('SIGTERM')).toBe(0);

    const alone = await spawnEmulator(dataDir);
    children.push(alone.child);
    const error = await startEmulatorCluster({
      workers: 2,
      port: 0,
      dataDir,
      logger: false,
      handleSignals: false,
    }).catch((e: unknown) => e);
    expect(isEmulatorError(error) && error.code).toBe('DATA_DIR_IN_USE');
    expect(isEmulatorError(error) && error.inUseBy).toEqual({
      pid: alone.child.pid,
      endpoint: alone.info.endpoint,
    });
    expect(readEmulatorInfo(dataDir)?.pid).toBe(alone.child.pid);
    expect(await alone.stop('SIGTERM')).toBe(0);
  });
});
