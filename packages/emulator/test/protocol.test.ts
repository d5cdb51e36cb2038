import { connect } from 'node:tls';
import { API_VERSIONS } from '@acs-identity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessKeyOf, rawRequest, signedRequest, startTestEmulator, type TestEmulator } from './support.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({
    rateLimits: { create: 3, issue: 1000, windowMs: 30_000 },
    maxBodyBytes: 1024,
  });
});
afterAll(async () => {
  await t?.close();
});

const V = '2023-10-01';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/;

async function createIdentity(version = V): Promise<string> {
  t.clock.now += 30_000; // a fresh rate-limit window
  const res = await signedRequest(t, { target: `/identities?api-version=${version}` });
  expect(res.status).toBe(201);
  return (res.json as { identity: { id: string } }).identity.id;
}

function issueTarget(id: string, version = V): string {
  return `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=${version}`;
}

describe('routes, bodies and api-versions', () => {
  it('creates an identity with a token at every api-version and writes timestamps as the service does', async () => {
    for (const version of API_VERSIONS) {
      t.clock.now += 30_000;
      const res = await signedRequest(t, {
        target: `/identities?api-version=${version}`,
        body: JSON.stringify({ createTokenWithScopes: ['chat', 'voip'] }),
      });
      expect(res.status).toBe(201);
      expect(res.headers['api-supported-versions']).toBe(API_VERSIONS.join(', '));
      const body = res.json as {
        identity: { id: string };
        accessToken: { token: string; expiresOn: string };
      };
      expect(Object.keys(body)).toEqual(['identity', 'accessToken']);
      expect(body.accessToken.expiresOn).toMatch(TIMESTAMP);
    }
  });

  it('creates an identity from an empty body with a JSON content type (as Python sends it)', async () => {
    t.clock.now += 30_000;
    const res = await signedRequest(t, {
      target: `/identities?api-version=${V}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json as object)).toEqual(['identity']);
  });

  it('answers a missing and an unknown api-version with a JSON error naming the supported ones', async () => {
    const missing = await signedRequest(t, { target: '/identities' });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: { code: 'ApiVersionUnspecified' } });
    expect(JSON.stringify(missing.json)).toContain('2023-10-01');
    const unknown = await signedRequest(t, { target: '/identities?api-version=2020-01-01' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ error: { code: 'UnsupportedApiVersion' } });
    expect((unknown.json as { error: { message: string } }).error.message).toContain("'2020-01-01'");
  });

  it('rejects a scope that the api-version does not have', async () => {
    const id = await createIdentity();
    const res = await signedRequest(t, {
      target: issueTarget(id, '2022-10-01'),
      body: JSON.stringify({ scopes: ['chat.join'] }),
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'ValidationError', target: 'scopes' } });
    expect(JSON.stringify(res.json)).toContain('chat.join');
    const ok = await signedRequest(t, {
      target: issueTarget(id, V),
      body: JSON.stringify({ scopes: ['chat.join'] }),
    });
    expect(ok.status).toBe(200);
  });

  it('rejects an unknown scope, naming it', async () => {
    const id = await createIdentity();
    const res = await signedRequest(t, {
      target: issueTarget(id),
      body: JSON.stringify({ scopes: ['chat', 'teleport'] }),
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'ValidationError', target: 'scopes' } });
    expect(JSON.stringify(res.json)).toContain('teleport');
  });

  it('rejects expiresInMinutes before api-version 2022-10-01 and accepts it from then on', async () => {
    const id = await createIdentity();
    const old = await signedRequest(t, {
      target: issueTarget(id, '2022-06-01'),
      body: JSON.stringify({ scopes: ['chat'], expiresInMinutes: 60 }),
    });
    expect(old.status).toBe(400);
    expect(old.json).toMatchObject({ error: { code: 'ValidationError', target: 'expiresInMinutes' } });
    const ok = await signedRequest(t, {
      target: issueTarget(id, '2022-10-01'),
      body: JSON.stringify({ scopes: ['chat'], expiresInMinutes: 60 }),
    });
    expect(ok.status).toBe(200);
  });

  it('accepts the lifetime bounds 60 and 1440 and rejects 59 and 1441 with the service text', async () => {
    const id = await createIdentity();
    for (const [minutes, status] of [
      [60, 200],
      [1440, 200],
      [59, 400],
      [1441, 400],
    ] as const) {
      const res = await signedRequest(t, {
        target: issueTarget(id),
        body: JSON.stringify({ scopes: ['voip'], expiresInMinutes: minutes }),
      });
      expect(res.status).toBe(status);
      if (status === 400) {
        expect(res.json).toEqual({
          error: {
            code: 'ValidationError',
            message: `ExpiresInMinutes value ${minutes} is invalid. Value must be within the [60, 1440] interval.`,
            target: 'ExpiresInMinutes',
          },
        });
      }
    }
  });

  it('rejects a malformed identity id with 400 and a well-formed id of another resource with 401', async () => {
    const malformed = await signedRequest(t, {
      target: issueTarget('not-an-id'),
      body: JSON.stringify({ scopes: ['chat'] }),
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: { code: 'ValidationError', target: 'id' } });
    const teamsUser = await signedRequest(t, {
      method: 'DELETE',
      target: `/identities/${encodeURIComponent('8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130')}?api-version=${V}`,
    });
    expect(teamsUser.status).toBe(400);
    const foreign = await signedRequest(t, {
      method: 'POST',
      target: `/identities/${encodeURIComponent('8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_1')}/:revokeAccessTokens?api-version=${V}`,
    });
    expect(foreign.json).toEqual({
      error: { code: 'IdentityNotOwned', message: "Provided identity doesn't belong to the resource." },
    });
    expect(foreign.status).toBe(401);
  });

  it('answers 404 IdentityNotFound for an id of this resource that was never created', async () => {
    const res = await signedRequest(t, {
      target: issueTarget(`8:acs:${t.info.resourceId}_00000000-0000-0000-0000-000000000000`),
      body: JSON.stringify({ scopes: ['chat'] }),
    });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'IdentityNotFound', target: 'id' } });
  });

  it('answers a Teams token exchange with a garbage token 401 InvalidAccessToken, and needs api-version 2022-06-01', async () => {
    const body = JSON.stringify({ token: 'x', appId: 'y', userId: 'z' });
    const res = await signedRequest(t, { target: `/teamsUser/:exchangeAccessToken?api-version=${V}`, body });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error: { code: 'InvalidAccessToken', message: 'Provided access token is not valid.' },
    });
    const old = await signedRequest(t, {
      target: '/teamsUser/:exchangeAccessToken?api-version=2021-03-07',
      body,
    });
    expect(old.status).toBe(400);
    expect(old.json).toMatchObject({ error: { code: 'UnsupportedApiVersion' } });
  });

  it('answers unknown routes with 404 and wrong methods with 405, as JSON', async () => {
    const unknown = await signedRequest(t, { method: 'GET', target: `/nothing?api-version=${V}` });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 'NotFound' } });
    const wrong = await signedRequest(t, { method: 'GET', target: `/identities?api-version=${V}` });
    expect(wrong.status).toBe(405);
    expect(wrong.json).toMatchObject({ error: { code: 'MethodNotAllowed' } });
  });
});

describe('HMAC authentication', () => {
  const denied = { error: { code: 'Denied', message: 'Denied by the resource provider.' } };

  it('answers 401 Denied to a bad signature, a missing one and a bearer token, with no hint of the key', async () => {
    const wrongKey = Buffer.alloc(32, 1).toString('base64');
    const responses = [
      await signedRequest(t, { target: `/identities?api-version=${V}`, accessKey: wrongKey }),
      await signedRequest(t, { target: `/identities?api-version=${V}`, authorization: null }),
      await signedRequest(t, {
        target: `/identities?api-version=${V}`,
        authorization: 'Bearer eyJ0eXAiOiJKV1QifQ.e30.x',
      }),
    ];
    const key = accessKeyOf(t.info.connectionString);
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(res.json).toEqual(denied);
      expect(res.text).not.toContain(key);
    }
  });

  it('answers 401 when the body differs from the signed content hash (body altered after signing)', async () => {
    const emptyBodyHash = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
    const res = await signedRequest(t, {
      target: `/identities?api-version=${V}`,
      body: '{"createTokenWithScopes":["chat"]}',
      signedContentHash: emptyBodyHash,
      headers: { 'x-ms-content-sha256': emptyBodyHash },
    });
    expect(res.status).toBe(401);
  });

  it('accepts an x-ms-date 4 minutes off and rejects one 6 minutes off', async () => {
    t.clock.now += 30_000;
    const near = await signedRequest(t, {
      target: `/identities?api-version=${V}`,
      date: new Date(t.clock.now - 4 * 60_000).toUTCString(),
    });
    expect(near.status).toBe(201);
    for (const offset of [6 * 60_000, -6 * 60_000]) {
      const stale = await signedRequest(t, {
        target: `/identities?api-version=${V}`,
        date: new Date(t.clock.now + offset).toUTCString(),
      });
      expect(stale.status).toBe(401);
      expect(stale.json).toMatchObject({ error: { code: 'Denied' } });
      expect((stale.json as { error: { message: string } }).error.message).toMatch(/x-ms-date/);
    }
  });
});

describe('robustness', () => {
  it('answers 413 to a body over the limit', async () => {
    const res = await signedRequest(t, {
      target: `/identities?api-version=${V}`,
      body: JSON.stringify({ createTokenWithScopes: ['chat'], pad: 'x'.repeat(2000) }),
    });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: 'RequestEntityTooLarge' } });
  });

  it('answers malformed JSON, a non-object body and a wrong content type with 4xx JSON', async () => {
    const id = await createIdentity();
    const malformed = await signedRequest(t, { target: issueTarget(id), body: '{"scopes": [' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: { code: 'ValidationError' } });
    const array = await signedRequest(t, { target: issueTarget(id), body: '["chat"]' });
    expect(array.status).toBe(400);
    const scopesNotArray = await signedRequest(t, { target: issueTarget(id), body: '{"scopes": "chat"}' });
    expect(scopesNotArray.status).toBe(400);
    const text = await signedRequest(t, {
      target: issueTarget(id),
      body: 'scopes=chat',
      contentType: 'text/plain',
    });
    expect(text.status).toBe(415);
    expect(text.json).toMatchObject({ error: { code: 'UnsupportedMediaType' } });
  });

  it('answers huge headers with 431 JSON and keeps serving', async () => {
    const res = await rawRequest(t, 'GET', '/emulator/health', { 'x-huge': 'a'.repeat(20_000) });
    expect(res.status).toBe(431);
    expect(res.json).toMatchObject({ error: { code: 'RequestHeaderFieldsTooLarge' } });
    const health = await rawRequest(t, 'GET', '/emulator/health', {});
    expect(health.json).toEqual({ status: 'ok', resourceId: t.info.resourceId });
  });

  it('refuses TLS below 1.2', async () => {
    const url = new URL(t.info.endpoint);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: url.hostname,
        port: Number(url.port),
        ca: t.ca,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
      });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });

  it('logs each request as structured JSON without keys, signatures or tokens', async () => {
    t.clock.now += 30_000;
    const res = await signedRequest(t, {
      target: `/identities?api-version=${V}`,
      body: JSON.stringify({ createTokenWithScopes: ['chat'] }),
    });
    const token = (res.json as { accessToken: { token: string } }).accessToken.token;
    const entry = t.logs.findLast((e) => e.msg === 'request' && e.operation === 'create');
    expect(entry).toMatchObject({ method: 'POST', path: `/identities?api-version=${V}`, status: 201 });
    expect(typeof entry?.durationMs).toBe('number');
    const all = JSON.stringify(t.logs);
    expect(all).not.toContain(accessKeyOf(t.info.connectionString));
    expect(all).not.toContain(token.split('.')[2]);
    expect(all).not.toMatch(/Signature=|accesskey=/i);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and retry-after-ms once the 30 s budget is spent, then recovers', async () => {
    t.clock.now = Math.ceil(t.clock.now / 30_000) * 30_000 + 5_000;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof signedRequest>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await signedRequest(t, { target: `/identities?api-version=${V}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(last?.headers['retry-after']).toBe('25');
    expect(last?.headers['retry-after-ms']).toBe('25000');
    expect(last?.json).toMatchObject({ error: { code: 'TooManyRequests' } });
    t.clock.now += 25_000;
    expect((await signedRequest(t, { target: `/identities?api-version=${V}` })).status).toBe(201);
  });
});

describe('misbehaving clients', () => {
  it('survives plain HTTP on the HTTPS port and a client that disconnects mid-body', async () => {
    const url = new URL(t.info.endpoint);
    const { request } = await import('node:http');
    const plain = await new Promise<string>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/emulator/health' }, (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      req.on('error', (e) => resolve(e.message));
      req.end();
    });
    expect(plain).not.toBe('status 200');
    const { connect: tlsConnect } = await import('node:tls');
    await new Promise<void>((resolve) => {
      const socket = tlsConnect({ host: url.hostname, port: Number(url.port), ca: t.ca }, () => {
        socket.write(
          `POST /identities?api-version=${V} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"createTok`,
        );
        setImmediate(() => {
          socket.destroy();
          resolve();
        });
      });
    });
    const health = await rawRequest(t, 'GET', '/emulator/health', {});
    expect(health.status).toBe(200);
  });
});

describe('lifecycle log', () => {
  it('logs when it starts listening, without the connection string', () => {
    const listening = t.logs.find((e) => e.msg.startsWith('listening on '));
    expect(listening).toMatchObject({ level: 'info', msg: expect.stringContaining(t.info.endpoint) });
    expect(JSON.stringify(listening)).not.toContain('accesskey');
  });
});
