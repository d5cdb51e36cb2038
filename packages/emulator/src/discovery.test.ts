import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('the @acs-identity/emulator/discovery entry', () => {
  it('reads emulator.json without loading SQLite or the Azure SDK', () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "const { readEmulatorInfo } = await import('@acs-identity/emulator/discovery');",
      "if (typeof readEmulatorInfo !== 'function') throw new Error('no readEmulatorInfo');",
      'console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const loaded = JSON.parse(child.stdout) as string[];
    expect(loaded.filter((file) => /better-sqlite3|[\\/]pg[\\/]|@azure/.test(file))).toEqual([]);
  });
});
