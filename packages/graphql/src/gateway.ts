import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type Authenticator, createAuthenticator } from './authenticate.js';
import { type BackendHandle, createBackendHandle } from './backend.js';
import { createDevSigner, type DevSigner } from './dev-signer.js';
import { renderOfflineGraphiQL } from './graphiql.js';
import { createLogger, type Logger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import type { GatewayOptions } from './options.js';
import { useAuth } from './plugins/use-auth.js';
import { useBodyLimit } from './plugins/use-body-limit.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useDevSignIn } from './plugins/use-dev-sign-in.js';
import { useErrorCodes } from './plugins/use-error-codes.js';
import { useMetrics } from './plugins/use-metrics.js';
import { useNoIntrospection } from './plugins/use-no-introspection.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useRequestContext } from './plugins/use-request-context.js';
import { RateLimiter } from './rate-limit.js';
import { readinessCheck } from './readiness.js';
import { requestState } from './request-state.js';
import type { GatewayContext } from './schema/context.js';
import { createResolvers } from './schema/resolvers.js';
import { typeDefs } from './schema/type-defs.js';
import { type NormalizedOptions, normalizeOptions } from './settings.js';
import type { MappingStore } from './store.js';
import { openStore } from './store-open.js';

/** A built gateway: the yoga instance, its fetch handler and a way to release its resources. */
export interface Gateway {
  /** The graphql-yoga server; usable as a node:http request listener. */
  readonly yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
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

/** Headers a browser may send cross-origin (CORS). */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-request-id',
  'x-graphql-csrf',
  'graphql-require-preflight',
];
const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The parts the plugins and resolvers are built from. */
interface Parts {
  settings: NormalizedOptions;
  logger: Logger;
  metrics: GatewayMetrics;
  store: MappingStore;
  backend: BackendHandle;
  authenticator: Authenticator;
  devSigner: DevSigner | undefined;
  draining: () => boolean;
}

/**
 * The gateway's plugins, in order: request id and access log, metrics, readiness, dev sign-in, CSRF prevention, query
 * limits, introspection outside dev, error codes, authentication, rate limiting.
 */
function plugins(parts: Parts): Plugin<GatewayContext>[] {
  const { settings, logger, metrics } = parts;
  const list: Plugin<GatewayContext>[] = [
    useRequestContext({ logger }),
    useMetrics({ metrics }),
    useReadiness({ check: readinessCheck(parts) }),
  ];
  if (parts.devSigner !== undefined) list.push(useDevSignIn({ signer: parts.devSigner, logger }));
  list.push(
    useCsrfPrevention(),
    useBodyLimit({ maxBytes: 100_000 }),
    EnvelopArmorPlugin({
      maxDepth: { n: settings.maxDepth, ignoreIntrospection: true },
      maxAliases: { n: settings.maxAliases },
      costLimit: { maxCost: settings.maxCost, ignoreIntrospection: true },
      maxDirectives: { n: 10 },
      maxTokens: { n: 2000 },
      blockFieldSuggestion: { enabled: !settings.dev },
    }) as Plugin<GatewayContext>,
  );
  if (!settings.dev) list.push(useNoIntrospection());
  list.push(
    useErrorCodes(),
    useAuth({ authenticator: parts.authenticator, metrics, logger, anonymousIntrospection: settings.dev }),
    useRateLimit({ limiter: new RateLimiter(settings.rateLimitPerMinute, settings.now), metrics }),
  );
  return list;
}

/** CORS: the configured origins, and in dev mode any loopback origin. */
function cors(settings: NormalizedOptions) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (origin === null) return false;
    const allowed =
      settings.corsOrigins.includes('*') ||
      settings.corsOrigins.includes(origin) ||
      (settings.dev && LOOPBACK_ORIGIN.test(origin));
    if (!allowed) return false;
    return {
      origin: [origin],
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: ['retry-after', 'x-request-id'],
      credentials: false,
      maxAge: 600,
    };
  };
}

/** GraphiQL in development mode, served whole from the gateway. */
function graphiql(settings: NormalizedOptions) {
  if (!settings.dev) return false;
  return {
    title: 'acs-identity gateway (development)',
    defaultQuery: [
      '# Development mode. Get a token for a demo user:',
      `#   curl -s -X POST -H 'content-type: application/json' -d '{"user":"alice"}' <this server>/dev/sign-in`,
      '# and put it in the Headers below: {"authorization": "Bearer <token>"}. Then:',
      'mutation {',
      '  issueMyToken(scopes: [CHAT, VOIP]) { token expiresOn scopes serverTime }',
      '}',
    ].join('\n'),
  };
}

function createGatewayYoga(parts: Parts): Gateway['yoga'] {
  const { settings, logger } = parts;
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema: createSchema<Record<string, unknown> & GatewayContext>({
      typeDefs,
      resolvers: createResolvers({
        backend: async () => (await parts.backend.get()).backend,
        store: parts.store,
        logger,
        metrics: parts.metrics,
        now: settings.now,
        userScopes: settings.userScopes,
        userMaxExpiresInMinutes: settings.userMaxExpiresInMinutes,
        teamsUserClaim: settings.teamsUserClaim,
      }),
    }),
    context: ({ request }) => ({ requestId: requestState(request).requestId }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    graphiql: graphiql(settings),
    renderGraphiQL: renderOfflineGraphiQL,
    landingPage: false,
    batching: false,
    multipart: false,
    // The body limit is useBodyLimit's (from Content-Length, before the body is read).
    maxRequestBodySize: false,
    maskedErrors: { isDev: false },
    logging: {
      debug: (...a: unknown[]) => logger.debug(a.map(String).join(' ')),
      info: (...a: unknown[]) => logger.info(a.map(String).join(' ')),
      warn: (...a: unknown[]) => logger.warn(a.map(String).join(' ')),
      error: (...a: unknown[]) => logger.error(a.map(String).join(' ')),
    },
    cors: cors(settings),
    plugins: plugins(parts),
  });
}

/** How long {@link warmUp} may take at most. */
const WARM_UP_MS = 3000;
/** Connections to the back end opened at start: as many as a busy client keeps in flight. */
const WARM_CONNECTIONS = 16;

/**
 * Gets the gateway ready for its first requests: opens the back end (loading the SDK) and its connections (TLS
 * handshakes), and fetches the OpenID provider's keys. Bounded in time; a part that is not there (no back end yet)
 * is simply skipped, and the first request that needs it reports it.
 */
async function warmUp(parts: Parts): Promise<void> {
  const work = Promise.all([
    parts.backend
      .get()
      .then((opened) => opened.warm?.(WARM_CONNECTIONS))
      .catch(() => undefined),
    parts.authenticator.warm(),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, WARM_UP_MS);
    timer.unref();
  });
  await Promise.race([work, deadline]);
  clearTimeout(timer);
}

/** A built gateway and how to warm it before it takes traffic. */
export interface BuiltGateway {
  gateway: Gateway;
  /** Opens the back end and its connections and fetches the OpenID keys (bounded; never throws). */
  warmUp(): Promise<void>;
}

/** Builds the gateway from normalized settings (what {@link createGateway} and `startGateway` share). */
export async function buildGateway(settings: NormalizedOptions): Promise<BuiltGateway> {
  const logger = createLogger(settings.logSink, settings.logLevel, settings.now);
  const devSigner = settings.dev ? await createDevSigner(settings.dataDir, settings.now) : undefined;
  const store = await openStore(settings);
  let draining = false;
  const parts: Parts = {
    settings,
    logger,
    metrics: new GatewayMetrics(),
    store,
    backend: createBackendHandle(settings.backend, logger, settings.logLevel === 'debug'),
    authenticator: createAuthenticator({
      adminKeys: settings.adminKeys,
      ...(settings.oidc === undefined ? {} : { oidc: settings.oidc }),
      ...(devSigner === undefined ? {} : { devSigner }),
      now: settings.now,
      fetchTimeoutMs: 5000,
    }),
    devSigner,
    draining: () => draining,
  };
  const yoga = createGatewayYoga(parts);
  if (settings.dev) {
    logger.warn(
      'DEVELOPMENT MODE: anyone can sign in as any user with POST /dev/sign-in; GraphiQL and introspection are on. Never expose this gateway.',
    );
  }
  logger.info('gateway ready', {
    backend: parts.backend.description,
    store: settings.store.kind,
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
