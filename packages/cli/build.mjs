// Bundles the CLI for a fast start: one ESM file for the parser (yargs included) plus one chunk per command, loaded
// only when that command runs. The Azure SDKs, core, the emulator and the gateway stay external (and lazy).
// `npm run build` runs it after tsc; `node build.mjs --watch` (npm run dev) rebuilds on change.
import { build, context } from 'esbuild';

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minifySyntax: true,
  minifyWhitespace: true,
  external: ['@acs-identity/*', '@azure/*', 'jmespath', 'yaml'],
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  const ctx = await context({ ...options, logLevel: 'info' });
  await ctx.watch();
} else {
  await build(options);
}
