import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { renderOfflineGraphiQL } from './graphiql.js';
import type { GatewayParts } from './parts.js';
import { useAuth } from './plugins/use-auth.js';
import { useBodyLimit } from './plugins/use-body-limit.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useDevSignIn } from './plugins/use-dev-sign-in.js';
import { useErrorCodes } from './plugins/use-error-codes.js';
import { useMetrics } from './plugins/use-metrics.js';
import { useNoIntrospection } from './plugins/use-no-introspection.js';
import { useOncePerRequest } from './plugins/use-once-per-request.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useRequestContext } from './plugins/use-request-context.js';
import { readinessCheck } from './readiness.js';
import { requestState } from './request-state.js';
import type { GatewayContext } from './schema/context.js';
import { rootFieldCost } from './schema/operations.js';
import { createResolvers } from './schema/resolvers.js';
import { typeDefs } from './schema/type-defs.js';
import type { NormalizedOptions } from './settings.js';

/** The gateway's graphql-yoga instance. */
export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

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

/**
 * The gateway's plugins, in order: request id, client address and access log, metrics, readiness, dev sign-in, CSRF
 * prevention, query limits (one `issueMyToken` per request among them), introspection outside dev, error codes,
 * authentication (with its failure budget), rate limiting (each root field's cost from the operations table).
 */
function plugins(parts: GatewayParts): Plugin<GatewayContext>[] {
  const { settings, logger, metrics } = parts;
  const list: Plugin<GatewayContext>[] = [
    useRequestContext({ logger, trustProxyHops: settings.trustProxyHops }),
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
    useOncePerRequest({ fields: ['issueMyToken'] }),
  );
  if (!settings.dev) list.push(useNoIntrospection());
  list.push(
    useErrorCodes(),
    useAuth({
      authenticator: parts.authenticator,
      metrics,
      logger,
      anonymousIntrospection: settings.dev,
      failures: parts.authFailures,
    }),
    useRateLimit({ limiter: parts.operationLimits, metrics, costOf: rootFieldCost }),
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

/** The gateway's yoga: schema, resolvers and plugins over `parts`. */
export function createGatewayYoga(parts: GatewayParts): GatewayYoga {
  const { settings, logger } = parts;
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema: createSchema<Record<string, unknown> & GatewayContext>({
      typeDefs,
      resolvers: createResolvers({
        backend: async () => (await parts.backend.get()).backend,
        openedBackend: () => parts.backend.get(),
        store: parts.store,
        identityMapping: settings.identityMapping,
        logger,
        metrics: parts.metrics,
        now: settings.now,
        userScopes: settings.userScopes,
        userMaxExpiresInMinutes: settings.userMaxExpiresInMinutes,
        teamsUserClaim: settings.teamsUserClaim,
      }),
    }),
    context: ({ request }) => ({ requestId: requestState(request).requestId, userDetails: new Map() }),
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
