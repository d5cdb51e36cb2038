// Builds the demo: the web app with Vite (src/client -> dist/client) and its Node server with tsc
// (src/server -> dist/node). `node build.mjs --dev` serves the app with Vite's dev server instead and forwards the
// API paths to a running demo server (`npm start`), at DEMO_API_URL (default http://127.0.0.1:3000).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('./src/client/', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/client/', import.meta.url));

/** @type {import('vite').InlineConfig} */
const config = {
  root,
  configFile: false,
  logLevel: 'warn',
  base: '/',
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // One small bundle; inline nothing so the page's Content-Security-Policy can stay strict.
    assetsInlineLimit: 0,
  },
};

if (process.argv.includes('--dev')) {
  const target = process.env.DEMO_API_URL ?? 'http://127.0.0.1:3000';
  const proxy = Object.fromEntries(
    ['/graphql', '/dev', '/healthz', '/readyz', '/emulator', '/demo'].map((path) => [path, { target }]),
  );
  const server = await createServer({
    ...config,
    logLevel: 'info',
    server: { host: '127.0.0.1', port: Number(process.env.DEMO_DEV_PORT ?? 5173), proxy },
  });
  await server.listen();
  server.printUrls();
  console.log(`  API paths forwarded to ${target} (start the stack with npm start at the repository root).`);
} else {
  rmSync(new URL('./dist/', import.meta.url), { recursive: true, force: true });
  await build(config);
  // `tsc` is on PATH under `npm run` (node_modules/.bin).
  const tsc = spawnSync('tsc', ['-p', 'tsconfig.server.json'], {
    cwd: here,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
