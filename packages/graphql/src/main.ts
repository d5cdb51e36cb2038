import { realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createGateway, type Gateway } from './gateway.js';
import { createLogger } from './logger.js';
import { type GatewayOptions, normalizeOptions } from './options.js';

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

/** Builds the gateway and listens on `host:port` with node:http. */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const settings = normalizeOptions(options);
  const logger = createLogger(settings.logSink, settings.logLevel, settings.clock);
  const gateway = await createGateway(options);
  const server: Server = createServer(gateway.yoga);
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await gateway.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Port ${settings.port} on ${settings.host} is in use: choose another with --port or GATEWAY_PORT.`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}/`;
  logger.info('gateway listening', { url, graphql: `${url}graphql`, dev: gateway.dev });
  if (gateway.dev) {
    process.stderr.write(
      `\n  !!! acs-identity gateway in DEVELOPMENT MODE: anyone can sign in as anyone at POST ${url}dev/sign-in !!!\n\n`,
    );
  }

  let closing: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info('shutting down', { signal });
    void close();
  };
  const close = () => {
    closing ??= (async () => {
      if (options.handleSignals === true) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
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
    })();
    return closing;
  };
  if (options.handleSignals === true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { url, graphqlUrl: `${url}graphql`, port, gateway, close };
}

/**
 * `node dist/main.js [--dev]`: starts the gateway from environment variables, for deployments without the CLI.
 * Exits with 1 and a one-line message when the configuration is wrong.
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
