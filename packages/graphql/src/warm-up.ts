import { randomBytes } from 'node:crypto';
import { AuthFailureBudget } from './auth-failures.js';
import { createAuthenticator } from './authenticate.js';
import { type IdentityBackend, unavailableOperations } from './identity-backend.js';
import { createLogger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import type { GatewayParts } from './parts.js';
import { MemoryRateLimiter } from './rate-limit.js';
import type { MappingStore } from './store.js';
import { createGatewayYoga } from './yoga.js';

/** Requests of the rehearsal, and how many at once. */
const REHEARSALS = 400;
const REHEARSAL_CONCURRENCY = 16;

/**
 * Runs the admin `issueToken` through a rehearsal copy of the gateway (same plugins and schema; a back end, store,
 * metrics and log of its own that answer at once and keep nothing), so that the code every request runs is compiled
 * before the first real one: a cold process serves its first second at a fraction of its speed.
 */
async function rehearse(parts: GatewayParts): Promise<void> {
  const { settings } = parts;
  const key = randomBytes(32).toString('base64url');
  const unused = () => Promise.reject(new Error('not rehearsed'));
  const backend: IdentityBackend = {
    ...unavailableOperations('not rehearsed'),
    endpoint: 'https://rehearsal.invalid/',
    issueToken: async () => ({ token: 'rehearsal', expiresOn: new Date(settings.now() + 3_600_000) }),
  };
  const store: MappingStore = {
    kind: 'sqlite',
    init: async () => {},
    get: async () => undefined,
    findOrCreate: unused,
    deleteByRawId: async () => 0,
    ping: async () => {},
    close: async () => {},
  };
  const yoga = createGatewayYoga({
    settings: { ...settings, rateLimitPerMinute: 0 },
    logger: createLogger(() => {}, settings.logLevel, settings.now),
    metrics: new GatewayMetrics({ processMetrics: false }),
    store,
    backend: { description: 'rehearsal', get: async () => ({ backend }), close: async () => {} },
    authenticator: createAuthenticator({ adminKeys: [key], now: settings.now, fetchTimeoutMs: 1000 }),
    operationLimits: new MemoryRateLimiter(0, settings.now),
    authFailures: new AuthFailureBudget(new MemoryRateLimiter(0, settings.now), settings.now),
    devSigner: undefined,
    draining: () => false,
  });
  const body = JSON.stringify({
    query: 'mutation Issue($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token expiresOn } }',
    variables: { u: '8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001' },
  });
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    authorization: `Bearer ${key}`,
  };
  let left = REHEARSALS;
  const worker = async () => {
    while (left-- > 0)
      await (await yoga.fetch('http://rehearsal/graphql', { method: 'POST', headers, body })).text();
  };
  await Promise.all(Array.from({ length: REHEARSAL_CONCURRENCY }, worker));
}

/** How long {@link warmUp} may take at most. */
const WARM_UP_MS = 3000;
/** Connections to the back end opened at start: as many as a busy client keeps in flight. */
const WARM_CONNECTIONS = 16;

/**
 * Gets the gateway ready for its first requests: opens the back end (loading the SDK) and its connections (TLS
 * handshakes), fetches the OpenID provider's keys, opens the rate limits' database connections (when they are shared),
 * and rehearses the hot path. Bounded in time; a part that is not there (no back end yet)
 * is simply skipped, and the first request that needs it reports it.
 */
export async function warmUp(parts: GatewayParts): Promise<void> {
  const work = Promise.all([
    parts.backend
      .get()
      .then((opened) => opened.warm?.(WARM_CONNECTIONS))
      .catch(() => undefined),
    parts.authenticator.warm(),
    parts.operationLimits.warm?.(),
    rehearse(parts).catch(() => undefined),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, WARM_UP_MS);
    timer.unref();
  });
  await Promise.race([work, deadline]);
  clearTimeout(timer);
}
