// Bundles the CLI for a fast start: a small entry (help, version and option-free command lines answered from the typed
// definition), the yargs parser as a chunk loaded only for command lines with options, and one chunk per command,
// loaded only when that command runs. Core and the Azure SDK it drives are bundled in (one file to compile instead of
// hundreds to resolve); the emulator, the gateway, @azure/identity (Entra sign-in) and the ARM client stay external
// and lazy.
// `npm run build` runs it after tsc; `node build.mjs --watch` (npm run dev) rebuilds on change.
import { rmSync } from 'node:fs';
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
  external: [
    '@acs-identity/emulator',
    '@acs-identity/graphql',
    '@azure/identity',
    '@azure/arm-communication',
    'jmespath',
    'yaml',
  ],
  // Bundled CommonJS code (the Azure SDK) calls require() for Node's built-ins; ESM has none, so give it one.
  banner: {
    js: "import { createRequire as __cjsRequire } from 'node:module'; const require = __cjsRequire(import.meta.url);",
  },
  // yargs' layout code measures text with string-width, whose start-up cost is larger than yargs'; see the module.
  alias: { 'string-width': './src/plain-width.ts' },
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  const ctx = await context({ ...options, logLevel: 'info' });
  await ctx.watch();
} else {
  // Chunk names carry content hashes: start empty so old chunks do not pile up.
  rmSync(options.outdir, { recursive: true, force: true });
  await build(options);
}
