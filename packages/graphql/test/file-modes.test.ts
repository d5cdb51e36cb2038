// The files the gateway writes that hold a key or an identity map (the SQLite mapping store with its -wal and -shm, the
// development signing key) are readable by their owner only, and so is their folder, even when another process made
// the folder first with the usual 0755.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/index.js';
import { dataOf, graphql } from './helpers.js';

let emulator: RunningEmulator;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'acs-gateway-modes-'));
  emulator = await startEmulator({
    port: 0,
    dataDir: join(root, 'emulator'),
    logger: false,
    rateLimits: false,
  });
});

afterAll(async () => {
  await emulator?.close();
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** A folder made by "another process": 0755 whatever this process's umask. */
function openFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

async function writeThrough(dataDir: string): Promise<Gateway> {
  const gateway = await createGateway({
    env: {},
    dev: true,
    dataDir,
    connectionString: emulator.info.connectionString,
    caCertFile: emulator.info.caCertFile ?? '',
    logSink: () => {},
  });
  const signIn = await gateway.fetch('http://gateway.test/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice' }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const issued = await graphql(
    (u, i) => gateway.fetch(u, i),
    'http://gateway.test/',
    'mutation { issueMyToken(scopes: [CHAT]) { token } }',
    { auth: token },
  );
  dataOf(issued, 'issueMyToken');
  return gateway;
}

describe('files the gateway writes', () => {
  it('are 0600 in a 0700 folder when another process made the folder 0755 first', async () => {
    const dataDir = openFolder('made-by-another');
    const gateway = await writeThrough(dataDir);
    try {
      expect({
        folder: modeOf(dataDir),
        store: modeOf(join(dataDir, 'gateway.db')),
        wal: modeOf(join(dataDir, 'gateway.db-wal')),
        shm: modeOf(join(dataDir, 'gateway.db-shm')),
        devKey: modeOf(join(dataDir, 'gateway-dev-key.json')),
      }).toEqual({ folder: '700', store: '600', wal: '600', shm: '600', devKey: '600' });
    } finally {
      await gateway.close();
    }
  });

  it('are made 0600 again when they were left readable by others', async () => {
    const dataDir = openFolder('left-open');
    const first = await writeThrough(dataDir);
    await first.close();
    const files = ['gateway.db', 'gateway.db-wal', 'gateway.db-shm', 'gateway-dev-key.json']
      .map((name) => join(dataDir, name))
      .filter((file) => {
        try {
          statSync(file);
          return true;
        } catch {
          return false;
        }
      });
    for (const file of files) chmodSync(file, 0o644);
    writeFileSync(join(dataDir, 'gateway.db-wal'), '', { flag: 'a', mode: 0o644 });
    chmodSync(join(dataDir, 'gateway.db-wal'), 0o644);
    chmodSync(dataDir, 0o755);
    const second = await writeThrough(dataDir);
    try {
      expect([modeOf(dataDir), ...files.map(modeOf)]).toEqual(['700', ...files.map(() => '600')]);
      expect(modeOf(join(dataDir, 'gateway.db-wal'))).toBe('600');
    } finally {
      await second.close();
    }
  });

  it('refuses a symbolic link in place of the mapping store, and leaves its target alone', async () => {
    const dataDir = openFolder('linked-store');
    const target = join(root, 'elsewhere.db');
    writeFileSync(target, 'not yours', { mode: 0o644 });
    chmodSync(target, 0o644);
    symlinkSync(target, join(dataDir, 'gateway.db'));
    const refused = await createGateway({
      env: {},
      dataDir,
      adminKeys: ['Xq3rT9vLk2mP8sWz5nB7yC4hJ6gF1dA0eR-uI_oK'],
      connectionString: emulator.info.connectionString,
      caCertFile: emulator.info.caCertFile ?? '',
      logSink: () => {},
    }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; field?: string; message?: string },
    );
    expect(refused?.code).toBe('INVALID_OPTIONS');
    expect(refused?.message).toContain('is a symbolic link');
    expect({ mode: modeOf(target), text: readFileSync(target, 'utf8') }).toEqual({
      mode: '644',
      text: 'not yours',
    });
  });
});
