import { describe, expect, it } from 'vitest';
import { keptLogs, post, yogaWith } from '../../test/plugin-yoga.js';
import { createAuthenticator } from '../authenticate.js';
import { GatewayMetrics } from '../metrics.js';
import { MemoryRateLimiter } from '../rate-limit.js';
import { useAuth } from './use-auth.js';
import { useRateLimit } from './use-rate-limit.js';

const KEYS = ['a'.repeat(40), 'b'.repeat(40)];

/** yoga with authentication and a rate limit of `perMinute` on the clock `now`. */
function limited(perMinute: number, now: () => number, costOf?: (field: string) => number) {
  const metrics = new GatewayMetrics();
  const authenticator = createAuthenticator({ adminKeys: KEYS, now, fetchTimeoutMs: 1000 });
  return yogaWith([
    useAuth({ authenticator, metrics, logger: keptLogs().logger }),
    useRateLimit({
      limiter: new MemoryRateLimiter(perMinute, now),
      metrics,
      ...(costOf === undefined ? {} : { costOf }),
    }),
  ]);
}

describe('useRateLimit', () => {
  it("refuses a caller's operations over the limit with 429 and a Retry-After, and no other caller's", async () => {
    const yoga = limited(1, () => 0);
    const as = (key: string) =>
      post(yoga, '{ hello(name: "a") }', { headers: { authorization: `Bearer ${key}` } });
    expect((await as(KEYS[0] ?? '')).status).toBe(200);
    const refused = await as(KEYS[0] ?? '');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'THROTTLED', retryAfter: 60 });
    expect((await as(KEYS[1] ?? '')).status).toBe(200);
  });

  it('charges one unit per root field, aliases and fragments included', async () => {
    let now = 0;
    const yoga = limited(4, () => now);
    const as = (query: string) => post(yoga, query, { headers: { authorization: `Bearer ${KEYS[0]}` } });
    // Three fields: three of the four units.
    expect(
      (await as('{ a: hello(name: "a") b: hello(name: "b") ...F } fragment F on Query { whoami }')).status,
    ).toBe(200);
    // Two more do not fit: refused whole, nothing charged, the wait is for the missing unit.
    const refused = await as('{ a: hello(name: "a") ... on Query { b: hello(name: "b") } }');
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '15']);
    expect((await as('{ whoami }')).status).toBe(200);
    expect((await as('{ whoami }')).status).toBe(429);
    now += 30_000;
    expect((await as('{ a: hello(name: "a") b: hello(name: "b") }')).status).toBe(200);
  });

  it('refuses an operation with more root fields than the limit allows in a minute, saying why', async () => {
    const yoga = limited(2, () => 0);
    const answer = await post(yoga, '{ a: whoami b: whoami c: whoami }', {
      headers: { authorization: `Bearer ${KEYS[0]}` },
    });
    expect([answer.status, answer.body.errors?.map((e) => [e.message, e.extensions?.code])]).toEqual([
      200,
      [
        [
          'This operation asks for 3 root fields, more than the 2 a minute this gateway allows each caller: send fewer at once.',
          'GRAPHQL_VALIDATION_FAILED',
        ],
      ],
    ]);
  });

  it("charges each root field its cost, and says so when an operation's units could never fit", async () => {
    let now = 0;
    const yoga = limited(
      5,
      () => now,
      (field) => (field === 'hello' ? 2 : 1),
    );
    const as = (query: string) => post(yoga, query, { headers: { authorization: `Bearer ${KEYS[0]}` } });
    // 2 + 2 + 1 = 5 units: the whole budget.
    expect((await as('{ a: hello(name: "a") b: hello(name: "b") whoami }')).status).toBe(200);
    expect((await as('{ whoami }')).status).toBe(429);
    now += 12_000;
    // One unit back: enough for whoami, not for hello.
    expect((await as('{ hello(name: "a") }')).status).toBe(429);
    expect((await as('{ whoami }')).status).toBe(200);
    const never = await as('{ a: hello(name: "a") b: hello(name: "b") c: hello(name: "c") }');
    expect(never.body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      [
        'This operation asks for 6 units (3 root fields), more than the 5 a minute this gateway allows each caller: send fewer at once.',
        'GRAPHQL_VALIDATION_FAILED',
      ],
    ]);
  });
});
