import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { listen } from '@acs-identity/core/server';
import { DemoError, toDemoError } from '../errors.js';
import { createForwarder } from './forward.js';
import { sendError, sendJson } from './http.js';
import { type DemoServerOptions, normalizeOptions } from './options.js';
import { serveStatic } from './static-files.js';

/** What the browser reads from `/demo/config.json`. */
export interface DemoClientConfig {
  gateway: boolean;
  emulator: boolean;
  adminKey?: string;
  tokenLifetimeMinutes: number;
  demoUsers: readonly string[];
}

/** A demo server, built but not yet listening. */
export interface DemoServer {
  /** The Node request handler, for tests that want no port. */
  readonly handler: http.RequestListener;
  /** Starts listening; resolves with the URL to open (with a trailing slash). */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

const DEMO_USERS = ['alice', 'bob', 'carol'] as const;
const GATEWAY_PATHS = ['/graphql', '/dev/', '/healthz', '/readyz'];
const GATEWAY = { code: 'GATEWAY_UNREACHABLE', name: 'The gateway' };
const EMULATOR = { code: 'EMULATOR_UNREACHABLE', name: 'The emulator' };

async function assertBuilt(staticDir: string): Promise<void> {
  try {
    await stat(join(staticDir, 'index.html'));
  } catch (cause) {
    throw new DemoError(
      'NOT_BUILT',
      `The demo app is not built (no index.html in ${staticDir}). Run npm run build first.`,
      { cause },
    );
  }
}

/** Builds the demo's web server: the built app, `/demo/*` helpers, and forwarding to the gateway and emulator. */
export async function createDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const o = normalizeOptions(options);
  const ca = o.caCertFile === undefined ? undefined : await readFile(o.caCertFile, 'utf8');
  await assertBuilt(o.staticDir);
  const upstreams = createForwarder(ca);
  const config: DemoClientConfig = {
    gateway: o.gatewayUrl !== undefined,
    emulator: o.emulatorEndpoint !== undefined,
    tokenLifetimeMinutes: o.tokenLifetimeMinutes,
    demoUsers: DEMO_USERS,
    ...(o.adminKey === undefined ? {} : { adminKey: o.adminKey }),
  };

  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const path = url.pathname;
    const below = (base: URL) => new URL(path.slice(1) + url.search, base);
    if (GATEWAY_PATHS.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)))) {
      if (o.gatewayUrl === undefined) {
        sendError(res, 503, 'GATEWAY_MISSING', 'No gateway is configured for this demo server.');
      } else upstreams.forward(req, res, below(o.gatewayUrl), GATEWAY);
    } else if (path.startsWith('/emulator/')) {
      if (o.emulatorEndpoint === undefined) {
        sendError(res, 503, 'EMULATOR_MISSING', 'No emulator is configured for this demo server.');
      } else upstreams.forward(req, res, below(o.emulatorEndpoint), EMULATOR);
    } else if (path === '/demo/config.json') {
      sendJson(res, 200, config);
    } else if (path === '/demo/status') {
      void Promise.all([
        upstreams.probe(o.gatewayUrl, 'healthz'),
        upstreams.probe(o.emulatorEndpoint, ''),
      ]).then(([gateway, emulator]) => sendJson(res, 200, { gateway, emulator }));
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here.`);
    } else {
      serveStatic(o.staticDir, path, res, req.method === 'HEAD').catch((e: unknown) => {
        sendError(res, 500, toDemoError(e).code, 'The demo server could not read the app files.');
      });
    }
  };

  const server = http.createServer(handler);
  let listening = false;
  return {
    handler,
    async listen() {
      const { port } = await listen(server, { port: o.port, host: o.host, name: 'the demo' }).catch(
        (e: unknown) => {
          throw toDemoError(e);
        },
      );
      listening = true;
      // A wildcard address is not one to browse to: name the loopback one instead.
      const reachable = o.host === '0.0.0.0' ? '127.0.0.1' : o.host === '::' ? '::1' : o.host;
      const host = reachable.includes(':') ? `[${reachable}]` : reachable;
      return { url: `http://${host}:${port}/`, port };
    },
    close() {
      upstreams.close();
      if (!listening) return Promise.resolve();
      listening = false;
      return new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
