import { describe, expect, it } from 'vitest';
import { normalizeOptions } from './options.js';
import { MemoryRateLimiter } from './rate-limit.js';

describe('MemoryRateLimiter', () => {
  it('allows the budget per 30 s window, then answers how long to wait', () => {
    let now = 1_200_000_005_000; // 5 s into a 30 s window
    const config = normalizeOptions({ rateLimits: { create: 2 } }).rateLimits;
    if (!config) throw new Error('expected limits');
    const limiter = new MemoryRateLimiter(config, () => now);
    expect(limiter.take('r', 'create')).toEqual({ allowed: true });
    expect(limiter.take('r', 'create')).toEqual({ allowed: true });
    expect(limiter.take('r', 'create')).toEqual({ allowed: false, retryAfterMs: 25_000, limit: 2 });
    expect(limiter.take('other', 'create')).toEqual({ allowed: true });
    expect(limiter.take('r', 'issue')).toEqual({ allowed: true });
    now += 25_000;
    expect(limiter.take('r', 'create')).toEqual({ allowed: true });
  });

  it('uses the service limits by default', () => {
    const config = normalizeOptions().rateLimits;
    expect(config).toEqual({
      windowMs: 30_000,
      limits: {
        create: 1000,
        createWithToken: 1000,
        delete: 500,
        issue: 1000,
        revoke: 500,
        exchangeTeamsToken: 500,
      },
    });
  });

  it('rejects an unknown operation name in the options', () => {
    expect(() => normalizeOptions({ rateLimits: { creat: 3 } as never })).toThrow(/rateLimits.creat/);
  });
});
