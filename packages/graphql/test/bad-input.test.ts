// Bad input at the gateway over real HTTP: malformed GraphQL, query bombs, oversized bodies and headers, wrong types,
// missing and forged credentials. Each answer is a 4xx or a GraphQL error code, never a 5xx or a hang, and the gateway
// keeps serving afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_ERROR_CODES } from '../src/index.js';
import { type Answer, codeOf, http, type Stack, startStack } from './support-reliability.js';

let stack: Stack;
let user: string;
let userId: string;

beforeAll(async () => {
  // Every bad credential of the table must get its own 401: the failed-authentication budget, which would answer 429
  // after a burst from this one address, has its own tests (security.test.ts).
  stack = await startStack({ authFailuresPerMinute: 0 });
  user = await stack.issuer.sign('bad-input-user');
  const mine = await stack.graphql('mutation { issueMyToken(scopes: [CHAT]) { token } }', {}, user);
  expect(codeOf(mine)).toBeUndefined();
  const me = await stack.graphql('{ me { identity { rawId } } }', {}, user);
  userId = (me.json as { data: { me: { identity: { rawId: string } } } }).data.me.identity.rawId;
});

afterAll(async () => {
  await stack?.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nested = (depth: number) => `{ ${'me { identity { '.repeat(depth)}rawId${' } }'.repeat(depth)} }`;

interface Case {
  name: string;
  send: () => Promise<Answer>;
  /** Expected HTTP status (or the allowed ones). */
  status: number | number[];
  /** Expected `extensions.code` (GraphQL) or `error.code`; `null` when the answer has no JSON body. */
  code: string | null;
  field?: string;
}

const admin =
  (query: string, variables: Record<string, unknown> = {}) =>
  () =>
    stack.graphql(query, variables, stack.adminKey);
const raw =
  (body: string, headers: Record<string, string> = {}) =>
  () =>
    stack.post('graphql', body, { authorization: `Bearer ${stack.adminKey}`, ...headers });
const asUser =
  (auth: string | (() => Promise<string>), headers: Record<string, string> = {}) =>
  async () =>
    stack.post('graphql', JSON.stringify({ query: '{ me { role } }' }), {
      authorization: typeof auth === 'string' ? auth : `Bearer ${await auth()}`,
      ...headers,
    });
const ISSUE =
  'mutation($u: ID!, $s: [TokenScope!]!, $m: Int) { issueToken(userId: $u, scopes: $s, expiresInMinutes: $m) { token } }';

const cases: Case[] = [
  // Not GraphQL at all
  { name: 'broken JSON', send: raw('{"query": "{ serverTime }"'), status: 400, code: 'BAD_REQUEST' },
  { name: 'an empty body', send: raw(''), status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON string body', send: raw('"{ serverTime }"'), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a batch of two operations',
    send: raw(JSON.stringify([{ query: '{ serverTime }' }, { query: '{ serverTime }' }])),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'a query that is a number', send: raw('{"query": 1}'), status: 400, code: 'BAD_REQUEST' },
  { name: 'no query', send: raw('{"variables": {}}'), status: [200, 400], code: 'BAD_REQUEST' },
  {
    name: 'variables that are a string',
    send: raw('{"query": "{ serverTime }", "variables": "x"}'),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'invalid UTF-8',
    send: () =>
      stack.post('graphql', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), {
        authorization: `Bearer ${stack.adminKey}`,
      }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  // Malformed or hostile GraphQL
  {
    name: 'a syntax error',
    send: admin('{ me { role '),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an unknown field',
    send: admin('{ secrets }'),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an unknown operation name',
    send: raw(JSON.stringify({ query: '{ serverTime }', operationName: 'Nope' })),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'two operations without a name',
    send: admin('query A { serverTime } query B { serverTime }'),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a subscription',
    send: admin('subscription { serverTime }'),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a query 20 levels deep',
    send: admin(nested(10)),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a query 3000 levels deep',
    send: admin(nested(3000)),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: '3000 unclosed braces',
    send: admin('{'.repeat(3000)),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an alias flood',
    send: admin(`{ ${Array.from({ length: 500 }, (_, i) => `a${i}: serverTime`).join(' ')} }`),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an alias flood of mutations',
    send: admin(
      `mutation { ${Array.from({ length: 50 }, (_, i) => `a${i}: createUser { rawId }`).join(' ')} }`,
    ),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a directive flood',
    send: admin(`{ serverTime ${'@include(if: true) '.repeat(100)}}`),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a fragment cycle',
    send: admin('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a field repeated 1000 times',
    send: admin(`{ ${'serverTime '.repeat(1000)}}`),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'introspection outside development mode',
    send: admin('{ __schema { types { name } } }'),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'a 200 KB query', send: admin(`{ serverTime } # ${'x'.repeat(200_000)}`), status: 413, code: null },
  {
    name: '200 KB of variables',
    send: admin('{ serverTime }', { pad: 'x'.repeat(200_000) }),
    status: 413,
    code: null,
  },
  // Wrong types
  {
    name: 'an unknown scope',
    send: admin(ISSUE, { u: 'x', s: ['NOPE'] }),
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    field: 'scopes',
  },
  {
    name: 'scopes that are null',
    send: admin(ISSUE, { u: 'x', s: null }),
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    field: 'scopes',
  },
  {
    name: 'a lifetime that is a string',
    send: admin(ISSUE, { u: 'x', s: ['CHAT'], m: '60' }),
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    field: 'expiresInMinutes',
  },
  {
    name: 'a lifetime over 32 bits',
    send: admin(ISSUE, { u: 'x', s: ['CHAT'], m: 1e12 }),
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    field: 'expiresInMinutes',
  },
  {
    name: 'a lifetime with a fraction',
    send: admin(ISSUE, { u: 'x', s: ['CHAT'], m: 60.5 }),
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    field: 'expiresInMinutes',
  },
  {
    name: 'a userId that is an object',
    send: admin(ISSUE, { u: { id: 1 }, s: ['CHAT'] }),
    status: [200, 400],
    code: 'BAD_USER_INPUT',
    field: 'userId',
  },
  {
    name: 'a userId that is not an ACS id',
    send: admin(ISSUE, { u: 'alice', s: ['CHAT'] }),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'userId',
  },
  {
    name: 'a userId with unicode and a NUL',
    send: admin(ISSUE, { u: '8:acs:🙂\u0000', s: ['CHAT'] }),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'userId',
  },
  {
    name: "another resource's userId",
    send: admin(ISSUE, {
      u: '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130',
      s: ['CHAT'],
    }),
    status: 200,
    code: 'NOT_FOUND',
    field: 'userId',
  },
  ...[0, 59, 1441, -1, 1_000_000_000].map((m) => ({
    name: `a lifetime of ${m}`,
    send: () => admin(ISSUE, { u: userId, s: ['CHAT'], m })(),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'expiresInMinutes',
  })),
  {
    name: 'an empty scope list',
    send: () => admin(ISSUE, { u: userId, s: [] })(),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'scopes',
  },
  {
    name: 'literal arguments of the wrong types',
    send: admin('mutation { issueToken(userId: 1.5, scopes: "CHAT", expiresInMinutes: "x") { token } }'),
    status: [200, 400],
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  // Transport
  {
    name: 'a text/plain post (possible CSRF)',
    send: raw('{"query":"{ serverTime }"}', { 'content-type': 'text/plain' }),
    status: 403,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a form post (possible CSRF)',
    send: raw('query=%7B+serverTime+%7D', { 'content-type': 'application/x-www-form-urlencoded' }),
    status: 403,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a plain GET',
    send: () =>
      http(new URL('graphql?query=%7BserverTime%7D', stack.gateway.url).toString(), {
        headers: { authorization: `Bearer ${stack.adminKey}` },
      }),
    status: 403,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a mutation over GET',
    send: () =>
      http(
        new URL(
          `graphql?query=${encodeURIComponent('mutation { createUser { rawId } }')}`,
          stack.gateway.url,
        ).toString(),
        { headers: { authorization: `Bearer ${stack.adminKey}`, 'x-graphql-csrf': '1' } },
      ),
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a multipart upload',
    send: raw('--x\r\ncontent-disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--\r\n', {
      'content-type': 'multipart/form-data; boundary=x',
      'x-graphql-csrf': '1',
    }),
    status: 415,
    code: null,
  },
  {
    name: 'a 20 KB header',
    send: raw('{"query":"{ serverTime }"}', { 'x-pad': 'a'.repeat(20_000) }),
    status: 431,
    code: null,
  },
  // Credentials
  {
    name: 'no credential',
    send: () => stack.graphql('{ me { role } }'),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  { name: 'an empty bearer', send: asUser('Bearer '), status: 401, code: 'UNAUTHENTICATED' },
  {
    name: 'a Basic credential',
    send: asUser(`Basic ${Buffer.from('admin:admin').toString('base64')}`),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a wrong admin key',
    send: asUser(`Bearer ${'k'.repeat(43)}`),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'the admin key cut short',
    send: () => asUser(`Bearer ${stack.adminKey.slice(0, -1)}`)(),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a 10 KB bearer value',
    send: asUser(`Bearer ${'a'.repeat(10_000)}`),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a forged JWT with garbage parts',
    send: asUser('Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a JWT whose header is not JSON',
    send: asUser(`Bearer ${Buffer.from('nope').toString('base64url')}.e30.c2ln`),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'an unsigned token (alg none)',
    send: () =>
      asUser(
        `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: stack.issuer.issuer, aud: 'my-app', sub: 'bad-input-user', exp: Math.floor(Date.now() / 1000) + 600 })}.`,
      )(),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a token signed with a key id the issuer does not publish',
    send: asUser(() => stack.issuer.sign('bad-input-user', { kid: 'key-2', key: 'stranger' })),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: "a token signed with an unknown key under the issuer's key id",
    send: asUser(() => stack.issuer.sign('bad-input-user', { key: 'stranger' })),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a token for another audience',
    send: asUser(() => stack.issuer.sign('bad-input-user', { claims: { aud: 'another-app' } })),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a token of another issuer',
    send: asUser(() => stack.issuer.sign('bad-input-user', { claims: { iss: 'https://evil.example.com' } })),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'an expired token',
    send: asUser(() => stack.issuer.sign('bad-input-user', { expiresIn: -3600 })),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a token with its payload swapped',
    send: asUser(async () => {
      const [h, , s] = user.split('.');
      return `${h}.${b64({ iss: stack.issuer.issuer, aud: 'my-app', sub: 'someone-else', exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
    }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a development sign-in request when dev mode is off',
    send: () => stack.post('dev/sign-in', '{"user":"alice"}'),
    status: 404,
    code: null,
  },
];

describe('malformed requests to the gateway', () => {
  it.each(cases)('answers $name with $status $code', async (c) => {
    const answer = await c.send();
    expect(answer.status).toBeLessThan(500);
    expect(Array.isArray(c.status) ? c.status : [c.status]).toContain(answer.status);
    if (c.code !== null) expect(codeOf(answer)).toBe(c.code);
    // Nothing of the request echoed back (yoga's originalError used to quote the body).
    expect(answer.text).not.toContain('is not valid JSON');
    if (c.field !== undefined) {
      expect(
        (answer.json as { errors: { extensions: { field?: string } }[] }).errors[0]?.extensions.field,
      ).toBe(c.field);
    }
    expect(await stack.serving()).toBe(true);
  });

  it('keeps serving while 100 bad requests arrive at once', async () => {
    const bad = await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) => cases[i % cases.length]?.send() ?? Promise.reject(new Error('no case')),
      ),
    );
    for (const answer of bad) expect(answer.status).toBeLessThan(500);
    expect(await stack.serving()).toBe(true);
  });

  it('never answered with a 5xx, a code outside the documented table, nor logged an error', () => {
    expect(stack.answers.filter((a) => a.status >= 500)).toEqual([]);
    const codes = new Set(stack.answers.map(codeOf).filter((c) => c !== undefined));
    for (const code of codes) expect(GATEWAY_ERROR_CODES).toContain(code);
    expect(stack.answers.filter((a) => codeOf(a) === 'INTERNAL_SERVER_ERROR')).toEqual([]);
    expect(stack.gatewayLogs.filter((l) => l.level === 'error')).toEqual([]);
  });
});

export const GATEWAY_BAD_INPUT_CASES = cases.length;
