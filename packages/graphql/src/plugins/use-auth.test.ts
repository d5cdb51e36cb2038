import { describe, expect, it } from 'vitest';
import { keptLogs, post, yogaWith } from '../../test/plugin-yoga.js';
import { createAuthenticator } from '../authenticate.js';
import { GatewayMetrics } from '../metrics.js';
import { useAuth } from './use-auth.js';

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
});
