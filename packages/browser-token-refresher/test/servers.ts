/**
 * Servers for the browser tests: a static server for the test page and dist/, and the real gateway in front of the
 * real emulator. All listen on port 0.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Serves /dist/* and /test/page/* of this package. */
export async function startStaticServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/dist/') && !path.startsWith('/test/page/')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(packageRoot, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const port = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, close: () => close(server) };
}

/** What a browser test needs from the gateway. */
export interface TestGateway {
  /** The GraphQL endpoint. */
  url: string;
  /** The page's `auth` parameter for a signed-in end user (`dev:<user>`: the development sign-in). */
  appToken: string;
  /** The emulator's verdict on an ACS token (its documented verification endpoint). */
  verify(token: string): Promise<{ valid: boolean; reason?: string }>;
  /** How many token requests reached the gateway (whatever the answer). */
  requests(): number;
  stop(): Promise<void>;
  /** Starts again on the same port (no-op when running). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real thing: the acs-identity emulator (HTTPS, its own CA) and the gateway in development mode in front of it,
 * in temporary folders. `stop()` closes the gateway; `start()` starts a new one on the same port and data folder
 * (so the user keeps their ACS identity; development sign-ins from before are void, as after any restart).
 */
export async function startRealGateway(): Promise<TestGateway> {
  const { startEmulator } = await import('@acs-identity/emulator');
  const { startGateway } = await import('@acs-identity/graphql');
  const dir = await mkdtemp(join(tmpdir(), 'acs-refresher-'));
  const emulator = await startEmulator({ port: 0, dataDir: join(dir, 'emulator'), logger: false });
  let count = 0;
  const options = {
    env: {},
    dev: true,
    port: 0,
    host: '127.0.0.1',
    dataDir: join(dir, 'gateway'),
    connectionString: emulator.info.connectionString,
    ...(emulator.info.caCertFile === undefined ? {} : { caCertFile: emulator.info.caCertFile }),
    logLevel: 'info' as const,
    logSink: (entry: { msg: string; method?: unknown; path?: unknown }) => {
      if (entry.msg === 'request' && entry.method === 'POST' && entry.path === '/graphql') count++;
    },
  };
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined = await startGateway(options);
  const port = gateway.port;
  const stop = async () => {
    await gateway?.close();
    gateway = undefined;
  };
  return {
    url: gateway.graphqlUrl,
    appToken: 'dev:alice',
    requests: () => count,
    verify: (token) => verifyAtEmulator(emulator.info.endpoint, emulator.info.caCertFile, token),
    stop,
    async start() {
      gateway ??= await startGateway({ ...options, port });
    },
    async close() {
      await stop();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function verifyAtEmulator(
  endpoint: string,
  caCertFile: string | undefined,
  token: string,
): Promise<{ valid: boolean; reason?: string }> {
  const ca = caCertFile === undefined ? undefined : await readFile(caCertFile);
  const body = JSON.stringify({ token });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL('emulator/verify-token', endpoint),
      { method: 'POST', headers: { 'content-type': 'application/json' }, ...(ca ? { ca } : {}) },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
