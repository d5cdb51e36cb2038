// Security properties of the gateway: end users reach only their own identity, admin keys are compared in constant
// time, rate limits hold per caller with a retry-after, and no secret reaches a log line or an error body.
import * as crypto from 'node:crypto';
import { decodeAccessToken } from '@acs-identity/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminKey } from './helpers.js';
import {
  type Answer,
  codeOf,
  findSecrets,
  http,
  type Stack,
  startStack,
  verifyToken,
} from './support-reliability.js';

// Spy on the comparison the authenticator uses, keeping its behaviour (constant-time check of the code path).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const ISSUE = 'mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }';
const REVOKE = 'mutation($u: ID!) { revokeTokens(userId: $u) }';
const DELETE = 'mutation($u: ID!) { deleteUser(userId: $u) }';
const MINE = 'mutation { issueMyToken(scopes: [CHAT, VOIP]) { token } }';
const ME = '{ me { role subject identity { rawId } } }';

const secondKey = adminKey();
const thirdKey = adminKey();
let stack: Stack;
/** Every credential and token this suite handled, scanned for at the end. */
const handled: Record<string, string> = {};
const remember = (label: string, value: string) => {
  handled[label] = value;
  return value;
};

const tokenOf = (answer: Answer, field: string) =>
  ((answer.json as { data?: Record<string, { token?: string } | null> }).data?.[field]?.token ??
    '') as string;

beforeAll(async () => {
  stack = await startStack({ dev: true, adminKeys: [adminKey(), secondKey, thirdKey] });
  remember('adminKey:second', secondKey);
  remember('adminKey:third', thirdKey);
});

afterAll(async () => {
  await stack?.close();
});

describe('end users', () => {
  let alice: string;
  let bob: string;
  let aliceId: string;
  let bobId: string;
  let aliceToken: string;

  beforeAll(async () => {
    alice = remember('oidc:alice', await stack.issuer.sign('alice'));
    bob = remember('oidc:bob', await stack.issuer.sign('bob'));
    aliceToken = remember('acs:alice', tokenOf(await stack.graphql(MINE, {}, alice), 'issueMyToken'));
    remember('acs:bob', tokenOf(await stack.graphql(MINE, {}, bob), 'issueMyToken'));
    const idOf = async (auth: string) =>
      ((await stack.graphql(ME, {}, auth)).json as { data: { me: { identity: { rawId: string } } } }).data.me
        .identity.rawId;
    aliceId = await idOf(alice);
    bobId = await idOf(bob);
    expect(aliceId).not.toBe(bobId);
  });

  it.each([
    ['issue a token for', ISSUE],
    ['revoke the tokens of', REVOKE],
    ['delete', DELETE],
  ])("cannot %s another user's identity", async (_what, query) => {
    const answer = await stack.graphql(query, { u: aliceId }, bob);
    expect(codeOf(answer)).toBe('FORBIDDEN');
    expect((answer.json as { data: unknown }).data).toBeNull();
  });

  it('cannot create identities or delete their own', async () => {
    for (const query of [
      'mutation { createUser { rawId } }',
      'mutation { createUserAndToken(scopes: [CHAT]) { user { rawId } } }',
    ]) {
      expect(codeOf(await stack.graphql(query, {}, bob))).toBe('FORBIDDEN');
    }
    expect(codeOf(await stack.graphql(DELETE, { u: bobId }, bob))).toBe('FORBIDDEN');
  });

  it('exchange only their own Teams token, and a refused Entra token is never echoed', async () => {
    const EXCHANGE =
      'mutation($t: String!, $a: String!, $u: String!) { exchangeTeamsToken(aadToken: $t, appId: $a, userId: $u) { token } }';
    const oidOf = (jwt: string) =>
      (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { oid: string }).oid;
    const aliceOid = oidOf(alice);
    const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
    const entra = remember(
      'entra:alice',
      stack.emulator.mintEntraToken({ teamsUser: aliceOid, appId }).token,
    );
    // Bob presents Alice's Entra token for Alice's oid: refused before it reaches the service.
    expect(codeOf(await stack.graphql(EXCHANGE, { t: entra, a: appId, u: aliceOid }, bob))).toBe('FORBIDDEN');
    // Alice gets her token.
    const mine = await stack.graphql(EXCHANGE, { t: entra, a: appId, u: aliceOid }, alice);
    expect(codeOf(mine)).toBeUndefined();
    remember('acs:aliceTeams', tokenOf(mine, 'exchangeTeamsToken'));
    // The service refuses a wrong appId and a tampered token; the errors name the field, not the token.
    const wrongApp = await stack.graphql(
      EXCHANGE,
      { t: entra, a: '00000000-0000-0000-0000-000000000001', u: aliceOid },
      stack.adminKey,
    );
    expect(codeOf(wrongApp)).toBe('BAD_USER_INPUT');
    const tampered = await stack.graphql(EXCHANGE, { t: `${entra}x`, a: appId, u: aliceOid }, stack.adminKey);
    expect([codeOf(tampered), tampered.status]).toEqual(['BAD_USER_INPUT', 200]);
  });

  it('get nothing for any variation of the identity of another user', () => {
    const variations = fc.oneof(
      fc.constantFrom(
        aliceId.toUpperCase(),
        ` ${aliceId}`,
        `${aliceId} `,
        encodeURIComponent(aliceId),
        `${aliceId}.`,
        `${aliceId}\u0000`,
        aliceId.replace('8:acs:', '8:spool:'),
        aliceId.replace('8:acs:', '8:dod-acs:'),
        `${bobId}/../${aliceId}`,
        `${bobId},${aliceId}`,
      ),
      fc
        .tuple(fc.nat(aliceId.length), fc.string({ maxLength: 3 }))
        .map(([at, s]) => aliceId.slice(0, at) + s + aliceId.slice(at)),
    );
    return fc.assert(
      fc.asyncProperty(variations, fc.constantFrom(ISSUE, REVOKE, DELETE), async (userId, query) => {
        const answer = await stack.graphql(query, { u: userId }, bob);
        const data = (answer.json as { data?: Record<string, unknown> | null }).data;
        expect(data ?? null).toBeNull();
        expect(['FORBIDDEN', 'BAD_USER_INPUT']).toContain(codeOf(answer));
      }),
      { numRuns: 60 },
    );
  });

  it("leave the other user's tokens and identity untouched", async () => {
    expect(await verifyToken(stack.emulator, aliceToken)).toMatchObject({ valid: true });
    const me = await stack.graphql(ME, {}, alice);
    expect((me.json as { data: { me: { identity: { rawId: string } } } }).data.me.identity.rawId).toBe(
      aliceId,
    );
  });

  it('receive, even when asking concurrently, only tokens of their own identity', async () => {
    const users = await Promise.all(
      ['carol', 'dave', 'erin', 'frank'].map((name) => stack.issuer.sign(name)),
    );
    for (const [i, u] of users.entries()) remember(`oidc:user${i}`, u);
    const calls = users.flatMap((auth, i) => Array.from({ length: 5 }, () => ({ auth, i })));
    const answers = await Promise.all(
      calls.map(async ({ auth, i }) => ({ i, answer: await stack.graphql(MINE, {}, auth) })),
    );
    const identities = new Map<number, Set<string>>();
    for (const { i, answer } of answers) {
      const token = remember(
        `acs:concurrent${i}:${identities.get(i)?.size ?? 0}`,
        tokenOf(answer, 'issueMyToken'),
      );
      const rawId = decodeAccessToken(token).rawId ?? '';
      identities.set(i, (identities.get(i) ?? new Set()).add(rawId));
    }
    // One identity per user, none shared.
    for (const set of identities.values()) expect(set.size).toBe(1);
    expect(new Set([...identities.values()].flatMap((s) => [...s])).size).toBe(users.length);
  });

  it('are told apart by issuer: a development user named alice is not the OpenID user alice', async () => {
    const response = await http(new URL('dev/sign-in', stack.gateway.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"alice"}',
    });
    const devAlice = remember('dev:alice', (response.json as { token: string }).token);
    const token = remember('acs:devAlice', tokenOf(await stack.graphql(MINE, {}, devAlice), 'issueMyToken'));
    expect(decodeAccessToken(token).rawId).not.toBe(aliceId);
    expect(codeOf(await stack.graphql(ISSUE, { u: aliceId }, devAlice))).toBe('FORBIDDEN');
  });
});

describe('admin keys', () => {
  const spy = crypto.timingSafeEqual as unknown as ReturnType<typeof vi.fn>;
  const callsFor = async (bearer: string) => {
    spy.mockClear();
    const answer = await stack.graphql('{ me { role } }', {}, bearer);
    const calls = spy.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]);
    return { answer, calls };
  };

  it('are compared in constant time: every configured key, as fixed-length digests, whatever is presented', async () => {
    const presented = [
      remember('adminKey:wrong', adminKey()),
      'x',
      'y'.repeat(5000),
      secondKey.slice(0, -1),
      `${secondKey}x`,
      secondKey,
      thirdKey,
    ];
    for (const bearer of presented) {
      const { calls } = await callsFor(bearer);
      expect(calls, bearer.slice(0, 10)).toEqual([
        [32, 32],
        [32, 32],
        [32, 32],
      ]);
    }
  });

  it('identify which key was used without revealing it', async () => {
    const answer = await stack.graphql('{ me { role } }', {}, thirdKey);
    expect((answer.json as { data: { me: { role: string } } }).data.me.role).toBe('ADMIN');
    const failed = await stack.graphql(
      ISSUE,
      { u: `8:acs:${stack.emulator.info.resourceId}_00000000-0000-0000-0000-000000000000` },
      thirdKey,
    );
    expect(codeOf(failed)).toBe('NOT_FOUND');
    expect(stack.gatewayLogs.some((l) => l.caller === 'admin#3')).toBe(true);
  });
});

describe('rate limits', () => {
  let limited: Stack;
  const clock = { now: Date.now() };

  beforeAll(async () => {
    limited = await startStack({ rateLimitPerMinute: 3, now: () => clock.now });
  });

  afterAll(async () => {
    await limited?.close();
  });

  it('hold per caller and answer 429 with a retry-after', async () => {
    const alice = await limited.issuer.sign('alice');
    const bob = await limited.issuer.sign('bob');
    for (let i = 0; i < 3; i += 1)
      expect(codeOf(await limited.graphql('{ serverTime }', {}, alice))).toBeUndefined();
    const refused = await limited.graphql('{ serverTime }', {}, alice);
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('THROTTLED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(
      (refused.json as { errors: { extensions: { retryAfter: number } }[] }).errors[0]?.extensions.retryAfter,
    ).toBe(retryAfter);
    // Other callers are not affected.
    expect(codeOf(await limited.graphql('{ serverTime }', {}, bob))).toBeUndefined();
    expect(codeOf(await limited.graphql('{ serverTime }', {}, limited.adminKey))).toBeUndefined();
    // A bad credential does not use up the user's budget, and anonymous callers have their own.
    expect(codeOf(await limited.graphql('{ serverTime }'))).toBe('UNAUTHENTICATED');
    // After the advertised wait, the caller is served again.
    clock.now += retryAfter * 1000;
    expect(codeOf(await limited.graphql('{ serverTime }', {}, alice))).toBeUndefined();
  });
});

describe("the resource's token budget", () => {
  let guarded: Stack;

  beforeAll(async () => {
    // The resource issues 20 tokens a minute (windows aligned to the minute, held at its start); each caller may run 5
    // operations a minute at the gateway.
    guarded = await startStack(
      { rateLimitPerMinute: 5 },
      { rateLimits: { issue: 20, windowMs: 60_000 }, now: () => Math.floor(Date.now() / 60_000) * 60_000 },
    );
  });

  afterAll(async () => {
    await guarded?.close();
  });

  it('holds against one user flooding with aliases, batches, fragments and many requests: another user still gets a token', async () => {
    const mallory = await guarded.issuer.sign('mallory');
    const tokens: string[] = [];
    const keep = (answer: Answer) => {
      const data = (answer.json as { data?: Record<string, { token?: string } | null> | null }).data ?? {};
      for (const value of Object.values(data)) if (value?.token) tokens.push(value.token);
      return answer;
    };
    const mine = (alias: string) => `${alias}issueMyToken(scopes: [CHAT]) { token }`;
    // One issueMyToken and ten aliases of it (the most aliases the gateway allows), five times.
    const aliased = `mutation { ${mine('')} ${Array.from({ length: 10 }, (_, i) => mine(`a${i}: `)).join(' ')} }`;
    for (let i = 0; i < 5; i += 1) {
      const answer = keep(await guarded.graphql(aliased, {}, mallory));
      expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    // The same through a fragment.
    const fragment = `mutation { ${mine('')} ...F } fragment F on Mutation { ${mine('again: ')} }`;
    expect(codeOf(keep(await guarded.graphql(fragment, {}, mallory)))).toBe('GRAPHQL_VALIDATION_FAILED');
    // A batch.
    const batch = JSON.stringify([
      { query: `mutation { ${mine('')} }` },
      { query: `mutation { ${mine('')} }` },
    ]);
    expect(keep(await guarded.post('graphql', batch, { authorization: `Bearer ${mallory}` })).status).toBe(
      400,
    );
    // One token, then her identity, then her own identity's issueToken three times aliased: one unit per field.
    expect(codeOf(keep(await guarded.graphql(`mutation { ${mine('')} }`, {}, mallory)))).toBeUndefined();
    const me = await guarded.graphql('{ me { identity { rawId } } }', {}, mallory);
    const own = (me.json as { data: { me: { identity: { rawId: string } } } }).data.me.identity.rawId;
    const issue = (alias: string) => `${alias}issueToken(userId: $u, scopes: [CHAT]) { token }`;
    const three = `mutation($u: ID!) { ${issue('x: ')} ${issue('y: ')} ${issue('z: ')} }`;
    expect(codeOf(keep(await guarded.graphql(three, { u: own }, mallory)))).toBeUndefined();
    // Her five units are spent: twenty requests at once are all refused.
    const many = await Promise.all(
      Array.from({ length: 20 }, () => guarded.graphql(`mutation { ${mine('')} }`, {}, mallory)),
    );
    for (const answer of many) keep(answer);
    expect(many.map((a) => a.status)).toEqual(many.map(() => 429));
    expect(tokens.length).toBe(4);
    // Bob is served: the resource still has tokens to issue.
    const bob = await guarded.issuer.sign('bob');
    const his = await guarded.graphql(`mutation { ${mine('')} }`, {}, bob);
    expect(codeOf(his)).toBeUndefined();
    expect(tokenOf(his, 'issueMyToken')).toMatch(/^eyJ/);
  });
});

describe('failed authentications', () => {
  let budgeted: Stack;
  const clock = { now: Date.now() };

  beforeAll(async () => {
    budgeted = await startStack({ authFailuresPerMinute: 5, trustProxyHops: 1, now: () => clock.now });
  });

  afterAll(async () => {
    await budgeted?.close();
  });

  const from = (client: string, bearer: string) =>
    budgeted.post('graphql', JSON.stringify({ query: '{ me { role } }' }), {
      authorization: `Bearer ${bearer}`,
      'x-forwarded-for': client,
    });

  it('end admin-key guessing from one client after a burst, with a Retry-After, for that client only', async () => {
    const statuses = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await from('192.0.2.10', adminKey())).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const refused = await from('192.0.2.10', budgeted.adminKey);
    expect([refused.status, codeOf(refused)]).toEqual([429, 'THROTTLED']);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(12);
    expect((await from('192.0.2.11', budgeted.adminKey)).status).toBe(200);
    // Guessing on /readyz is counted too, and tells nothing more than up or down while the client waits.
    const probe = await http(new URL('readyz', budgeted.gateway.url).toString(), {
      headers: { authorization: `Bearer ${budgeted.adminKey}`, 'x-forwarded-for': '192.0.2.10' },
    });
    expect(probe.json).toEqual({ status: 'ready' });
    clock.now += wait * 1000;
    expect((await from('192.0.2.10', budgeted.adminKey)).status).toBe(200);
  });

  it('count a stolen-and-broken token replayed from many addresses against that token', async () => {
    const expired = await budgeted.issuer.sign('eve', { expiresIn: -3600 });
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await from(`198.51.100.${i + 1}`, expired)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});

describe('secrets', () => {
  it('never appear in a log line or an error body of this suite', () => {
    const secrets = { ...stack.secrets(), ...handled };
    const logText = [...stack.gatewayLogs, ...stack.emulatorLogs].map((l) => JSON.stringify(l)).join('\n');
    expect(stack.gatewayLogs.length).toBeGreaterThan(20);
    expect(findSecrets(logText, secrets)).toEqual([]);
    const errorBodies = stack.answers.filter((a) => codeOf(a) !== undefined).map((a) => a.text);
    expect(errorBodies.length).toBeGreaterThan(10);
    expect(findSecrets(errorBodies.join('\n'), secrets)).toEqual([]);
  });
});
