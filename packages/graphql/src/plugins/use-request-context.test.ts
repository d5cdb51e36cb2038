import { describe, expect, it } from 'vitest';
import { keptLogs, post, yogaWith } from '../../test/plugin-yoga.js';
import { useRequestContext } from './use-request-context.js';

describe('useRequestContext', () => {
  it("answers with the caller's plain x-request-id, or a new UUID for anything else", async () => {
    const yoga = yogaWith([useRequestContext({ logger: keptLogs().logger })]);
    const given = await post(yoga, '{ hello(name: "a") }', { headers: { 'x-request-id': 'trace-42' } });
    const odd = await post(yoga, '{ hello(name: "a") }', { headers: { 'x-request-id': 'has spaces' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one access line per request, and none for probes', async () => {
    const { logger, entries } = keptLogs();
    const yoga = yogaWith([useRequestContext({ logger })]);
    await post(yoga, '{ hello(name: "a") }', { headers: { 'x-request-id': 'r1' } });
    await yoga.fetch('http://yoga.test/healthz');
    expect(
      entries.map(({ time: _t, durationMs, ...rest }) => ({ ...rest, durationMs: typeof durationMs })),
    ).toEqual([
      {
        level: 'info',
        msg: 'request',
        requestId: 'r1',
        method: 'POST',
        path: '/graphql',
        status: 200,
        durationMs: 'number',
      },
    ]);
  });
});
