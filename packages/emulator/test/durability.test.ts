import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../src/store.js';
import { createPostgresStore } from '../src/store-postgres.js';
import { createSqliteStore } from '../src/store-sqlite.js';
import { dropSchema, sdkClient, spawnEmulator, tempDir, testDatabaseUrl, uniqueSchema } from './support.js';

const url = testDatabaseUrl();

interface Acknowledged {
  created: string[];
  revoked: string[];
}

/** Writes from several concurrent loops until `stopAfter` creates were acknowledged, then kill -9 mid-writes. */
async function writeUntilKilled(args: string[], dataDir: string, stopAfter: number): Promise<Acknowledged> {
  const emu = await spawnEmulator(dataDir, args);
  const client = sdkClient(emu);
  const acked: Acknowledged = { created: [], revoked: [] };
  let killed = false;
  const loop = async () => {
    for (let i = 0; !killed; i++) {
      try {
        const user = await client.createUser();
        acked.created.push(user.communicationUserId);
        if (i % 2 === 0) {
          await client.revokeTokens(user);
          acked.revoked.push(user.communicationUserId);
        }
      } catch (e) {
        if (killed) return;
        throw e;
      }
      if (acked.created.length >= stopAfter && !killed) {
        killed = true;
        emu.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
  expect(await emu.stop()).toBe('SIGKILL');
  return acked;
}

async function expectAllPresent(store: Store, acked: Acknowledged): Promise<void> {
  try {
    for (const id of acked.created) expect(await store.getIdentity(id), id).toBeDefined();
    for (const id of acked.revoked)
      expect((await store.getIdentity(id))?.revokedBeforeSec, id).not.toBeNull();
  } finally {
    await store.close();
  }
}

describe('kill -9 of an emulator process in the middle of writes', () => {
  it('loses no acknowledged identity or revocation (SQLite)', async () => {
    const dir = await tempDir();
    try {
      const acked = await writeUntilKilled([], dir.path, 60);
      expect(acked.created.length).toBeGreaterThanOrEqual(60);
      await expectAllPresent(createSqliteStore(join(dir.path, 'emulator.sqlite')), acked);
      const again = await spawnEmulator(dir.path);
      try {
        const last = acked.created.at(-1) ?? '';
        await expect(
          sdkClient(again).getToken({ communicationUserId: last }, ['chat']),
        ).resolves.toMatchObject({
          token: expect.any(String),
        });
      } finally {
        await again.stop();
      }
    } finally {
      await dir.remove();
    }
  });

  it.runIf(url)('loses no acknowledged identity or revocation (PostgreSQL)', async () => {
    const databaseUrl = url ?? '';
    const schema = uniqueSchema('kill');
    const dir = await tempDir();
    try {
      const acked = await writeUntilKilled(
        ['--database-url', databaseUrl, '--database-schema', schema],
        dir.path,
        60,
      );
      await expectAllPresent(await createPostgresStore(databaseUrl, schema), acked);
    } finally {
      await dropSchema(databaseUrl, schema);
      await dir.remove();
    }
  });
});
