import { describe, expect, it, vi } from 'vitest';
import type { TokenRefresherEnvironment } from './environment.js';
import type { TokenRefresherError } from './errors.js';
import { gatewaySource } from './gateway.js';
import { normalizeOptions } from './options.js';

const answer = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' }, ...init });
const token = { token: 'tok', expiresOn: '2026-01-02T09:00:00.000Z', serverTime: '2026-01-01T09:00:00.000Z' };

function source(
  respond: () => Response | Promise<Response>,
  authorization = vi.fn(async (): Promise<string | undefined> => 'Bearer app-login'),
) {
  const fetch = vi.fn(async (_url: string, _init: { headers: Record<string, string>; body: string }) =>
    respond(),
  );
  const env = { fetch } as unknown as TokenRefresherEnvironment;
  const run = gatewaySource('https://gw.example/graphql', ['CHAT', 'VOIP'], 60, authorization, env);
  const call = () => run({ signal: new AbortController().signal });
  return { fetch, authorization, call };
}

async function failure(p: Promise<unknown>): Promise<TokenRefresherError> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: TokenRefresherError) => e,
  );
}

describe('gatewaySource', () => {
  it('calls issueMyToken with the scopes as enum names, the lifetime and the app’s authorization', async () => {
    const { fetch, call, authorization } = source(() => answer({ data: { issueMyToken: token } }));
    await expect(call()).resolves.toEqual(token);
    await call();
    expect(authorization).toHaveBeenCalledTimes(2);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('https://gw.example/graphql');
    expect(init?.headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: 'Bearer app-login',
    });
    expect(JSON.parse(init?.body ?? '')).toMatchInlineSnapshot(`
      {
        "query": "mutation($s:[TokenScope!]!,$m:Int){issueMyToken(scopes:$s,expiresInMinutes:$m){token expiresOn serverTime}}",
        "variables": {
          "m": 60,
          "s": [
            "CHAT",
            "VOIP",
          ],
        },
      }
    `);
  });

  it('sends no Authorization header when the callback returns nothing', async () => {
    const { fetch, call } = source(
      () => answer({ data: { issueMyToken: token } }),
      vi.fn(async () => undefined),
    );
    await call();
    expect(fetch.mock.calls[0]?.[1].headers).not.toHaveProperty('authorization');
  });

  it('falls back to the Date header for the server time', async () => {
    const { call } = source(() =>
      answer(
        { data: { issueMyToken: { token: 'tok', expiresOn: token.expiresOn } } },
        { headers: { date: 'Thu, 01 Jan 2026 09:00:00 GMT' } },
      ),
    );
    await expect(call()).resolves.toMatchObject({ serverTime: 'Thu, 01 Jan 2026 09:00:00 GMT' });
  });

  it.each([
    [401, {}, 'UNAUTHENTICATED'],
    [403, {}, 'FORBIDDEN'],
    [
      200,
      { errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] },
      'UNAUTHENTICATED',
    ],
    [200, { errors: [{ message: 'Not yours.', extensions: { code: 'FORBIDDEN' } }] }, 'FORBIDDEN'],
    [
      200,
      { errors: [{ message: 'Scope not allowed.', extensions: { code: 'BAD_USER_INPUT' } }] },
      'INVALID_REQUEST',
    ],
    [502, {}, 'SERVICE_UNAVAILABLE'],
    [200, { errors: [{ message: 'Unexpected error.' }] }, 'SERVICE_UNAVAILABLE'],
    [200, { data: null }, 'SERVICE_UNAVAILABLE'],
  ])('turns a %i answer %j into %s', async (status, body, code) => {
    const { call } = source(() => answer(body, { status }));
    expect(await failure(call())).toMatchObject({ code, status });
  });

  it('keeps the GraphQL error message and the Retry-After delay', async () => {
    const { call } = source(() =>
      answer(
        { errors: [{ message: 'Too many requests.', extensions: { code: 'THROTTLED' } }] },
        { status: 429, headers: { 'retry-after': '7' } },
      ),
    );
    const e = await failure(call());
    expect(e).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterMs: 7000 });
    expect(e.message).toMatchInlineSnapshot(`"The token service answered 429: Too many requests."`);
  });

  it('waits as long as a THROTTLED error’s retryAfter says when there is no Retry-After header', async () => {
    const { call } = source(() =>
      answer({ errors: [{ message: 'Slow down.', extensions: { code: 'THROTTLED', retryAfter: 3 } }] }),
    );
    expect(await failure(call())).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterMs: 3000 });
  });

  it('reports an unreachable gateway as SERVICE_UNAVAILABLE without leaking the authorization', async () => {
    const { call } = source(() => {
      throw new TypeError('Failed to fetch');
    });
    const e = await failure(call());
    expect(e.code).toBe('SERVICE_UNAVAILABLE');
    expect(e.message).toMatchInlineSnapshot(
      `"Could not reach the token service at https://gw.example/graphql."`,
    );
    expect(e.message).not.toContain('app-login');
  });

  it('is the source normalizeOptions builds from { url }', async () => {
    const fetch = vi.fn(async () => answer({ data: { issueMyToken: token } }));
    const o = normalizeOptions({ url: '/graphql', scopes: ['voip'], environment: { fetch } });
    await o.source({ signal: new AbortController().signal });
    expect(fetch).toHaveBeenCalledWith('/graphql', expect.objectContaining({ method: 'POST' }));
  });
});
