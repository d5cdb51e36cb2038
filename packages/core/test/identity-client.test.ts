import { createServer } from 'node:net';
import { inspect } from 'node:util';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeAccessToken } from '../src/index.js';
import {
  createIdentityClient,
  type IdentityClientOptions,
  type IdentityRequestLogEntry,
} from '../src/node.js';
import { type FakeAcsService, startFakeAcsService } from './support/fake-acs-service.js';
import { rejection } from './support/rejection.js';
import { createTestTls, type TestTls } from './support/tls.js';

const TEAMS = {
  aadToken: 'entra-token-of-a-teams-user',
  appId: '11111111-2222-3333-4444-555555555555',
  userId: '66666666-7777-8888-9999-000000000000',
};
const BEARER = 'entra-access-token-for-acs';

let tls: TestTls;
let https: FakeAcsService;
let http: FakeAcsService;

beforeAll(async () => {
  tls = await createTestTls();
  https = await startFakeAcsService({ tls, bearerToken: BEARER, teams: TEAMS });
  http = await startFakeAcsService({ teams: TEAMS });
});

afterAll(async () => {
  await https?.close();
  await http?.close();
  tls?.remove();
});

beforeEach(() => {
  https.requests.length = 0;
  http.requests.length = 0;
});

const overHttps = (extra: Partial<IdentityClientOptions> = {}) =>
  createIdentityClient({ connectionString: https.connectionString, caCertFile: tls.caCertFile, ...extra });

describe('createIdentityClient with a connection string over HTTPS and a local CA', () => {
  it('creates a user with an HMAC-signed request the server verifies', async () => {
    const client = overHttps();
    expect(client.endpoint).toBe(https.endpoint);
    const { rawId } = await client.createUser();
    expect(rawId).toMatch(new RegExp(`^8:acs:${https.resourceId}_`));
    const [request] = https.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/identities?api-version=2023-10-01',
      auth: 'hmac',
      body: '',
    });
    expect(request?.headers['x-ms-content-sha256']).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('creates a user and a token with normalized scopes and a lifetime', async () => {
    const before = Date.now();
    const result = await overHttps().createUserAndToken(['CHAT', 'chat.join', 'chat'], {
      expiresInMinutes: 60,
    });
    expect(JSON.parse(https.requests[0]?.body ?? '')).toEqual({
      createTokenWithScopes: ['chat', 'chat.join'],
      expiresInMinutes: 60,
    });
    const decoded = decodeAccessToken(result.token);
    expect(decoded.rawId).toBe(result.rawId);
    expect(decoded.scopes).toEqual(['chat', 'chat.join']);
    expect(result.expiresOn.getTime()).toBe(decoded.expiresOnTimestamp);
    expect(result.expiresOn.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
  });

  it('issues a token without sending a lifetime the caller did not set', async () => {
    const client = overHttps();
    const { rawId } = await client.createUser();
    const { token, expiresOn } = await client.issueToken(rawId, ['voip']);
    const request = https.requests[1];
    expect(request?.url).toBe(
      `/identities/${encodeURIComponent(rawId)}/:issueAccessToken?api-version=2023-10-01`,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual({ scopes: ['voip'] });
    expect(decodeAccessToken(token).expiresOnTimestamp).toBe(expiresOn.getTime());
    expect(expiresOn.getTime() - Date.now()).toBeGreaterThan(1439 * 60_000);
  });

  it('revokes tokens and deletes a user', async () => {
    const client = overHttps();
    const { rawId } = await client.createUser();
    await expect(client.revokeTokens(rawId)).resolves.toBeUndefined();
    await expect(client.deleteUser(rawId)).resolves.toBeUndefined();
    expect(https.requests.map((r) => `${r.method} ${r.url} ${r.auth}`)).toEqual([
      'POST /identities?api-version=2023-10-01 hmac',
      `POST /identities/${encodeURIComponent(rawId)}/:revokeAccessTokens?api-version=2023-10-01 hmac`,
      `DELETE /identities/${encodeURIComponent(rawId)}?api-version=2023-10-01 hmac`,
    ]);
  });

  it("exchanges a Teams user's Entra token", async () => {
    const { token, expiresOn } = await overHttps().exchangeTeamsToken(TEAMS);
    expect(JSON.parse(https.requests[0]?.body ?? '')).toEqual({
      token: TEAMS.aadToken,
      appId: TEAMS.appId,
      userId: TEAMS.userId,
    });
    expect(decodeAccessToken(token).rawId).toBe(`8:orgid:${TEAMS.userId}`);
    expect(expiresOn).toBeInstanceOf(Date);
  });
});

describe('service errors through the real SDK', () => {
  it('maps 401 IdentityNotOwned for an id of another resource', async () => {
    const e = await rejection(
      overHttps().issueToken('8:acs:00000000-0000-0000-0000-000000000000_x', ['chat']),
    );
    expect(e).toMatchObject({
      code: 'IDENTITY_NOT_OWNED',
      status: 401,
      serviceCode: 'IdentityNotOwned',
      message: "Provided identity doesn't belong to the resource.",
    });
  });

  it('maps a wrong access key to UNAUTHENTICATED without revealing either key', async () => {
    const wrongKey = Buffer.from('this is not the right key at all!').toString('base64');
    const e = await rejection(
      overHttps({ connectionString: `endpoint=${https.endpoint};accesskey=${wrongKey}` }).createUser(),
    );
    expect(e).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      serviceCode: 'Denied',
      message: 'Denied by the resource provider.',
    });
    expect(https.requests[0]?.auth).toBe('denied');
    for (const secret of [wrongKey, https.accessKey]) expect(`${e.message} ${e.stack}`).not.toContain(secret);
  });

  it('keeps no Entra token, bearer token or key in the error, its cause or their inspection', async () => {
    const exchange = await rejection(
      overHttps().exchangeTeamsToken({ ...TEAMS, appId: '11111111-2222-3333-4444-000000000000' }),
    );
    const credential: TokenCredential = {
      getToken: async () => ({ token: 'bearer-secret-value', expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const bearer = await rejection(
      createIdentityClient({ endpoint: https.endpoint, credential, caCertFile: tls.caCertFile }).createUser(),
    );
    expect(bearer.code).toBe('UNAUTHENTICATED');
    for (const e of [exchange, bearer]) {
      const cause = e.cause as { request?: unknown; response?: { request?: unknown } };
      const dump = [e, cause, cause.request, cause.response?.request]
        .map((x) => inspect(x, { depth: 20 }))
        .join(' ');
      for (const secret of [TEAMS.aadToken, 'bearer-secret-value', https.accessKey])
        expect(dump).not.toContain(secret);
    }
  });

  it('maps the Teams exchange errors', async () => {
    const client = overHttps();
    expect(await rejection(client.exchangeTeamsToken({ ...TEAMS, aadToken: 'garbage' }))).toMatchObject({
      code: 'UNAUTHENTICATED',
      serviceCode: 'InvalidAccessToken',
      message: 'Provided access token is not valid.',
    });
    expect(
      await rejection(client.exchangeTeamsToken({ ...TEAMS, appId: '11111111-2222-3333-4444-000000000000' })),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      serviceCode: 'ValidationError',
      target: 'appId',
      message: 'AAD application is not the expected one.',
    });
  });

  it('maps a service validation error with its target', async () => {
    https.failNext({
      status: 400,
      body: {
        error: {
          code: 'ValidationError',
          message: 'Invalid scopes - Scopes field is required.',
          target: 'scopes',
        },
      },
    });
    expect(await rejection(overHttps().createUserAndToken(['chat']))).toMatchObject({
      code: 'INVALID_INPUT',
      target: 'scopes',
      status: 400,
    });
  });

  it('maps 429 to THROTTLED with the retry-after-ms the service sent', async () => {
    https.failNext({ status: 429, headers: { 'retry-after-ms': '0' } });
    https.failNext({ status: 429, headers: { 'retry-after-ms': '0' } });
    https.failNext({ status: 429, headers: { 'retry-after-ms': '0' } });
    https.failNext({ status: 429, headers: { 'retry-after-ms': '0' } });
    const e = await rejection(overHttps().createUser());
    expect(e).toMatchObject({ code: 'THROTTLED', status: 429, retryAfterMs: 0 });
    expect(https.requests).toHaveLength(4);
  });

  it('maps 429 with Retry-After seconds when retries are off', async () => {
    https.failNext({ status: 429, headers: { 'retry-after': '7' } });
    const e = await rejection(overHttps({ retry: { maxRetries: 0 } }).createUser());
    expect(e).toMatchObject({ code: 'THROTTLED', retryAfterMs: 7000 });
  });

  it('maps 503 to SERVICE_UNAVAILABLE', async () => {
    https.failNext({ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'Try later.' } } });
    expect(await rejection(overHttps({ retry: { maxRetries: 0 } }).createUser())).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
    });
  });

  it('maps a refused connection to SERVICE_UNAVAILABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const key = Buffer.from('k').toString('base64');
    const client = createIdentityClient({
      connectionString: `endpoint=http://127.0.0.1:${port};accesskey=${key}`,
      retry: { maxRetries: 0 },
    });
    const e = await rejection(client.createUser());
    expect(e.code).toBe('SERVICE_UNAVAILABLE');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('refuses an HTTPS endpoint whose CA is not trusted, saying how to trust it', async () => {
    const e = await rejection(
      createIdentityClient({
        connectionString: https.connectionString,
        retry: { maxRetries: 0 },
      }).createUser(),
    );
    expect(e.code).toBe('NOT_CONFIGURED');
    expect(e.message).toContain('caCertFile');
  });

  it('reports an aborted operation', async () => {
    const e = await rejection(overHttps().createUser({ abortSignal: AbortSignal.abort() }));
    expect(e.message).toBe('The operation was aborted.');
  });
});

describe('local validation before any network call', () => {
  it.each([
    [
      'an empty scope list',
      (c: ReturnType<typeof overHttps>) => c.createUserAndToken([]),
      'Invalid scopes - Scopes field is required.',
    ],
    [
      'an unknown scope',
      (c: ReturnType<typeof overHttps>) => c.createUserAndToken(['sms']),
      'Unknown scope "sms"',
    ],
    [
      'a lifetime of 59 minutes',
      (c: ReturnType<typeof overHttps>) => c.createUserAndToken(['chat'], { expiresInMinutes: 59 }),
      'ExpiresInMinutes value 59 is invalid',
    ],
    [
      'a lifetime of 1441 minutes',
      (c: ReturnType<typeof overHttps>) =>
        c.issueToken(`8:acs:${https.resourceId}_x`, ['chat'], { expiresInMinutes: 1441 }),
      'ExpiresInMinutes value 1441 is invalid',
    ],
    [
      'a Teams user id given as user',
      (c: ReturnType<typeof overHttps>) => c.issueToken('8:orgid:abc', ['chat']),
      'is not a Communication Services user id',
    ],
    [
      'a malformed id to delete',
      (c: ReturnType<typeof overHttps>) => c.deleteUser('alice'),
      'is not a Communication Services user id',
    ],
    [
      'a malformed id to revoke',
      (c: ReturnType<typeof overHttps>) => c.revokeTokens(''),
      'is not a Communication Services user id',
    ],
    [
      'a malformed Teams app id',
      (c: ReturnType<typeof overHttps>) => c.exchangeTeamsToken({ ...TEAMS, appId: 'my-app' }),
      'Provided AppId has invalid format.',
    ],
    [
      'a malformed Teams user id',
      (c: ReturnType<typeof overHttps>) => c.exchangeTeamsToken({ ...TEAMS, userId: 'bob' }),
      'Provided UserId has invalid format.',
    ],
    [
      'an empty Entra token',
      (c: ReturnType<typeof overHttps>) => c.exchangeTeamsToken({ ...TEAMS, aadToken: ' ' }),
      'aadToken is required',
    ],
  ])('rejects %s', async (_, call, message) => {
    const e = await rejection(call(overHttps()));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(message);
    expect(https.requests).toHaveLength(0);
  });
});

describe('api-version selection', () => {
  it('sends the chosen api-version', async () => {
    const client = overHttps({ apiVersion: '2022-10-01' });
    await client.createUserAndToken(['chat'], { expiresInMinutes: 120 });
    expect(https.requests[0]?.url).toBe('/identities?api-version=2022-10-01');
    expect(client.apiVersion).toBe('2022-10-01');
  });

  it('refuses what the chosen api-version lacks, before any request', async () => {
    expect(
      (await rejection(overHttps({ apiVersion: '2022-10-01' }).createUserAndToken(['chat.join']))).message,
    ).toBe('Scope chat.join needs api-version 2023-10-01 or later; this client uses 2022-10-01.');
    expect(
      (
        await rejection(
          overHttps({ apiVersion: '2021-03-07' }).createUserAndToken(['chat'], { expiresInMinutes: 60 }),
        )
      ).message,
    ).toContain('needs api-version 2022-10-01');
    expect(
      (await rejection(overHttps({ apiVersion: '2021-03-07' }).exchangeTeamsToken(TEAMS))).message,
    ).toContain('needs api-version 2022-06-01');
    expect(https.requests).toHaveLength(0);
  });
});

describe('plain HTTP and Entra ID credentials', () => {
  it('signs requests to a plain-HTTP loopback endpoint', async () => {
    const client = createIdentityClient({ connectionString: http.connectionString });
    const { rawId } = await client.createUser();
    await client.issueToken(rawId, ['chat'], { expiresInMinutes: 90 });
    expect(http.requests.map((r) => r.auth)).toEqual(['hmac', 'hmac']);
    expect(http.requests[0]?.headers.host).toBe(new URL(http.endpoint).host);
  });

  it('authenticates with a TokenCredential over HTTPS, asking for the ACS scope', async () => {
    const asked: string[] = [];
    const credential: TokenCredential = {
      async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
        asked.push(...(Array.isArray(scopes) ? scopes : [scopes]));
        return { token: BEARER, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const client = createIdentityClient({ endpoint: https.endpoint, credential, caCertFile: tls.caCertFile });
    await client.createUser();
    expect(https.requests[0]?.auth).toBe('bearer');
    expect(asked).toEqual(['https://communication.azure.com//.default']);
  });
});

describe('proxies', () => {
  it('reaches a loopback endpoint directly although HTTPS_PROXY and HTTP_PROXY are set', async () => {
    const saved = { https: process.env.HTTPS_PROXY, http: process.env.HTTP_PROXY };
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    try {
      const overTls = overHttps({ retry: { maxRetries: 0 } });
      const plain = createIdentityClient({
        connectionString: http.connectionString,
        retry: { maxRetries: 0 },
      });
      await expect(overTls.createUser()).resolves.toHaveProperty('rawId');
      await expect(plain.createUser()).resolves.toHaveProperty('rawId');
    } finally {
      for (const [name, value] of [
        ['HTTPS_PROXY', saved.https],
        ['HTTP_PROXY', saved.http],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('the request logger', () => {
  it('gets one redacted entry per request and never a secret', async () => {
    const entries: IdentityRequestLogEntry[] = [];
    const client = overHttps({ logger: (entry) => entries.push(entry) });
    const { rawId, token } = await client.createUserAndToken(['chat']);
    await client.revokeTokens(rawId);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      url: `${https.endpoint}identities?api-version=2023-10-01`,
      status: 201,
    });
    expect(entries[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof entries[0]?.durationMs).toBe('number');
    const text = JSON.stringify(entries);
    for (const secret of [https.accessKey, token, 'Signature=', 'HMAC']) expect(text).not.toContain(secret);
  });

  it('logs a failed attempt and survives a throwing logger', async () => {
    const entries: IdentityRequestLogEntry[] = [];
    https.failNext({ status: 503 });
    await rejection(overHttps({ retry: { maxRetries: 0 }, logger: (e) => entries.push(e) }).createUser());
    expect(entries[0]).toMatchObject({ status: 503 });
    const client = overHttps({
      logger: () => {
        throw new Error('logger broke');
      },
    });
    await expect(client.createUser()).resolves.toHaveProperty('rawId');
  });
});
