// Builds dist/index.js (one minified ESM file for browsers) with esbuild and dist/*.d.ts with tsc.
// `node build.mjs --watch` rebuilds the bundle on change.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const options = {
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  // Members named `_x` are internal (see src/refresher.ts): their names are shortened.
  mangleProps: /^_/,
  logLevel: 'warning',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching src/ for changes');
} else {
  rmSync('dist', { recursive: true, force: true });
  await esbuild.build(options);
  // `tsc` is on PATH under `npm run` (node_modules/.bin); TypeScript 7 exports no `bin/tsc` subpath.
  execFileSync('tsc', ['-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
  const code = readFileSync('dist/index.js');
  console.log(
    `dist/index.js: ${code.length} bytes minified, ${gzipSync(code, { level: 9 }).length} bytes gzipped`,
  );
}
