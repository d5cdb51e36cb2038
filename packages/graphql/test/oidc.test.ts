import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OidcIssuer, startOidcIssuer } from '@acs-identity/testing';
import { base64url, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, type LogEntry } from '../src/index.js';
import { adminKey, errorsOf, type Fetcher, graphql } from './helpers.js';

/** A real OpenID provider on a free port; its tokens are for `user-42` unless the claims name another subject. */
const startIssuer = () => startOidcIssuer({ claims: { sub: 'user-42' } });

const ME = 'query { me { role issuer subject identity { rawId } } }';
/** A back end these tests never reach (`me` reads only the mapping store). */
const UNUSED_BACK_END = `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.alloc(32, 7).toString('base64')}`;

describe('end-user authentication against a real OpenID issuer', () => {
  let issuer: OidcIssuer;
  let gateway: Gateway;
  let dataDir: string;
  const key = adminKey();
  const logs: LogEntry[] = [];
  const fetcher: Fetcher = (url, init) => gateway.fetch(url, init);
  const call = (auth: string | undefined, query = ME) =>
    graphql(fetcher, 'http://gateway.test/', query, auth === undefined ? {} : { auth });

  beforeAll(async () => {
    issuer = await startIssuer();
    dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-oidc-'));
    gateway = await createGateway({
      env: {},
      dataDir,
      oidcIssuer: issuer.issuer,
      oidcAudience: 'my-app',
      adminKeys: [key],
      connectionString: UNUSED_BACK_END,
      logSink: (e) => logs.push(e),
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await issuer?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts a token of the issuer, finding its keys through discovery', async () => {
    const response = await call(await issuer.sign({}));
    expect(response.body).toEqual({
      data: { me: { role: 'END_USER', issuer: issuer.issuer, subject: 'user-42', identity: null } },
    });
  });

  it('accepts an admin key', async () => {
    expect((await call(key)).body).toEqual({
      data: { me: { role: 'ADMIN', issuer: null, subject: null, identity: null } },
    });
  });

  it('refuses an anonymous call with 401', async () => {
    const response = await call(undefined, '{ serverTime }');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(errorsOf(response)).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "Sign in first: send "Authorization: Bearer <token or admin key>".",
        },
      ]
    `);
    expect(response.body.data).toBeUndefined();
  });

  it('refuses a wrong admin key', async () => {
    expect(errorsOf(await call(adminKey()))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer value is neither a valid admin key nor a JWT.",
        },
      ]
    `);
  });

  it('refuses a token for another audience', async () => {
    expect(errorsOf(await call(await issuer.sign({ aud: 'someone-else' })))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token was issued for another audience.",
        },
      ]
    `);
  });

  it('refuses a token of another issuer', async () => {
    expect(errorsOf(await call(await issuer.sign({ iss: 'https://evil.example' })))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token was issued by an issuer this gateway does not trust.",
        },
      ]
    `);
  });

  it('refuses an expired token', async () => {
    const response = await call(await issuer.sign({}, { expiresIn: -120 }));
    expect(response.status).toBe(401);
    expect(errorsOf(response)).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token has expired; sign in again.",
        },
      ]
    `);
  });

  it('refuses a token signed with a key id the issuer does not publish', async () => {
    expect(
      errorsOf(await call(await issuer.sign({}, { kid: 'key-2', key: 'stranger' }))),
    ).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token's signing key is not one of the issuer's keys.",
        },
      ]
    `);
  });

  it('refuses a token whose signature does not match the published key', async () => {
    expect(errorsOf(await call(await issuer.sign({}, { key: 'stranger' })))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token's signature is not valid.",
        },
      ]
    `);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(
      JSON.stringify({ iss: issuer.issuer, aud: 'my-app', sub: 'user-42', iat: now, exp: now + 600 }),
    );
    expect(errorsOf(await call(`${header}.${payload}.`))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token's signing algorithm is not accepted.",
        },
      ]
    `);
  });

  it('refuses a token signed with a shared secret (HS256)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'user-42' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(issuer.issuer)
      .setAudience('my-app')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough-for-hs256'));
    expect(errorsOf(await call(token))[0]?.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['a list', ['alice']],
    ['an empty object', {}],
    ['an object', { a: 1 }],
    ['a number', 12345],
    ['an empty string', ''],
    ['null', null],
  ])('refuses a token whose subject is %s, with the reason in the log only', async (_what, sub) => {
    logs.length = 0;
    const response = await call(await issuer.sign({ sub } as JWTPayload));
    expect(response.status).toBe(401);
    expect(errorsOf(response)).toEqual([
      { code: 'UNAUTHENTICATED', message: 'The bearer token is not valid.' },
    ]);
    const failure = logs.find((e) => e.msg === 'authentication failed');
    expect(failure?.reason).toBe('The "sub" claim must be a non-empty string.');
  });

  it('tells apart a numeric subject and the same digits as text', async () => {
    const text = await call(await issuer.sign({ sub: '12345' }));
    expect(text.body.data).toEqual({
      me: { role: 'END_USER', issuer: issuer.issuer, subject: '12345', identity: null },
    });
    expect((await call(await issuer.sign({ sub: 12345 } as unknown as JWTPayload))).status).toBe(401);
  });

  it('refuses an issuer that differs from the configured one only by a trailing slash', async () => {
    expect(errorsOf(await call(await issuer.sign({ iss: `${issuer.issuer}/` })))[0]?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses a malformed Authorization header', async () => {
    const response = await graphql(fetcher, 'http://gateway.test/', ME, {
      headers: { authorization: 'Basic abc' },
    });
    expect(errorsOf(response)).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The Authorization header must be "Bearer <token or admin key>".",
        },
      ]
    `);
  });

  it('does not accept development sign-in tokens when dev mode is off', async () => {
    const response = await gateway.fetch('http://gateway.test/dev/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    expect(response.status).toBe(404);
  });
});

describe('an OpenID issuer given with an explicit JWKS URL', () => {
  it('verifies tokens without discovery', async () => {
    const issuer = await startIssuer();
    const dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-oidc-'));
    const gateway = await createGateway({
      env: {},
      dataDir,
      oidcIssuer: 'https://login.example.com/tenant/v2.0',
      oidcAudience: ['api://my-app', 'my-app'],
      oidcJwksUrl: `${issuer.issuer}/keys`,
      connectionString: UNUSED_BACK_END,
      logSink: () => {},
    });
    try {
      const token = await issuer.sign({ iss: 'https://login.example.com/tenant/v2.0', aud: 'api://my-app' });
      const response = await graphql(
        (u, i) => gateway.fetch(u, i),
        'http://gateway.test/',
        '{ me { subject } }',
        {
          auth: token,
        },
      );
      expect(response.body).toEqual({ data: { me: { subject: 'user-42' } } });
      expect(issuer.jwksRequests()).toBe(1);
    } finally {
      await gateway.close();
      await issuer.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('an OpenID issuer that cannot be reached', () => {
  it('answers UPSTREAM_UNAVAILABLE, not UNAUTHENTICATED', async () => {
    const issuer = await startIssuer();
    const token = await issuer.sign({});
    await issuer.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-oidc-'));
    const gateway = await createGateway({
      env: {},
      dataDir,
      oidcIssuer: issuer.issuer,
      oidcAudience: 'my-app',
      connectionString: UNUSED_BACK_END,
      logSink: () => {},
    });
    try {
      const response = await graphql(
        (u, i) => gateway.fetch(u, i),
        'http://gateway.test/',
        '{ me { subject } }',
        {
          auth: token,
        },
      );
      expect(errorsOf(response)).toMatchInlineSnapshot(`
        [
          {
            "code": "UPSTREAM_UNAVAILABLE",
            "message": "The OpenID provider's signing keys could not be fetched; try again later.",
          },
        ]
      `);
    } finally {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
