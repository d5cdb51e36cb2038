import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, isEmulatorError, startEmulator } from '../src/index.js';
import { tempDir } from './support.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.remove();
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (!isEmulatorError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a failure');
}

describe('starting the emulator', () => {
  it('refuses invalid options before touching anything', async () => {
    expect(await failure(createEmulator({ dataDir: dir.path, port: -1 }))).toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });

  it('says which port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const e = await failure(startEmulator({ dataDir: dir.path, port, logger: false }));
      expect(e.code).toBe('PORT_IN_USE');
      expect(e.message).toContain(`Port ${port} on 127.0.0.1 is in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports an unreachable PostgreSQL without echoing its password', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const e = await failure(
      createEmulator({
        dataDir: dir.path,
        databaseUrl: `postgres://acs:hunter2secret@127.0.0.1:${port}/acs`,
        logger: false,
      }),
    );
    expect(e.code).toBe('STORAGE_FAILED');
    expect(e.message).toContain('acs:***@127.0.0.1');
    expect(e.message).not.toContain('hunter2secret');
  });
});
