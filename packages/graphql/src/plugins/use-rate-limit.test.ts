import { describe, expect, it } from 'vitest';
import { keptLogs, post, yogaWith } from '../../test/plugin-yoga.js';
import { createAuthenticator } from '../authenticate.js';
import { GatewayMetrics } from '../metrics.js';
import { RateLimiter } from '../rate-limit.js';
import { useAuth } from './use-auth.js';
import { useRateLimit } from './use-rate-limit.js';

const KEYS = ['a'.repeat(40), 'b'.repeat(40)];

describe('useRateLimit', () => {
  it("refuses a caller's operations over the limit with 429 and a Retry-After, and no other caller's", async () => {
    const now = 0;
    const metrics = new GatewayMetrics();
    const authenticator = createAuthenticator({ adminKeys: KEYS, now: () => now, fetchTimeoutMs: 1000 });
    const yoga = yogaWith([
      useAuth({ authenticator, metrics, logger: keptLogs().logger }),
      useRateLimit({ limiter: new RateLimiter(1, () => now), metrics }),
    ]);
    const as = (key: string) =>
      post(yoga, '{ hello(name: "a") }', { headers: { authorization: `Bearer ${key}` } });
    expect((await as(KEYS[0] ?? '')).status).toBe(200);
    const refused = await as(KEYS[0] ?? '');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'THROTTLED', retryAfter: 60 });
    expect((await as(KEYS[1] ?? '')).status).toBe(200);
  });
});
