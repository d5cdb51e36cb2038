import { realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { listen, onStopSignals } from '@acs-identity/core/server';
import { toGatewayError } from './errors.js';
import { buildGateway, type Gateway } from './gateway.js';
import { createLogger, type Logger } from './logger.js';
import type { GatewayOptions } from './options.js';
import { type NormalizedOptions, normalizeOptions } from './settings.js';

/** A gateway listening on a port. */
export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:4000/`. */
  readonly url: string;
  /** GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly graphqlUrl: string;
  readonly port: number;
  readonly gateway: Gateway;
  /**
   * Graceful shutdown: `/readyz` turns 503, no new connections, requests in flight finish (up to
   * `shutdownTimeoutMs`), then the store closes. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Options of {@link startGateway}: the gateway's options, plus whether to handle SIGINT/SIGTERM. */
export interface StartGatewayOptions extends GatewayOptions {
  /**
   * Close gracefully on SIGINT and SIGTERM (then the process may exit once nothing else keeps it alive).
   * @default false
   */
  handleSignals?: boolean;
}

/** Stops `server` and the gateway: drain, stop accepting, let requests in flight finish (bounded), close the store. */
async function shutDown(server: Server, gateway: Gateway, settings: NormalizedOptions, logger: Logger) {
  gateway.drain();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn('shutdown timeout reached; closing remaining connections', {
        timeoutMs: settings.shutdownTimeoutMs,
      });
      server.closeAllConnections();
      resolve();
    }, settings.shutdownTimeoutMs);
    timer.unref();
  });
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
  await gateway.close();
  logger.info('gateway stopped');
}

/**
 * Builds the gateway and listens on `host:port` with node:http. Rejects with a `GatewayError` whose code says why:
 * `INVALID_OPTIONS` (an option, or a host this machine cannot listen on), `PORT_IN_USE`, `UPSTREAM_UNAVAILABLE` (the
 * mapping store cannot be opened).
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const settings = normalizeOptions(options);
  const logger = createLogger(settings.logSink, settings.logLevel, settings.now);
  const built = await buildGateway(settings);
  const gateway = built.gateway;
  // Warm before listening: the first second of traffic should be as fast as the rest.
  await built.warmUp();
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // How often Node looks for connections past those timeouts (its default, 30 s, would hold a silent one 40 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    gateway.yoga,
  );
  server.maxConnections = settings.maxConnections;
  let address: Awaited<ReturnType<typeof listen>>;
  try {
    address = await listen(server, {
      port: settings.port,
      host: settings.host,
      name: 'the gateway',
      portHint: '--port or GATEWAY_PORT',
    });
  } catch (e) {
    await gateway.close();
    throw toGatewayError(e);
  }
  const url = `http://${address.authority}/`;
  logger.info('gateway listening', { url, graphql: `${url}graphql`, dev: gateway.dev });
  if (gateway.dev) {
    process.stderr.write(
      `\n  !!! acs-identity gateway in DEVELOPMENT MODE: anyone can sign in as anyone at POST ${url}dev/sign-in !!!\n\n`,
    );
  }
  let closing: Promise<void> | undefined;
  let disposeSignals: (() => void) | undefined;
  const close = () => {
    disposeSignals?.();
    closing ??= shutDown(server, gateway, settings, logger);
    return closing;
  };
  if (options.handleSignals === true) {
    disposeSignals = onStopSignals((signal) => {
      logger.info('shutting down', { signal });
      return close();
    });
  }
  return { url, graphqlUrl: `${url}graphql`, port: address.port, gateway, close };
}

/**
 * `node dist/main.js [--dev]`: starts the gateway from environment variables, for deployments without the CLI.
 * Exits with 1 and a one-line message when it cannot start.
 */
async function runDirectly(argv: readonly string[]): Promise<void> {
  try {
    await startGateway({ handleSignals: true, ...(argv.includes('--dev') ? { dev: true } : {}) });
  } catch (e) {
    process.stderr.write(`acs-identity gateway: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  void runDirectly(process.argv.slice(2));
}
