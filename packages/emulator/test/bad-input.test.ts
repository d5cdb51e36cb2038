// Bad input at the emulator over raw HTTPS: every malformed request gets the documented 4xx with a JSON error body,
// never a 5xx and never a hang, and the emulator keeps serving afterwards.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorLogEntry, type RunningEmulator, startEmulator } from '../src/index.js';
import {
  type Answer,
  API,
  accessKeyOf,
  createIdentity,
  errorCodeOf,
  errorTargetOf,
  findSecrets,
  healthy,
  rawTls,
  type SignOptions,
  send,
  signed,
  signHeaders,
  type Target,
  verifyToken,
} from './support-reliability.js';

let emulator: RunningEmulator;
let dataDir: string;
let t: Target;
let userId: string;
let resourceId: string;
const logs: EmulatorLogEntry[] = [];
const answers: Answer[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acs-emulator-bad-input-'));
  emulator = await startEmulator({ port: 0, dataDir, logger: (e) => logs.push(e), rateLimits: false });
  t = { info: emulator.info, ca: await readFile(emulator.info.caCertFile ?? '', 'utf8') };
  resourceId = emulator.info.resourceId;
  userId = (await createIdentity(t)).id;
});

afterAll(async () => {
  await emulator?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const issuePath = (id: string, version = API) =>
  `/identities/${encodeURIComponent(id)}/:issueAccessToken?${version}`;

interface Case {
  name: string;
  /** Builds and sends the request. */
  request: () => Promise<Answer>;
  status: number;
  code?: string;
  target?: string;
}

const issue =
  (body: unknown, extra: Partial<SignOptions> = {}) =>
  () =>
    signed(t, {
      target: issuePath(userId),
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...extra,
    });

const cases: Case[] = [
  // Bodies
  { name: 'broken JSON', request: issue('{"scopes": ["chat"'), status: 400, code: 'ValidationError' },
  {
    name: 'JSON with a trailing comma',
    request: issue('{"scopes":["chat"],}'),
    status: 400,
    code: 'ValidationError',
  },
  { name: 'a JSON array body', request: issue('[]'), status: 400, code: 'ValidationError' },
  { name: 'a JSON string body', request: issue('"chat"'), status: 400, code: 'ValidationError' },
  {
    name: 'a JSON null body (no scopes: the field is required)',
    request: issue('null'),
    status: 400,
    code: 'ValidationError',
    target: 'Scopes',
  },
  {
    name: 'invalid UTF-8 bytes',
    request: () => signed(t, { target: issuePath(userId), body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
    status: 400,
    code: 'ValidationError',
  },
  {
    name: 'a body with a NUL byte',
    request: issue('{"scopes":["chat\\u0000"]}'),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'a body of 1 MB',
    request: issue(JSON.stringify({ scopes: ['chat'], pad: 'x'.repeat(1_000_000) })),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'a body of 1 MB sent in chunks without Content-Length',
    request: () =>
      send(
        t,
        'POST',
        issuePath(userId),
        { ...signHeaders(t, { target: issuePath(userId), body: '{}' }), 'transfer-encoding': 'chunked' },
        Array.from({ length: 64 }, () => Buffer.alloc(16_384, 0x20)),
      ),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'a 20 KB header',
    request: () =>
      signed(t, {
        target: issuePath(userId),
        body: '{"scopes":["chat"]}',
        headers: { 'x-pad': 'a'.repeat(20_000) },
      }),
    status: 431,
    code: 'RequestHeaderFieldsTooLarge',
  },
  // Content types
  {
    name: 'JSON sent as text/plain',
    request: issue({ scopes: ['chat'] }, { contentType: 'text/plain' }),
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'JSON sent without a content type',
    request: issue({ scopes: ['chat'] }, { contentType: null }),
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'a form post',
    request: issue('scopes=chat', { contentType: 'application/x-www-form-urlencoded' }),
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'a multipart body',
    request: issue('--x\r\n\r\n{}\r\n--x--', { contentType: 'multipart/form-data; boundary=x' }),
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'content type application/jsonx',
    request: issue({ scopes: ['chat'] }, { contentType: 'application/jsonx' }),
    status: 415,
    code: 'UnsupportedMediaType',
  },
  // api-version
  {
    name: 'no api-version',
    request: () =>
      signed(t, {
        target: `/identities/${encodeURIComponent(userId)}/:issueAccessToken`,
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'ApiVersionUnspecified',
  },
  {
    name: 'an empty api-version',
    request: () => signed(t, { target: issuePath(userId, 'api-version='), body: '{"scopes":["chat"]}' }),
    status: 400,
    code: 'ApiVersionUnspecified',
  },
  {
    name: 'a future api-version',
    request: () =>
      signed(t, { target: issuePath(userId, 'api-version=2099-01-01'), body: '{"scopes":["chat"]}' }),
    status: 400,
    code: 'UnsupportedApiVersion',
  },
  {
    name: 'a preview api-version',
    request: () =>
      signed(t, { target: issuePath(userId, 'api-version=2023-10-01-preview'), body: '{"scopes":["chat"]}' }),
    status: 400,
    code: 'UnsupportedApiVersion',
  },
  {
    name: 'an api-version with markup and unicode',
    request: () =>
      signed(t, {
        target: issuePath(userId, `api-version=${encodeURIComponent('<script>🙂')}`),
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'UnsupportedApiVersion',
  },
  {
    name: 'a 5000-character api-version',
    request: () =>
      signed(t, {
        target: issuePath(userId, `api-version=${'9'.repeat(5000)}`),
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'UnsupportedApiVersion',
  },
  // Ids
  {
    name: 'a Teams user id',
    request: () =>
      signed(t, {
        target: issuePath('8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130'),
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'a garbage id',
    request: () => signed(t, { target: issuePath('alice'), body: '{"scopes":["chat"]}' }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'a 10 000-character id',
    request: () =>
      signed(t, {
        target: issuePath(`8:acs:${resourceId}_${'a'.repeat(10_000)}`),
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: "another resource's id",
    request: () =>
      signed(t, {
        target: issuePath('8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130'),
        body: '{"scopes":["chat"]}',
      }),
    status: 401,
    code: 'IdentityNotOwned',
  },
  {
    name: 'a never-created id of this resource',
    request: () =>
      signed(t, {
        target: issuePath(`8:acs:${resourceId}_00000000-0000-0000-0000-000000000000`),
        body: '{"scopes":["chat"]}',
      }),
    status: 404,
    code: 'IdentityNotFound',
  },
  {
    name: 'a unicode id',
    request: () =>
      signed(t, { target: issuePath(`8:acs:${resourceId}_ünï©ødé-🙂`), body: '{"scopes":["chat"]}' }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'an id with a NUL byte',
    request: () =>
      signed(t, { target: issuePath(`8:acs:${resourceId}_\u0000`), body: '{"scopes":["chat"]}' }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'broken percent-encoding in the id',
    request: () =>
      signed(t, {
        target: `/identities/8%3Aacs%3A%E0%A4%A/:issueAccessToken?${API}`,
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'an empty id',
    request: () =>
      signed(t, { target: `/identities//:issueAccessToken?${API}`, body: '{"scopes":["chat"]}' }),
    status: 404,
    code: 'NotFound',
  },
  // Path tricks
  {
    name: 'encoded slashes in the id',
    request: () =>
      signed(t, {
        target: `/identities/${encodeURIComponent(`${userId}/../../emulator/health`)}/:issueAccessToken?${API}`,
        body: '{"scopes":["chat"]}',
      }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'encoded dots as the id',
    request: () => signed(t, { target: `/identities/%2e%2e/:revokeAccessTokens?${API}` }),
    status: 400,
    code: 'ValidationError',
    target: 'id',
  },
  {
    name: 'dot segments in the path',
    request: () => signed(t, { method: 'GET', target: `/identities/../emulator/health?${API}` }),
    status: 404,
    code: 'NotFound',
  },
  {
    name: 'encoded dot segments before a route',
    request: () => signed(t, { target: `/%2e%2e/identities?${API}` }),
    status: 404,
    code: 'NotFound',
  },
  {
    name: 'an encoded slash in the route',
    request: () =>
      signed(t, {
        target: `/identities%2F${encodeURIComponent(userId)}%2F:issueAccessToken?${API}`,
        body: '{"scopes":["chat"]}',
      }),
    status: 404,
    code: 'NotFound',
  },
  {
    name: 'a backslash path',
    request: () => signed(t, { target: `/identities\\..\\emulator?${API}` }),
    status: 404,
    code: 'NotFound',
  },
  {
    name: 'an extra path segment',
    request: () =>
      signed(t, {
        target: `/identities/${encodeURIComponent(userId)}/:issueAccessToken/x?${API}`,
        body: '{"scopes":["chat"]}',
      }),
    status: 404,
    code: 'NotFound',
  },
  {
    name: 'a wrong method on a route',
    request: () => signed(t, { method: 'GET', target: `/identities?${API}` }),
    status: 405,
    code: 'MethodNotAllowed',
  },
  {
    name: 'a PUT on an identity',
    request: () => signed(t, { method: 'PUT', target: `/identities/${encodeURIComponent(userId)}?${API}` }),
    status: 405,
    code: 'MethodNotAllowed',
  },
  // Scopes
  {
    name: 'an unknown scope',
    request: issue({ scopes: ['admin'] }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'a look-alike unicode scope',
    request: issue({ scopes: ['сhat'] }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'a number as a scope',
    request: issue({ scopes: [1] }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'null as a scope',
    request: issue({ scopes: [null] }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'an object as a scope',
    request: issue({ scopes: [{ name: 'chat' }] }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'scopes as a string',
    request: issue({ scopes: 'chat' }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'an empty scope list',
    request: issue({ scopes: [] }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: '2000 scopes',
    request: issue({ scopes: Array.from({ length: 2000 }, (_, i) => `s${i}`) }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'a 2023-10-01 scope on 2021-03-07',
    request: () =>
      signed(t, { target: issuePath(userId, 'api-version=2021-03-07'), body: '{"scopes":["voip.join"]}' }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  {
    name: 'an unknown scope on create',
    request: () =>
      signed(t, { target: `/identities?${API}`, body: '{"createTokenWithScopes":["everything"]}' }),
    status: 400,
    code: 'ValidationError',
    target: 'scopes',
  },
  // Lifetimes
  ...[0, 59, 1441, -1, 1e9, 60.5, true, '59', '1e3', { m: 60 }, [60]].map((lifetime) => ({
    name: `expiresInMinutes ${JSON.stringify(lifetime)}`,
    request: issue({ scopes: ['chat'], expiresInMinutes: lifetime }),
    status: 400,
    code: 'ValidationError',
    target: 'ExpiresInMinutes',
  })),
  {
    name: 'expiresInMinutes on 2021-03-07',
    request: () =>
      signed(t, {
        target: issuePath(userId, 'api-version=2021-03-07'),
        body: '{"scopes":["chat"],"expiresInMinutes":60}',
      }),
    status: 400,
    code: 'ValidationError',
    target: 'expiresInMinutes',
  },
  // Signatures and dates
  {
    name: 'no Authorization header',
    request: issue({ scopes: ['chat'] }, { authorization: null }),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'a garbage Authorization header',
    request: issue({ scopes: ['chat'] }, { authorization: 'HMAC-SHA256 nonsense' }),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'a signature of the wrong length',
    request: issue(
      { scopes: ['chat'] },
      { authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA' },
    ),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'an empty signature',
    request: issue(
      { scopes: ['chat'] },
      { authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=' },
    ),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'a signature leaving out the host',
    request: issue(
      { scopes: ['chat'] },
      { authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;x-ms-content-sha256&Signature=AAAA' },
    ),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'a signature with an unknown key',
    request: issue({ scopes: ['chat'] }, { accessKey: Buffer.alloc(64, 7).toString('base64') }),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'a body changed after signing',
    request: issue(
      { scopes: ['chat', 'voip'] },
      { signedContentHash: 'bm90IHRoZSBoYXNoIG9mIHRoZSBib2R5IGF0IGFsbCE=' },
    ),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'a Bearer token (Entra ID is off)',
    request: issue(
      { scopes: ['chat'] },
      {
        authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL2NvbW11bmljYXRpb24uYXp1cmUuY29tIn0.',
      },
    ),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'an x-ms-date 6 minutes old',
    request: issue({ scopes: ['chat'] }, { date: new Date(Date.now() - 6 * 60_000).toUTCString() }),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'an x-ms-date 6 minutes ahead',
    request: issue({ scopes: ['chat'] }, { date: new Date(Date.now() + 6 * 60_000).toUTCString() }),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'an x-ms-date of 1970',
    request: issue({ scopes: ['chat'] }, { date: new Date(0).toUTCString() }),
    status: 401,
    code: 'Denied',
  },
  {
    name: 'an unparsable x-ms-date',
    request: issue({ scopes: ['chat'] }, { date: 'yesterday, at noon' }),
    status: 401,
    code: 'Denied',
  },
  // The verification endpoint
  {
    name: 'verify-token with a non-JSON body',
    request: () =>
      send(
        t,
        'POST',
        '/emulator/verify-token',
        { 'content-type': 'application/json' },
        Buffer.from('{token'),
      ),
    status: 400,
    code: 'ValidationError',
  },
  {
    name: 'verify-token with a number token',
    request: () =>
      send(
        t,
        'POST',
        '/emulator/verify-token',
        { 'content-type': 'application/json' },
        Buffer.from('{"token":1}'),
      ),
    status: 400,
    code: 'ValidationError',
    target: 'token',
  },
  {
    name: 'verify-token as text/plain',
    request: () =>
      send(
        t,
        'POST',
        '/emulator/verify-token',
        { 'content-type': 'text/plain' },
        Buffer.from('{"token":"x"}'),
      ),
    status: 415,
    code: 'UnsupportedMediaType',
  },
];

describe('malformed requests to the emulator', () => {
  it.each(cases)('answers $name with $status $code', async (c) => {
    const answer = await c.request();
    answers.push(answer);
    expect({ status: answer.status, code: errorCodeOf(answer) }).toEqual({ status: c.status, code: c.code });
    if (c.target !== undefined) expect(errorTargetOf(answer)).toBe(c.target);
    expect(answer.status).toBeLessThan(500);
    expect(typeof (answer.json as { error?: { message?: unknown } }).error?.message).toBe('string');
    expect(await healthy(t)).toBe(true);
  });

  it('answers token verification of garbage with valid: false, not an error', async () => {
    for (const token of ['', 'a.b.c', 'x'.repeat(60_000), 'eyJhbGciOiJub25lIn0.e30.', '🙂.🙂.🙂']) {
      if (token === '') continue;
      expect(await verifyToken(t, token)).toMatchObject({ valid: false, reason: 'malformed' });
    }
  });

  it('answers garbage bytes on the socket with 400 and closes the connection', async () => {
    const reply = await rawTls(t, 'GARBAGE \u0001\u0002 HTTP/9.9\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toContain('"BadRequest"');
    expect(await healthy(t)).toBe(true);
  });

  it('answers raw non-ASCII bytes in the request line with a 4xx', async () => {
    const reply = await rawTls(
      t,
      Buffer.concat([
        Buffer.from('POST /identities/'),
        Buffer.from('ü🙂', 'utf8'),
        Buffer.from(`/:revokeAccessTokens?${API} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n`),
      ]),
    );
    expect(reply).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(await healthy(t)).toBe(true);
  });

  it('accepts expiresInMinutes "60" as a string of digits (documented decision)', async () => {
    const answer = await issue({ scopes: ['chat'], expiresInMinutes: '60' })();
    expect(answer.status).toBe(200);
  });

  it('accepts lifetimes of exactly 60 and 1440 minutes', async () => {
    for (const minutes of [60, 1440]) {
      expect((await issue({ scopes: ['chat'], expiresInMinutes: minutes })()).status).toBe(200);
    }
  });

  it('accepts a replayed signed request within the ±5 minute window, like the service', async () => {
    // The service has no nonce: a captured request can be replayed until its x-ms-date is 5 minutes old. The
    // emulator does the same, so clients see the same behaviour; the signature still binds method, path, host,
    // date and body, so a replay cannot be altered.
    const options: SignOptions = { target: issuePath(userId), body: '{"scopes":["chat"]}' };
    const headers = signHeaders(t, options);
    const body = Buffer.from('{"scopes":["chat"]}');
    const first = await send(t, 'POST', options.target, headers, body);
    const replay = await send(t, 'POST', options.target, headers, body);
    expect([first.status, replay.status]).toEqual([200, 200]);
    const altered = await send(t, 'POST', options.target, headers, Buffer.from('{"scopes":["voip"]}'));
    expect(altered.status).toBe(401);
    const elsewhere = await send(t, 'POST', `/identities?${API}`, headers, body);
    expect(elsewhere.status).toBe(401);
  });

  it('keeps serving many bad requests in parallel', async () => {
    const bad = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? issue('{')()
        : i % 3 === 1
          ? issue({ scopes: ['chat'] }, { authorization: 'HMAC-SHA256 x' })()
          : issue({ scopes: ['chat'] }, { contentType: 'text/xml' })(),
    );
    const results = await Promise.all(bad);
    for (const r of results) expect(r.status).toBeGreaterThanOrEqual(400);
    for (const r of results) expect(r.status).toBeLessThan(500);
    expect((await issue({ scopes: ['chat'] })()).status).toBe(200);
  });

  it('never wrote an error-level log line, a 5xx or a secret', () => {
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(logs.filter((l) => (l.status ?? 0) >= 500)).toEqual([]);
    const secrets = {
      accessKey: accessKeyOf(emulator.info.connectionString),
      secondaryKey: accessKeyOf(emulator.info.secondaryConnectionString ?? 'accesskey=none'),
      connectionString: emulator.info.connectionString,
    };
    expect(findSecrets(logs.map((l) => JSON.stringify(l)).join('\n'), secrets)).toEqual([]);
    expect(findSecrets(answers.map((a) => a.text).join('\n'), secrets)).toEqual([]);
  });
});

export const EMULATOR_BAD_INPUT_CASES = cases.length;
