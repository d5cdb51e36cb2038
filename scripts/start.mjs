#!/usr/bin/env node
// `npm start`: the whole local stack in one command. The program is apps/demo/src/start (TypeScript; its options,
// help and README table come from one option table there). This launcher only makes sure it is built: on a fresh
// clone it builds everything first (turbo, cached), then runs it, and the program builds again (a cache hit) unless
// --no-build. `npm start -- --help` lists the options.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROGRAM = resolve(ROOT, 'apps/demo/dist/node/start/main.js');

/** Builds every package (turbo, cached). Packages that fail are named; the rest starts. */
function build() {
  process.stdout.write('Building (turbo, cached)… ');
  const result = spawnSync(
    process.execPath,
    [
      resolve(ROOT, 'node_modules/turbo/bin/turbo'),
      'run',
      'build',
      '--continue',
      '--output-logs=errors-only',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    },
  );
  if (result.status === 0) {
    process.stdout.write('done.\n');
    return;
  }
  process.stdout.write('some packages failed to build; starting what is built.\n');
  const failed = new Set(`${result.stdout}${result.stderr}`.match(/@acs-identity\/[\w-]+(?=#build)/g) ?? []);
  if (failed.size > 0)
    console.warn(`  Failed to build: ${[...failed].join(', ')} (run npm run build to see why).`);
}

let built = false;
if (!existsSync(PROGRAM)) {
  build();
  built = true;
  if (!existsSync(PROGRAM)) {
    console.error(
      'npm start: apps/demo did not build, so there is nothing to start. Run npm run build to see why.',
    );
    process.exit(1);
  }
}
const { main } = await import(pathToFileURL(PROGRAM).href);
const code = await main(process.argv.slice(2), { root: ROOT, build: built ? () => {} : build });
if (code !== undefined) process.exitCode = code;
