import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type Authenticator, createAuthenticator } from './auth.js';
import { type IdentityBackend, probeEndpoint } from './backend.js';
import {
  GATEWAY_ERROR_CODES,
  GatewayError,
  type GatewayErrorCode,
  toGatewayError,
  toGraphQLError,
} from './errors.js';
import { createLogger, type Logger, redactText } from './logger.js';
import { Metrics } from './metrics.js';
import { type GatewayOptions, type NormalizedOptions, normalizeOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { createResolvers, type GatewayContext, typeDefs } from './schema.js';
import type { MappingStore } from './store.js';
import { createPostgresStore } from './store-postgres.js';
import { createSqliteStore } from './store-sqlite.js';

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

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-request-id',
  'x-graphql-csrf',
  'graphql-require-preflight',
];
const PREFLIGHT_HEADERS = [
  'x-graphql-csrf',
  'graphql-require-preflight',
  'apollo-require-preflight',
  'x-graphql-yoga-csrf',
];
const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

function openStore(options: NormalizedOptions): MappingStore {
  return options.store.kind === 'postgres'
    ? createPostgresStore(options.store.url, options.store.schema, options.clock)
    : createSqliteStore(options.store.file, options.clock);
}

/**
 * Client settings suited to a gateway: no retries inside the request. A throttled or failing back end is reported at
 * once (RATE_LIMITED with retryAfter, UPSTREAM_UNAVAILABLE) instead of holding the caller for the service's
 * Retry-After; clients retry.
 */
function clientExtras(logger: Logger) {
  return {
    retry: { maxRetries: 0 },
    logger: (entry: { method: string; url: string; status?: number; durationMs: number }) =>
      logger.debug('identity service request', { ...entry }),
  };
}

/** The back end for the configured source; the emulator is found through its `emulator.json`. */
async function openBackend(
  options: NormalizedOptions,
  logger: Logger,
): Promise<{ backend: IdentityBackend; caCertFile?: string }> {
  const source = options.backend;
  if (source.kind === 'client') return { backend: source.client };
  const { createIdentityClient } = await import('@acs-identity/core/node');
  if (source.kind === 'connectionString' || source.kind === 'endpoint') {
    const caOption = source.caCertFile === undefined ? {} : { caCertFile: source.caCertFile };
    const client =
      source.kind === 'connectionString'
        ? createIdentityClient({
            connectionString: source.connectionString,
            ...caOption,
            ...clientExtras(logger),
          })
        : createIdentityClient({ endpoint: source.endpoint, ...caOption, ...clientExtras(logger) });
    return { backend: client, ...caOption };
  }
  let readEmulatorInfo: (dataDir?: string) => { connectionString: string; caCertFile?: string } | undefined;
  try {
    // Resolved at run time only: the emulator is needed just for this fallback, and may not be installed.
    const specifier = '@acs-identity/emulator';
    ({ readEmulatorInfo } = (await import(specifier)) as { readEmulatorInfo: typeof readEmulatorInfo });
  } catch (e) {
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      'No back end is configured: set AZURE_COMMUNICATION_CONNECTION_STRING or AZURE_COMMUNICATION_ENDPOINT, or install @acs-identity/emulator and run `acs-identity emulator start`.',
      { cause: e },
    );
  }
  const info = readEmulatorInfo(source.dataDir);
  if (info === undefined) {
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `No back end is configured and no local emulator was found in ${source.dataDir}: set AZURE_COMMUNICATION_CONNECTION_STRING or AZURE_COMMUNICATION_ENDPOINT, or run \`acs-identity emulator start\`.`,
    );
  }
  const caOption = info.caCertFile === undefined ? {} : { caCertFile: info.caCertFile };
  return {
    backend: createIdentityClient({
      connectionString: info.connectionString,
      ...caOption,
      ...clientExtras(logger),
    }),
    ...caOption,
  };
}

/** Whether the operation reads only `__schema`/`__type`/`__typename` (GraphiQL's schema fetch). */
function isIntrospectionOnly(document: DocumentNode, operationName: string | undefined): boolean {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    operationName === undefined ? operations[0] : operations.find((o) => o.name?.value === operationName);
  if (operation === undefined || operation.operation !== 'query') return false;
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && ['__schema', '__type', '__typename'].includes(s.name.value),
  );
}

function variablesOf(document: DocumentNode | undefined): Map<string, string> | undefined {
  return document === undefined ? undefined : variableArguments(document);
}

/** Which argument each variable of the document feeds, e.g. `$s` -> `scopes`. */
function variableArguments(document: DocumentNode): Map<string, string> {
  const map = new Map<string, string>();
  visit(document, {
    Argument(node) {
      if (node.value.kind === Kind.VARIABLE) map.set(node.value.name.value, node.name.value);
      else if (node.value.kind === Kind.LIST) {
        for (const item of node.value.values)
          if (item.kind === Kind.VARIABLE) map.set(item.name.value, node.name.value);
      }
    },
  });
  return map;
}

/**
 * Gives every error a code of {@link GATEWAY_ERROR_CODES}: variables that do not fit the schema become
 * `BAD_USER_INPUT` naming the argument; other request errors (syntax, validation, armor limits, and yoga's own
 * `GRAPHQL_PARSE_FAILED` and `OPERATION_RESOLUTION_FAILURE`) `GRAPHQL_VALIDATION_FAILED`. yoga's `originalError`
 * extension is dropped: it echoes parts of the request body (e.g. the JSON parser's message).
 */
function withCode(error: GraphQLError, variables: Map<string, string> | undefined): GraphQLError {
  const given = error.extensions?.code;
  if (typeof given === 'string' && (GATEWAY_ERROR_CODES as readonly string[]).includes(given)) {
    // Kept as is (yoga reads its extensions for the status), but the original error is reduced to its name: its
    // message quotes the request body (e.g. the JSON parser's `"{...}" is not valid JSON`).
    const original = error.extensions.originalError as { name?: unknown } | undefined;
    if (original !== undefined && original !== null && typeof original === 'object') {
      (error.extensions as Record<string, unknown>).originalError = {
        name: typeof original.name === 'string' ? original.name : 'Error',
        message: error.message,
      };
    }
    return error;
  }
  const { originalError: _dropped, ...extensions }: Record<string, unknown> = { ...error.extensions };
  const variable = /^Variable "\$(\w+)"/.exec(error.message)?.[1];
  if (variable !== undefined) {
    extensions.code = 'BAD_USER_INPUT';
    extensions.field = variables?.get(variable) ?? variable;
  } else {
    extensions.code = 'GRAPHQL_VALIDATION_FAILED' satisfies GatewayErrorCode;
  }
  return new GraphQLError(error.message, {
    ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
    ...(error.path === undefined ? {} : { path: error.path }),
    extensions,
  });
}

/**
 * Builds the gateway: validates options (throws `INVALID_CONFIGURATION`), opens the mapping store and prepares
 * authentication. Does not listen: use {@link startGateway} or pass `gateway.yoga` to any HTTP server.
 */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const settings = normalizeOptions(options);
  const { clock } = settings;
  const logger: Logger = createLogger(settings.logSink, settings.logLevel, clock);
  const metrics = new Metrics();
  const limiter = new RateLimiter(settings.rateLimitPerMinute, clock);
  const authenticator: Authenticator = await createAuthenticator({
    adminKeys: settings.adminKeys,
    ...(settings.oidc === undefined ? {} : { oidc: settings.oidc }),
    dev: settings.dev,
    clock,
    fetchTimeoutMs: 5000,
  });

  const store = openStore(settings);
  try {
    await store.init();
  } catch (e) {
    await store.close().catch(() => {});
    const where =
      settings.store.kind === 'postgres'
        ? 'PostgreSQL (GATEWAY_DATABASE_URL)'
        : `SQLite at ${settings.store.file} (GATEWAY_DATA_DIR)`;
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `The mapping store in ${where} could not be opened: ${redactText((e as Error).message)}`,
      { cause: e },
    );
  }

  let backendPromise: Promise<{ backend: IdentityBackend; caCertFile?: string }> | undefined;
  const backendInfo = () => {
    if (backendPromise === undefined) {
      backendPromise = openBackend(settings, logger);
      backendPromise.catch(() => {
        backendPromise = undefined;
      });
    }
    return backendPromise;
  };
  const backend = async () => (await backendInfo()).backend;
  const backendDescription =
    settings.backend.kind === 'client'
      ? 'custom identity client'
      : settings.backend.kind === 'connectionString'
        ? 'connection string (AZURE_COMMUNICATION_CONNECTION_STRING)'
        : settings.backend.kind === 'endpoint'
          ? `${settings.backend.endpoint} with Entra ID`
          : `local emulator (${settings.backend.dataDir})`;

  let draining = false;

  const readiness = async () => {
    const checks: Record<string, string> = {};
    let ready = !draining;
    if (draining) checks.shutdown = 'draining';
    try {
      await store.ping();
      checks.store = 'ok';
    } catch (e) {
      ready = false;
      checks.store = redactText(`unavailable: ${(e as Error).message}`);
    }
    try {
      const info = await backendInfo();
      await probeEndpoint(info.backend.endpoint, info.caCertFile, 2000);
      checks.backend = 'ok';
    } catch (e) {
      ready = false;
      checks.backend = redactText(
        `unavailable: ${toGatewayError(e).code === 'INTERNAL_SERVER_ERROR' ? (e as Error).message : toGatewayError(e).message}`,
      );
    }
    return { ready, checks };
  };

  const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    });

  const errorBody = (e: unknown) => {
    const error = toGatewayError(e);
    const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Unexpected error.' : error.message;
    return {
      error: { code: error.code, message, ...(error.field === undefined ? {} : { field: error.field }) },
    };
  };

  const started = new WeakMap<Request, { at: number; requestId: string }>();
  /** The caller's `x-request-id` when it is a plain token, else a new UUID. */
  const requestIdOf = (request: Request): string => {
    const given = request.headers.get('x-request-id');
    return (
      started.get(request)?.requestId ??
      (given !== null && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID())
    );
  };
  /** The document of each request, to name the argument of a failed variable (worked out only when one fails). */
  const requestDocuments = new WeakMap<Request, DocumentNode>();
  /** Who made each GraphQL request (`admin#1`, `dev:alice`, `<issuer>#<subject>`), for its request log line. */
  const requestCallers = new WeakMap<Request, string>();

  const httpPlugin: Plugin<GatewayContext> = {
    onRequest({ request, url, endResponse }) {
      started.set(request, { at: performance.now(), requestId: requestIdOf(request) });
      const requestId = requestIdOf(request);
      const path = url.pathname;
      if (path === '/readyz' && request.method === 'GET') {
        return readiness().then(({ ready, checks }) =>
          endResponse(json({ status: ready ? 'ready' : 'unavailable', checks }, ready ? 200 : 503)),
        );
      }
      if (path === '/metrics' && request.method === 'GET') {
        endResponse(
          new Response(metrics.render(), {
            headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
          }),
        );
        return;
      }
      if (path === '/dev/sign-in' && settings.dev) {
        if (
          request.method !== 'POST' ||
          !(request.headers.get('content-type') ?? '').includes('application/json')
        ) {
          endResponse(
            json(
              {
                error: {
                  code: 'BAD_USER_INPUT',
                  message: 'POST a JSON body {"user":"alice"} with content-type application/json.',
                },
              },
              400,
            ),
          );
          return;
        }
        return request
          .json()
          .catch(() => undefined)
          .then((body: unknown) => authenticator.devSignIn((body as { user?: unknown } | undefined)?.user))
          .then(
            ({ token, expiresOn }) => {
              logger.info('dev sign-in', { requestId });
              endResponse(
                json({ token, expiresOn: expiresOn.toISOString() }, 200, { 'cache-control': 'no-store' }),
              );
            },
            (e: unknown) => endResponse(json(errorBody(e), 400)),
          );
      }
      if (path === '/graphql') {
        // CSRF prevention: only requests a browser must preflight reach GraphQL (JSON bodies or a custom header).
        const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
        const preflighted =
          (request.method === 'POST' && /^application\/(graphql-response\+)?json\b/.test(contentType)) ||
          PREFLIGHT_HEADERS.some((h) => (request.headers.get(h) ?? '') !== '');
        const graphiqlPage =
          settings.dev &&
          request.method === 'GET' &&
          (request.headers.get('accept') ?? '').includes('text/html');
        if (!preflighted && !graphiqlPage && request.method !== 'OPTIONS') {
          endResponse(
            json(
              {
                errors: [
                  {
                    message:
                      'Refused as possible CSRF: send POST with content-type application/json, or add the header x-graphql-csrf: 1.',
                    extensions: { code: 'BAD_REQUEST' },
                  },
                ],
              },
              403,
            ),
          );
        }
      }
      return;
    },
    onResponse({ request, response, serverContext }) {
      void serverContext;
      const start = started.get(request);
      const path = new URL(request.url).pathname;
      const route = ['/graphql', '/healthz', '/readyz', '/metrics', '/dev/sign-in'].includes(path)
        ? path
        : 'other';
      metrics.inc('acs_gateway_http_requests_total', { route, status: String(response.status) });
      response.headers.set('x-request-id', start?.requestId ?? requestIdOf(request));
      if (start !== undefined) {
        const seconds = (performance.now() - start.at) / 1000;
        metrics.observeRequest(route, seconds);
        if (route !== '/healthz' && route !== '/metrics') {
          const caller = requestCallers.get(request);
          logger.info('request', {
            requestId: start.requestId,
            ...(caller === undefined ? {} : { caller }),
            method: request.method,
            path: route,
            status: response.status,
            durationMs: Math.round(seconds * 1000),
          });
        }
      }
    },
  };

  const errorCodePlugin: Plugin<GatewayContext> = {
    onResultProcess({ request, result, setResult }) {
      const fix = (r: ExecutionResult) =>
        r.errors === undefined || r.errors.length === 0
          ? r
          : { ...r, errors: r.errors.map((e) => withCode(e, variablesOf(requestDocuments.get(request)))) };
      if (Array.isArray(result)) setResult(result.map(fix));
      else if (!(Symbol.asyncIterator in result)) setResult(fix(result as ExecutionResult));
    },
  };

  const authPlugin: Plugin<GatewayContext> = {
    async onExecute({ args, extendContext, setResultAndStopExecution }) {
      const ctx = args.contextValue as GatewayContext & { request: Request };
      requestDocuments.set(ctx.request, args.document);
      let caller: GatewayContext['caller'];
      try {
        caller = await authenticator.authenticate(ctx.request.headers.get('authorization'));
      } catch (e) {
        metrics.inc('acs_gateway_auth_failures_total');
        const error = toGatewayError(e);
        logger.info('authentication failed', {
          requestId: ctx.requestId,
          code: error.code,
          message: error.message,
        });
        setResultAndStopExecution({ errors: [toGraphQLError(error)] });
        return;
      }
      if (caller === undefined) {
        const introspectionAllowed =
          settings.dev && isIntrospectionOnly(args.document, args.operationName ?? undefined);
        if (!introspectionAllowed) {
          metrics.inc('acs_gateway_auth_failures_total');
          setResultAndStopExecution({
            errors: [
              toGraphQLError(
                new GatewayError(
                  'UNAUTHENTICATED',
                  'Sign in first: send "Authorization: Bearer <token or admin key>".',
                ),
              ),
            ],
          });
          return;
        }
      }
      const decision = limiter.take(caller?.id ?? 'anonymous');
      if (!decision.allowed) {
        metrics.inc('acs_gateway_rate_limited_total', { role: caller?.role ?? 'anonymous' });
        setResultAndStopExecution({
          errors: [
            toGraphQLError(
              new GatewayError(
                'RATE_LIMITED',
                'Too many requests from this caller; wait before trying again.',
                {
                  retryAfterMs: decision.retryAfterMs,
                },
              ),
            ),
          ],
        });
        return;
      }
      if (caller !== undefined) {
        requestCallers.set(ctx.request, caller.id);
        extendContext({ caller });
      }
    },
  };

  const plugins: Plugin<GatewayContext>[] = [
    httpPlugin,
    EnvelopArmorPlugin({
      maxDepth: { n: settings.maxDepth, ignoreIntrospection: true },
      maxAliases: { n: settings.maxAliases },
      costLimit: { maxCost: settings.maxCost, ignoreIntrospection: true },
      maxDirectives: { n: 10 },
      maxTokens: { n: 2000 },
      blockFieldSuggestion: { enabled: !settings.dev },
    }) as Plugin<GatewayContext>,
    authPlugin,
    errorCodePlugin,
  ];
  if (!settings.dev) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  }

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema: createSchema<Record<string, unknown> & GatewayContext>({
      typeDefs,
      resolvers: createResolvers({
        backend,
        store,
        logger,
        metrics,
        clock,
        userScopes: settings.userScopes,
        userMaxExpiresInMinutes: settings.userMaxExpiresInMinutes,
        teamsUserClaim: settings.teamsUserClaim,
      }),
    }),
    context: ({ request }) => ({ requestId: started.get(request)?.requestId ?? randomUUID() }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    graphiql: settings.dev
      ? {
          title: 'acs-identity gateway (development)',
          headers: JSON.stringify(
            { authorization: 'Bearer <token from POST /dev/sign-in {"user":"alice"}>' },
            null,
            2,
          ),
          defaultQuery: [
            '# Development mode. Get a token for a demo user:',
            `#   curl -s -X POST -H 'content-type: application/json' -d '{"user":"alice"}' <this server>/dev/sign-in`,
            '# and put it in the Authorization header below. Then:',
            'mutation {',
            '  issueMyToken(scopes: [CHAT, VOIP]) { token expiresOn scopes serverTime }',
            '}',
          ].join('\n'),
        }
      : false,
    landingPage: false,
    batching: false,
    multipart: false,
    maxRequestBodySize: 100_000,
    maskedErrors: { isDev: false },
    logging: {
      debug: (...a: unknown[]) => logger.debug(a.map(String).join(' ')),
      info: (...a: unknown[]) => logger.info(a.map(String).join(' ')),
      warn: (...a: unknown[]) => logger.warn(a.map(String).join(' ')),
      error: (...a: unknown[]) => logger.error(a.map(String).join(' ')),
    },
    cors: (request) => {
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
    },
    plugins,
  });

  if (settings.dev) {
    logger.warn(
      'DEVELOPMENT MODE: anyone can sign in as any user with POST /dev/sign-in; GraphiQL and introspection are on. Never expose this gateway.',
    );
  }
  logger.info('gateway ready', {
    backend: backendDescription,
    store: settings.store.kind,
    endUsers: settings.oidc?.issuer ?? (settings.dev ? 'development sign-in only' : 'none'),
    administratorKeyCount: settings.adminKeys.length,
  });

  return {
    yoga,
    dev: settings.dev,
    backendDescription,
    fetch: (input, init) =>
      Promise.resolve(yoga.fetch(input as URL, init as Parameters<typeof yoga.fetch>[1])),
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      await store.close();
    },
  };
}
