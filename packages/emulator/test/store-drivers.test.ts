// Each store loads only its own driver: an emulator on PostgreSQL never loads better-sqlite3 (neither its JavaScript
// nor its native addon), one on SQLite never loads pg. Checked in a fresh child process that runs the built package.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, PACKAGE_DIR, tempDir, testDatabaseUrl, uniqueSchema } from './support.js';

const run = promisify(execFile);
const url = testDatabaseUrl();

/** Starts and stops an emulator in a child process; reports which driver modules and native addons it loaded. */
async function loadedDrivers(
  options: Record<string, unknown>,
): Promise<{ modules: string[]; addons: string[] }> {
  const script = `
    import { createRequire } from 'node:module';
    const { startEmulator } = await import('@acs-identity/emulator');
    const emulator = await startEmulator(JSON.parse(process.argv[1]));
    const res = await fetch(emulator.info.endpoint + 'emulator/health');
    if (res.status !== 200) throw new Error('health answered ' + res.status);
    await emulator.close();
    const cache = Object.keys(createRequire(import.meta.url).cache);
    const drivers = /[\\\\/]node_modules[\\\\/](better-sqlite3|pg)[\\\\/]/;
    const modules = [...new Set(cache.map((f) => drivers.exec(f)?.[1]).filter(Boolean))].sort();
    const addons = process.report.getReport().sharedObjects.filter((f) => /[\\/]better-sqlite3[\\/]/.test(f));
    console.log(JSON.stringify({ modules, addons }));`;
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify({ port: 0, tls: false, logger: false, ...options })],
    { cwd: PACKAGE_DIR },
  );
  return JSON.parse(stdout) as { modules: string[]; addons: string[] };
}

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => d.remove()));
});

describe('store drivers', () => {
  it('an emulator on SQLite loads better-sqlite3 and its addon, and not pg', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const loaded = await loadedDrivers({ dataDir: dir.path });
    expect(loaded.modules).toEqual(['better-sqlite3']);
    expect(loaded.addons).toHaveLength(1);
  });

  it.runIf(url)('an emulator on PostgreSQL loads pg, and neither better-sqlite3 nor its addon', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const databaseSchema = uniqueSchema('drivers');
    try {
      const loaded = await loadedDrivers({ dataDir: dir.path, databaseUrl: url, databaseSchema });
      expect(loaded).toEqual({ modules: ['pg'], addons: [] });
    } finally {
      await dropSchema(url ?? '', databaseSchema);
    }
  });
});
