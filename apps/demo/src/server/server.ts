import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoError, toDemoError } from '../errors.js';

/** Options of {@link createDemoServer}. */
export interface DemoServerOptions {
  /**
   * The gateway's base URL, e.g. `http://127.0.0.1:4000/`. The server forwards `/graphql`, `/dev/*`, `/healthz` and
   * `/readyz` to it, so the browser talks to one origin and needs no CORS. Omit it when no gateway runs: those paths
   * then answer 503 and the demo shows that the gateway is missing.
   */
  gatewayUrl?: string;
  /**
   * The emulator's endpoint, e.g. `https://127.0.0.1:8443/`. The server forwards `/emulator/*` (the verification
   * endpoint and the JWKS) to it. Omit it when no emulator runs.
   */
  emulatorEndpoint?: string;
  /** A PEM file with the CA that signed the emulator's certificate (its `caCertFile`), trusted for forwarding. */
  caCertFile?: string;
  /**
   * A development admin key of the gateway, handed to the demo's admin view through `/demo/config.json`.
   * Only for a local development stack: anyone who can reach the demo can read it.
   */
  adminKey?: string;
  /** The token lifetime, in minutes, the demo asks the gateway for. @default 60 */
  tokenLifetimeMinutes?: number;
  /** The folder with the built web app. @default dist/client of this package */
  staticDir?: string;
  /** The interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The port to listen on; 0 picks a free one. @default 0 */
  port?: number;
}

interface NormalizedOptions {
  gatewayUrl: URL | undefined;
  emulatorEndpoint: URL | undefined;
  caCertFile: string | undefined;
  adminKey: string | undefined;
  tokenLifetimeMinutes: number;
  staticDir: string;
  host: string;
  port: number;
}

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

function parseBaseUrl(value: string | undefined, name: string): URL | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new DemoError(
      'INVALID_OPTIONS',
      `${name} is not a URL. Give a base URL such as http://127.0.0.1:4000/.`,
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DemoError('INVALID_OPTIONS', `${name} must be an http: or https: URL.`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Resolves defaults and validates options; throws a DemoError that says what to fix. */
export function normalizeOptions(options: DemoServerOptions = {}): NormalizedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new DemoError(
      'INVALID_OPTIONS',
      `port ${String(port)} is invalid. Use an integer from 0 to 65535.`,
    );
  }
  const lifetime = options.tokenLifetimeMinutes ?? 60;
  if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > 1440) {
    throw new DemoError(
      'INVALID_OPTIONS',
      `tokenLifetimeMinutes ${String(lifetime)} is invalid. Use an integer from 60 to 1440.`,
    );
  }
  return {
    gatewayUrl: parseBaseUrl(options.gatewayUrl, 'gatewayUrl'),
    emulatorEndpoint: parseBaseUrl(options.emulatorEndpoint, 'emulatorEndpoint'),
    caCertFile: options.caCertFile,
    adminKey: options.adminKey === '' ? undefined : options.adminKey,
    tokenLifetimeMinutes: lifetime,
    staticDir: resolve(options.staticDir ?? fileURLToPath(new URL('../../client/', import.meta.url))),
    host: options.host ?? '127.0.0.1',
    port,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
} as const;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // The browser's Origin is the demo's own origin; the gateway sees a server-to-server call from the demo.
  'origin',
]);

const GATEWAY_PATHS = ['/graphql', '/dev/', '/healthz', '/readyz'];

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...SECURITY_HEADERS,
  });
  res.end(text);
}

function unreachable(res: http.ServerResponse, code: string, what: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 502, { error: { code, message: `${what} is not answering. Is it running? Try npm start.` } });
}

/** Builds the demo's web server: the built app, `/demo/*` helpers, and forwarding to the gateway and emulator. */
export async function createDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const o = normalizeOptions(options);
  const ca = o.caCertFile === undefined ? undefined : await readFile(o.caCertFile, 'utf8');
  try {
    await stat(join(o.staticDir, 'index.html'));
  } catch (cause) {
    throw new DemoError(
      'NOT_BUILT',
      `The demo app is not built (no index.html in ${o.staticDir}). Run npm run build first.`,
      { cause },
    );
  }
  const agentHttp = new http.Agent({ keepAlive: true });
  const agentHttps = new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: URL,
    code: string,
    what: string,
  ) {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    const isHttps = target.protocol === 'https:';
    const upstream = (isHttps ? https : http).request(target, {
      method: req.method ?? 'GET',
      headers,
      agent: isHttps ? agentHttps : agentHttp,
      timeout: 30_000,
    });
    upstream.on('response', (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      }
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', () => unreachable(res, code, what));
    req.pipe(upstream);
  }

  function probe(url: URL | undefined, path: string): Promise<'up' | 'down' | 'absent'> {
    if (url === undefined) return Promise.resolve('absent');
    const target = new URL(path, url);
    const isHttps = target.protocol === 'https:';
    return new Promise((done) => {
      const r = (isHttps ? https : http).request(target, {
        method: 'GET',
        agent: isHttps ? agentHttps : agentHttp,
        timeout: 3000,
      });
      r.on('response', (up) => {
        up.resume();
        done(up.statusCode !== undefined && up.statusCode < 500 ? 'up' : 'down');
      });
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', () => done('down'));
      r.end();
    });
  }

  async function serveStatic(pathname: string, res: http.ServerResponse, head: boolean): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      sendJson(res, 400, { error: { code: 'BAD_PATH', message: 'The path is not valid URL encoding.' } });
      return;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    let file = join(o.staticDir, relative);
    if (file !== o.staticDir && !file.startsWith(o.staticDir + sep)) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
      return;
    }
    let isFile = false;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) {
      // Paths without an extension are app routes: serve the app. Missing assets are a plain 404.
      if (extname(relative) !== '') {
        sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
        return;
      }
      file = join(o.staticDir, 'index.html');
    }
    const body = await readFile(file);
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(head ? undefined : body);
  }

  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const path = url.pathname;
    if (GATEWAY_PATHS.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)))) {
      if (o.gatewayUrl === undefined) {
        sendJson(res, 503, {
          error: { code: 'GATEWAY_MISSING', message: 'No gateway is configured for this demo server.' },
        });
        return;
      }
      forward(
        req,
        res,
        new URL(path.slice(1) + url.search, o.gatewayUrl),
        'GATEWAY_UNREACHABLE',
        'The gateway',
      );
      return;
    }
    if (path.startsWith('/emulator/')) {
      if (o.emulatorEndpoint === undefined) {
        sendJson(res, 503, {
          error: { code: 'EMULATOR_MISSING', message: 'No emulator is configured for this demo server.' },
        });
        return;
      }
      forward(
        req,
        res,
        new URL(path.slice(1) + url.search, o.emulatorEndpoint),
        'EMULATOR_UNREACHABLE',
        'The emulator',
      );
      return;
    }
    if (path === '/demo/config.json') {
      const config: DemoClientConfig = {
        gateway: o.gatewayUrl !== undefined,
        emulator: o.emulatorEndpoint !== undefined,
        tokenLifetimeMinutes: o.tokenLifetimeMinutes,
        demoUsers: DEMO_USERS,
        ...(o.adminKey === undefined ? {} : { adminKey: o.adminKey }),
      };
      sendJson(res, 200, config);
      return;
    }
    if (path === '/demo/status') {
      void Promise.all([probe(o.gatewayUrl, 'healthz'), probe(o.emulatorEndpoint, '')]).then(
        ([gateway, emulator]) => sendJson(res, 200, { gateway, emulator }),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, {
        error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method ?? ''} is not allowed here.` },
      });
      return;
    }
    serveStatic(path, res, req.method === 'HEAD').catch((e: unknown) => {
      const err = toDemoError(e);
      sendJson(res, 500, {
        error: { code: err.code, message: 'The demo server could not read the app files.' },
      });
    });
  };

  const server = http.createServer(handler);
  let listening = false;

  return {
    handler,
    listen() {
      return new Promise((done, fail) => {
        const onError = (e: Error & { port?: number }) => {
          if ((e as { code?: string }).code === 'EADDRINUSE') e.port = o.port;
          fail(toDemoError(e));
        };
        server.once('error', onError);
        server.listen(o.port, o.host, () => {
          server.off('error', onError);
          listening = true;
          const { port } = server.address() as AddressInfo;
          // A wildcard address is not one to browse to: name the loopback one instead.
          const reachable = o.host === '0.0.0.0' ? '127.0.0.1' : o.host === '::' ? '::1' : o.host;
          const host = reachable.includes(':') ? `[${reachable}]` : reachable;
          done({ url: `http://${host}:${port}/`, port });
        });
      });
    },
    close() {
      agentHttp.destroy();
      agentHttps.destroy();
      if (!listening) return Promise.resolve();
      listening = false;
      return new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
