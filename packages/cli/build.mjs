// Bundles the CLI for a fast start: a small entry (help, version and option-free command lines answered from the typed
// definition), the yargs parser as a chunk loaded only for command lines with options, and one chunk per command,
// loaded only when that command runs. Core and the Azure SDK it drives are bundled in (one file to compile instead of
// hundreds to resolve); the emulator, the gateway, @azure/identity (Entra sign-in) and the ARM client stay external
// and lazy, except the emulator's and the gateway's option tables (`@acs-identity/emulator/options`,
// `@acs-identity/graphql/options`), which help and the parser need: they are light leaves, bundled into the entry.
// `npm run build` runs it after tsc; `node build.mjs --watch` (npm run dev) rebuilds on change.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, context } from 'esbuild';

/**
 * esbuild puts a module shared by the entry and by lazily loaded modules into a chunk per set of importers, so the
 * entry's own modules (definitions, errors, vocabulary, ...) would be spread over half a dozen files, each one more
 * file to read and link at every start (about a millisecond each here). Every lazily loaded module of src/ (the yargs
 * parser, the checker, the commands) therefore also imports the entry's runtime (cli.ts): then the entry's modules
 * are all shared by the same importers and land in one chunk. At run time that import is already loaded: it costs
 * nothing.
 */
const LAZY = /[\\/]src[\\/](parser|check|commands[\\/][^\\/]+)\.ts$/;
const RUNTIME = fileURLToPath(new URL('src/cli.ts', import.meta.url));
/**
 * The emulator and the gateway stay external (loaded only by the commands that start them), but not their light
 * `/options` subpaths: an external subpath would make every start resolve and read core's separate files.
 * (esbuild's `external` would match the subpaths too, so this decides per import path.)
 */
const SERVER_PACKAGES = /^@acs-identity\/(emulator|graphql)(\/.*)?$/;
const serversExternal = {
  name: 'servers-external',
  setup(b) {
    b.onResolve({ filter: SERVER_PACKAGES }, (args) =>
      args.path.endsWith('/options') ? undefined : { path: args.path, external: true },
    );
  },
};

const oneEntryChunk = {
  name: 'one-entry-chunk',
  setup(b) {
    b.onLoad({ filter: LAZY }, async (args) => ({
      contents: `import ${JSON.stringify(RUNTIME)};\n${await readFile(args.path, 'utf8')}`,
      loader: 'ts',
    }));
  },
};

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
  external: ['@azure/identity', '@azure/arm-communication', 'jmespath', 'yaml'],
  // Bundled CommonJS code (the Azure SDK) calls require() for Node's built-ins; ESM has none, so give it one.
  banner: {
    js: "import { createRequire as __cjsRequire } from 'node:module'; const require = __cjsRequire(import.meta.url);",
  },
  // yargs' layout code measures text with string-width, whose start-up cost is larger than yargs'; see the module.
  alias: { 'string-width': './src/plain-width.ts' },
  plugins: [serversExternal, oneEntryChunk],
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
