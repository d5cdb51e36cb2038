import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmulatorInfo } from './discovery.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acs-emulator-info-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const info = (pid: number) => ({
  endpoint: 'https://127.0.0.1:1/',
  connectionString: 'endpoint=https://127.0.0.1:1/;accesskey=a2V5',
  dataDir: dir,
  resourceId: 'r',
  pid,
});

describe('readEmulatorInfo', () => {
  it('returns undefined when there is no emulator.json or it is not valid', async () => {
    expect(readEmulatorInfo(dir)).toBeUndefined();
    await writeFile(join(dir, 'emulator.json'), '{not json');
    expect(readEmulatorInfo(dir)).toBeUndefined();
  });

  it('returns the info of a live process and undefined once that process is gone', async () => {
    await writeFile(join(dir, 'emulator.json'), JSON.stringify(info(process.pid)));
    expect(readEmulatorInfo(dir)).toMatchObject({ resourceId: 'r' });
    await writeFile(join(dir, 'emulator.json'), JSON.stringify(info(2 ** 22 + 12345)));
    expect(readEmulatorInfo(dir)).toBeUndefined();
  });
});
