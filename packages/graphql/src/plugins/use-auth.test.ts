import { describe, expect, it } from 'vitest';
import { keptLogs, post, yogaWith } from '../../test/plugin-yoga.js';
import { AuthFailureBudget } from '../auth-failures.js';
import { createAuthenticator } from '../authenticate.js';
import { GatewayMetrics } from '../metrics.js';
import { MemoryRateLimiter } from '../rate-limit.js';
import { useAuth } from './use-auth.js';
import { useRequestContext } from './use-request-context.js';

const KEY = 'k'.repeat(40);

function yoga(anonymousIntrospection = false) {
  const metrics = new GatewayMetrics();
  const authenticator = createAuthenticator({ adminKeys: [KEY], now: Date.now, fetchTimeoutMs: 1000 });
  return {
    metrics,
    yoga: yogaWith([useAuth({ authenticator, metrics, logger: keptLogs().logger, anonymousIntrospection })]),
  };
}

describe('useAuth', () => {
  it('puts the authenticated caller into the context', async () => {
    const { yoga: y } = yoga();
    expect((await post(y, '{ whoami }', { headers: { authorization: `Bearer ${KEY}` } })).body).toEqual({
      data: { whoami: 'admin#1' },
    });
  });

  it('refuses a missing or bad credential with 401 and counts it', async () => {
    const { yoga: y, metrics } = yoga();
    const none = await post(y, '{ hello(name: "a") }');
    const bad = await post(y, '{ hello(name: "a") }', { headers: { authorization: 'Bearer nope' } });
    expect([none.status, bad.status]).toEqual([401, 401]);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect([none.body.errors?.[0]?.extensions?.code, bad.body.errors?.[0]?.extensions?.code]).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(await metrics.registry.getSingleMetricAsString('acs_gateway_auth_failures_total')).toContain(
      'acs_gateway_auth_failures_total 2',
    );
  });

  it('lets anonymous callers introspect only when asked to, and nothing else', async () => {
    expect((await post(yoga(true).yoga, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    expect((await post(yoga(false).yoga, '{ __typename }')).status).toBe(401);
    expect((await post(yoga(true).yoga, '{ __typename hello(name: "a") }')).status).toBe(401);
  });

  describe('with a failed-authentication budget of 2 a minute', () => {
    let now = 0;
    const setup = () => {
      const metrics = new GatewayMetrics();
      const { logger } = keptLogs();
      const authenticator = createAuthenticator({ adminKeys: [KEY], now: () => now, fetchTimeoutMs: 1000 });
      const failures = new AuthFailureBudget(new MemoryRateLimiter(2, () => now), () => now);
      return yogaWith([
        useRequestContext({ logger, trustProxyHops: 1 }),
        useAuth({ authenticator, metrics, logger, failures }),
      ]);
    };
    const from = (y: ReturnType<typeof setup>, client: string, bearer: string) =>
      post(y, '{ whoami }', { headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': client } });

    it('answers 429 with a Retry-After after the burst, even for the right key, until the wait is over', async () => {
      now = 0;
      const y = setup();
      expect((await from(y, '192.0.2.1', 'wrong-1')).status).toBe(401);
      expect((await from(y, '192.0.2.1', 'wrong-2')).status).toBe(401);
      const third = await from(y, '192.0.2.1', 'wrong-3');
      expect([third.status, third.headers.get('retry-after'), third.body.errors?.[0]?.extensions]).toEqual([
        429,
        '30',
        { code: 'THROTTLED', retryAfter: 30 },
      ]);
      // Not even a right guess is told apart while the client waits.
      expect((await from(y, '192.0.2.1', KEY)).status).toBe(429);
      // Another client is not affected.
      expect((await from(y, '192.0.2.2', KEY)).body).toEqual({ data: { whoami: 'admin#1' } });
      now += 30_000;
      expect((await from(y, '192.0.2.1', KEY)).body).toEqual({ data: { whoami: 'admin#1' } });
    });

    it('also holds per presented credential, from whichever address it comes', async () => {
      now = 0;
      const y = setup();
      expect((await from(y, '198.51.100.1', 'replayed')).status).toBe(401);
      expect((await from(y, '198.51.100.2', 'replayed')).status).toBe(401);
      expect((await from(y, '198.51.100.3', 'replayed')).status).toBe(429);
      expect((await from(y, '198.51.100.3', 'another')).status).toBe(401);
    });

    it('does not count requests without a credential', async () => {
      now = 0;
      const y = setup();
      for (let i = 0; i < 5; i += 1) {
        expect((await post(y, '{ whoami }', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(
          401,
        );
      }
      expect((await from(y, '203.0.113.9', KEY)).status).toBe(200);
    });
  });
});
