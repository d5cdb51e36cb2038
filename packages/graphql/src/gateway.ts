import { createAuthenticator } from './authenticate.js';
import { createBackendHandle } from './backend.js';
import { createDevSigner } from './dev-signer.js';
import { createLogger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { type GatewayOptions, isLoopbackHost } from './options.js';
import type { GatewayParts } from './parts.js';
import { openLimits } from './rate-limit-open.js';
import { type NormalizedOptions, normalizeOptions } from './settings.js';
import { openStore } from './store-open.js';
import { warmUp } from './warm-up.js';
import { createGatewayYoga, type GatewayYoga } from './yoga.js';

/** A built gateway: the yoga instance, its fetch handler and a way to release its resources. */
export interface Gateway {
  /** The graphql-yoga server; usable as a node:http request listener. */
  readonly yoga: GatewayYoga;
  /** Handles one request, e.g. `gateway.fetch('http://gateway/graphql', { method: 'POST', ... })`. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Whether the development sign-in is on. */
  readonly dev: boolean;
  /** The back end in use (resolved lazily when it is the local emulator). */
  readonly backendDescription: string;
  /** Stops answering `/readyz` with 200 (first step of a graceful shutdown). */
  drain(): void;
  /** Closes the mapping store. */
  close(): Promise<void>;
}

/** A built gateway and how to warm it before it takes traffic. */
export interface BuiltGateway {
  gateway: Gateway;
  /** Gets it ready for its first requests (bounded in time; never throws): see `warmUp`. */
  warmUp(): Promise<void>;
}

/** Builds the gateway from normalized settings (what {@link createGateway} and `startGateway` share). */
export async function buildGateway(settings: NormalizedOptions): Promise<BuiltGateway> {
  const logger = createLogger(settings.logSink, settings.logLevel, settings.now);
  const devSigner = settings.dev ? await createDevSigner(settings.dataDir, settings.now) : undefined;
  const store = await openStore(settings);
  let limits: Awaited<ReturnType<typeof openLimits>>;
  try {
    limits = await openLimits(settings, logger);
  } catch (e) {
    await store.close();
    throw e;
  }
  let draining = false;
  const parts: GatewayParts = {
    settings,
    logger,
    metrics: new GatewayMetrics(),
    store,
    backend: createBackendHandle({
      source: settings.backend,
      apiVersion: settings.apiVersion,
      logger,
      debug: settings.logLevel === 'debug',
    }),
    authenticator: createAuthenticator({
      adminKeys: settings.adminKeys,
      ...(settings.oidc === undefined ? {} : { oidc: settings.oidc }),
      ...(devSigner === undefined ? {} : { devSigner }),
      now: settings.now,
      fetchTimeoutMs: 5000,
    }),
    operationLimits: limits.operations,
    authFailures: limits.authFailures,
    devSigner,
    draining: () => draining,
  };
  const yoga = createGatewayYoga(parts);
  if (settings.dev) {
    logger.warn(
      'DEVELOPMENT MODE: anyone can sign in as any user with POST /dev/sign-in; GraphiQL and introspection are on. Never expose this gateway.',
    );
    if (!isLoopbackHost(settings.host)) {
      logger.warn(
        `DEVELOPMENT MODE ON ${settings.host} (--dev-allow-remote): every machine that reaches this gateway can sign in as anyone.`,
      );
    }
  }
  logger.info('gateway ready', {
    backend: parts.backend.description,
    store: settings.store.kind,
    identityMapping: settings.identityMapping,
    apiVersion: settings.apiVersion,
    rateLimits: settings.rateLimitStore,
    endUsers: settings.oidc?.issuer ?? (settings.dev ? 'development sign-in only' : 'none'),
    administratorKeyCount: settings.adminKeys.length,
  });
  const gateway: Gateway = {
    yoga,
    dev: settings.dev,
    backendDescription: parts.backend.description,
    fetch: (input, init) =>
      Promise.resolve(yoga.fetch(input as URL, init as Parameters<typeof yoga.fetch>[1])),
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      await parts.backend.close();
      await limits.close();
      await store.close();
    },
  };
  return { gateway, warmUp: () => warmUp(parts) };
}

/**
 * Builds the gateway: validates options (throws `INVALID_OPTIONS`), opens the mapping store and prepares
 * authentication. Does not listen: use `startGateway` or pass `gateway.yoga` to any HTTP server.
 */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  return (await buildGateway(normalizeOptions(options))).gateway;
}
