import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcsIdentityError } from '@acs-identity/core';
import { createIdentityClient } from '@acs-identity/core/node';
import { type EmulatorLogEntry, type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unavailableOperations } from '../src/identity-backend.js';
import {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type IdentityBackend,
  type LogEntry,
  startGateway,
} from '../src/index.js';
import { adminKey, dataOf, errorsOf, graphql } from './helpers.js';

const key = adminKey();
let emulator: RunningEmulator;
let emulatorDir: string;
const dirs: string[] = [];
const gateways: Gateway[] = [];

beforeAll(async () => {
  emulatorDir = mkdtempSync(join(tmpdir(), 'acs-gateway-http-emulator-'));
  emulator = await startEmulator({ port: 0, dataDir: emulatorDir, logger: false, rateLimits: false });
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await emulator?.close();
  rmSync(emulatorDir, { recursive: true, force: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acs-gateway-http-'));
  dirs.push(dir);
  return dir;
}

/** A gateway on the shared emulator; the store in a fresh folder. */
async function open(options: GatewayOptions = {}): Promise<Gateway> {
  const gateway = await createGateway({
    env: {},
    dataDir: tempDir(),
    connectionString: emulator.info.connectionString,
    caCertFile: emulator.info.caCertFile ?? '',
    adminKeys: [key],
    logSink: () => {},
    ...options,
  });
  gateways.push(gateway);
  return gateway;
}

const BASE = 'http://gateway.test/';
const call = (
  gateway: Gateway,
  query: string,
  options: { auth?: string; variables?: Record<string, unknown> } = {},
) => graphql((url, init) => gateway.fetch(url, init), BASE, query, options);

async function signIn(gateway: Gateway, user: string): Promise<string> {
  const response = await gateway.fetch(`${BASE}dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe('the back end', () => {
  it('is the local emulator found through its data folder when nothing else is configured', async () => {
    const gateway = await createGateway({
      env: {},
      dev: true,
      dataDir: emulatorDir,
      adminKeys: [key],
      logSink: () => {},
    });
    gateways.push(gateway);
    expect(gateway.backendDescription).toBe(`local emulator (${emulatorDir})`);
    const created = dataOf<{ rawId: string }>(
      await call(gateway, 'mutation { createUser { rawId } }', { auth: key }),
      'createUser',
    );
    expect(created.rawId).toMatch(new RegExp(`^8:acs:${emulator.info.resourceId}_`));
  });

  it('says how to configure one when there is neither a connection string nor an emulator', async () => {
    const gateway = await createGateway({
      env: {},
      dev: true,
      dataDir: tempDir(),
      adminKeys: [key],
      logSink: () => {},
    });
    gateways.push(gateway);
    const response = await call(gateway, 'mutation { createUser { rawId } }', { auth: key });
    expect(errorsOf(response)[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(errorsOf(response)[0]?.message).toMatch(
      /No back end is configured and no local emulator was found in .*: set AZURE_COMMUNICATION_CONNECTION_STRING/,
    );
  });

  it("is never the local emulator's emulator.json outside development mode", async () => {
    await expect(
      createGateway({ env: {}, dataDir: emulatorDir, adminKeys: [key], logSink: () => {} }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field: 'AZURE_COMMUNICATION_CONNECTION_STRING' });
  });

  it('turns the service throttling into THROTTLED with a retry-after', async () => {
    const dataDir = tempDir();
    const strict = await startEmulator({
      port: 0,
      dataDir,
      logger: false,
      rateLimits: { create: 1, windowMs: 60_000 },
      // Held at the start of the current minute: the emulator's windows are aligned to the clock, so the wait it asks
      // for is then the whole window, whenever the test runs.
      now: () => Math.floor(Date.now() / 60_000) * 60_000,
    });
    const gateway = await open({
      connectionString: strict.info.connectionString,
      caCertFile: strict.info.caCertFile ?? '',
    });
    const create = () => call(gateway, 'mutation { createUser { rawId } }', { auth: key });
    const responses = [await create(), await create()];
    await strict.close();
    expect(responses[0]?.body.errors).toBeUndefined();
    const throttled = responses[1];
    expect(throttled?.status).toBe(429);
    const retryAfter = Number(throttled?.headers.get('retry-after'));
    // The emulator asks for the rest of its one-minute window: passed on, in whole seconds.
    expect(retryAfter).toBe(60);
    expect(throttled?.body.errors?.[0]?.extensions).toEqual({ code: 'THROTTLED', retryAfter });
  });

  it('masks unexpected errors', async () => {
    const failing: IdentityBackend = {
      ...unavailableOperations('unused'),
      endpoint: 'https://127.0.0.1:1/',
      createUser: () => Promise.reject(new Error('internal detail: password=hunter2')),
      createUserAndToken: () => Promise.reject(new Error('unused')),
      issueToken: () => Promise.reject(new Error('unused')),
      revokeTokens: () => Promise.reject(new Error('unused')),
      deleteUser: () => Promise.reject(new Error('unused')),
      exchangeTeamsToken: () => Promise.reject(new Error('unused')),
    };
    const logs: LogEntry[] = [];
    const gateway = await open({ identityClient: failing, logSink: (e) => logs.push(e) });
    const response = await call(gateway, 'mutation { createUser { rawId } }', { auth: key });
    expect(response.body).toMatchInlineSnapshot(`
      {
        "data": null,
        "errors": [
          {
            "extensions": {
              "code": "INTERNAL_SERVER_ERROR",
            },
            "locations": [
              {
                "column": 12,
                "line": 1,
              },
            ],
            "message": "Unexpected error.",
            "path": [
              "createUser",
            ],
          },
        ],
      }
    `);
    expect(logs.some((e) => e.level === 'error' && e.code === 'INTERNAL_SERVER_ERROR')).toBe(true);
  });

  it('removes the mapping before the identity, so a failed delete leaves no user pointing at it', async () => {
    const real = createIdentityClient({
      connectionString: emulator.info.connectionString,
      caCertFile: emulator.info.caCertFile ?? '',
    });
    const deleteFails: IdentityBackend = {
      ...unavailableOperations('unused'),
      endpoint: real.endpoint,
      createUser: () => real.createUser(),
      createUserAndToken: (scopes, o) => real.createUserAndToken(scopes, o),
      issueToken: (userId, scopes, o) => real.issueToken(userId, scopes, o),
      revokeTokens: (userId) => real.revokeTokens(userId),
      deleteUser: () =>
        Promise.reject(new AcsIdentityError('SERVICE_UNAVAILABLE', 'The service failed to answer.')),
      exchangeTeamsToken: (input) => real.exchangeTeamsToken(input),
    };
    const gateway = await open({ dev: true, identityClient: deleteFails });
    const lea = await signIn(gateway, 'lea');
    await call(gateway, 'mutation { issueMyToken(scopes: [CHAT]) { token } }', { auth: lea });
    const me = () => call(gateway, '{ me { identity { rawId } } }', { auth: lea });
    const rawId = dataOf<{ identity: { rawId: string } }>(await me(), 'me').identity.rawId;
    const deleted = await call(gateway, 'mutation($u: ID!) { deleteUser(userId: $u) }', {
      auth: key,
      variables: { u: rawId },
    });
    expect(errorsOf(deleted).map((e) => e.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect((await me()).body).toEqual({ data: { me: { identity: null } } });
  });

  it('maps every error code of the core in one place', async () => {
    const codes = [
      'INVALID_INPUT',
      'NOT_FOUND',
      'IDENTITY_NOT_OWNED',
      'SERVICE_UNAVAILABLE',
      'UNAUTHENTICATED',
    ] as const;
    const results: Record<string, unknown> = {};
    for (const code of codes) {
      const backend: IdentityBackend = {
        ...unavailableOperations('unused'),
        endpoint: 'https://127.0.0.1:1/',
        createUser: () => Promise.reject(new AcsIdentityError(code, `core says ${code}`, { target: 'id' })),
        createUserAndToken: () => Promise.reject(new Error('unused')),
        issueToken: () => Promise.reject(new Error('unused')),
        revokeTokens: () => Promise.reject(new Error('unused')),
        deleteUser: () => Promise.reject(new Error('unused')),
        exchangeTeamsToken: () => Promise.reject(new Error('unused')),
      };
      const gateway = await open({ identityClient: backend });
      results[code] = errorsOf(await call(gateway, 'mutation { createUser { rawId } }', { auth: key }))[0];
    }
    expect(results).toMatchInlineSnapshot(`
      {
        "IDENTITY_NOT_OWNED": {
          "code": "NOT_FOUND",
          "field": "userId",
          "message": "core says IDENTITY_NOT_OWNED",
        },
        "INVALID_INPUT": {
          "code": "BAD_USER_INPUT",
          "field": "userId",
          "message": "core says INVALID_INPUT",
        },
        "NOT_FOUND": {
          "code": "NOT_FOUND",
          "field": "userId",
          "message": "core says NOT_FOUND",
        },
        "SERVICE_UNAVAILABLE": {
          "code": "UPSTREAM_UNAVAILABLE",
          "message": "The identity service is unavailable; try again later.",
        },
        "UNAUTHENTICATED": {
          "code": "UPSTREAM_UNAVAILABLE",
          "message": "The identity service refused the gateway's own credentials; the operator must fix the back-end configuration.",
        },
      }
    `);
  });
});

describe('operations endpoints', () => {
  it('answers /healthz', async () => {
    const gateway = await open();
    const response = await gateway.fetch(`${BASE}healthz`, { headers: { 'x-request-id': 'probe-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('probe-1');
  });

  const asAdmin = { headers: { authorization: `Bearer ${key}` } };

  it('answers /readyz with the store and back end checked (details for administrators)', async () => {
    const gateway = await open();
    const response = await gateway.fetch(`${BASE}readyz`, asAdmin);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { store: 'ok', backend: 'ok' } });
    const anonymous = await gateway.fetch(`${BASE}readyz`);
    expect([anonymous.status, await anonymous.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('answers /readyz with 503 when the back end is unreachable, without leaking its key', async () => {
    const gateway = await open({
      connectionString: 'endpoint=https://127.0.0.1:9/;accesskey=c2VjcmV0LWtleS12YWx1ZQ==',
    });
    const response = await gateway.fetch(`${BASE}readyz`, asAdmin);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'unavailable', checks: { store: 'ok' } });
    expect(text).not.toContain('c2VjcmV0LWtleS12YWx1ZQ');
  });

  it('tells anonymous callers only up or down: no host name, no DNS error; the details go to the log once', async () => {
    const logs: LogEntry[] = [];
    const gateway = await open({
      connectionString: `endpoint=https://acs-unreachable.invalid/;accesskey=${Buffer.alloc(32, 1).toString('base64')}`,
      logSink: (e) => logs.push(e),
    });
    for (let i = 0; i < 3; i += 1) {
      const response = await gateway.fetch(`${BASE}readyz`);
      const text = await response.text();
      expect([response.status, JSON.parse(text)]).toEqual([503, { status: 'unavailable' }]);
      expect(text).not.toMatch(/acs-unreachable|ENOTFOUND|EAI_AGAIN|getaddrinfo/);
    }
    for (const bearer of ['wrong', adminKey()]) {
      const response = await gateway.fetch(`${BASE}readyz`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(await response.json()).toEqual({ status: 'unavailable' });
    }
    const admin = await (await gateway.fetch(`${BASE}readyz`, asAdmin)).text();
    expect(admin).toMatch(/acs-unreachable/);
    const changes = logs.filter((e) => e.msg === 'not ready');
    expect(changes).toHaveLength(1);
    expect(JSON.stringify(changes[0]?.checks)).toMatch(/acs-unreachable/);
  });

  it('answers /readyz with 503 while draining for shutdown', async () => {
    const gateway = await open();
    gateway.drain();
    const response = await gateway.fetch(`${BASE}readyz`, asAdmin);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable', checks: { shutdown: 'draining' } });
  });

  it('exposes Prometheus metrics', async () => {
    const gateway = await open();
    await call(gateway, '{ serverTime }', { auth: key });
    await call(gateway, '{ serverTime }');
    const response = await gateway.fetch(`${BASE}metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('acs_gateway_graphql_operations_total{field="serverTime",code="OK"} 1');
    expect(text).toContain('acs_gateway_auth_failures_total 1');
    expect(text).toContain('acs_gateway_http_requests_total{route="/graphql",status="200"} 1');
    expect(text).toContain('acs_gateway_http_requests_total{route="/graphql",status="401"} 1');
    expect(text).toMatch(/acs_gateway_http_request_duration_seconds_count\{route="\/graphql"\} 2/);
  });
});

describe('browser protections', () => {
  it('refuses requests a browser could send cross-site without a preflight (CSRF)', async () => {
    const gateway = await open();
    const form = await gateway.fetch(`${BASE}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${key}` },
      body: 'query=%7BserverTime%7D',
    });
    expect(form.status).toBe(403);
    expect(await form.json()).toMatchInlineSnapshot(`
      {
        "errors": [
          {
            "extensions": {
              "code": "BAD_REQUEST",
            },
            "message": "Refused as possible CSRF: send POST with content-type application/json, or add the header x-graphql-csrf: 1.",
          },
        ],
      }
    `);
    const get = await gateway.fetch(`${BASE}graphql?query=%7BserverTime%7D`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(get.status).toBe(403);
    const withHeader = await gateway.fetch(`${BASE}graphql?query=%7BserverTime%7D`, {
      headers: { authorization: `Bearer ${key}`, 'x-graphql-csrf': '1', accept: 'application/json' },
    });
    expect(withHeader.status).toBe(200);
  });

  it('answers CORS preflights only for allowed origins', async () => {
    const gateway = await open({ corsOrigins: ['https://app.example.com'] });
    const preflight = (origin: string) =>
      gateway.fetch(`${BASE}graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const loopback = await preflight('http://localhost:5173');
    expect(loopback.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows loopback origins in development mode', async () => {
    const gateway = await open({ dev: true });
    const response = await gateway.fetch(`${BASE}graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const signInPreflight = await gateway.fetch(`${BASE}dev/sign-in`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST' },
    });
    expect(signInPreflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
  });
});

describe('query limits and introspection', () => {
  it('refuses introspection outside development mode, even to administrators', async () => {
    const gateway = await open();
    const response = await call(gateway, '{ __schema { queryType { name } } }', { auth: key });
    expect(response.body.data).toBeUndefined();
    expect(new Set(errorsOf(response).map((e) => e.code))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(errorsOf(response)[0]?.message).toMatch(/introspection/);
    const page = await gateway.fetch(`${BASE}graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('serves GraphiQL and anonymous introspection in development mode', async () => {
    const gateway = await open({ dev: true });
    const response = await call(gateway, '{ __schema { queryType { name } } }');
    expect(response.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const page = await gateway.fetch(`${BASE}graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    // Introspection does not open anything else to anonymous callers.
    expect(errorsOf(await call(gateway, '{ __typename serverTime }')).map((e) => e.code)).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('refuses too many aliases and too deep a query', async () => {
    const gateway = await open({ maxAliases: 2, maxDepth: 2 });
    const aliases = await call(gateway, '{ a: serverTime b: serverTime c: serverTime }', { auth: key });
    expect(errorsOf(aliases)).toMatchInlineSnapshot(`
      [
        {
          "code": "GRAPHQL_VALIDATION_FAILED",
          "message": "Syntax Error: Aliases limit of 2 exceeded, found 3.",
        },
      ]
    `);
    const deep = await call(gateway, '{ me { identity { rawId } } }', { auth: key });
    expect(errorsOf(deep)).toMatchInlineSnapshot(`
      [
        {
          "code": "GRAPHQL_VALIDATION_FAILED",
          "message": "Syntax Error: Query depth limit of 2 exceeded, found 3.",
        },
      ]
    `);
  });

  it('limits each caller to the configured operations a minute', async () => {
    let now = Date.parse('2026-11-22T03:00:00.000Z');
    const gateway = await open({ rateLimitPerMinute: 2, now: () => now });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call(gateway, '{ serverTime }', { auth: key }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.headers.get('retry-after')).toBe('30');
    expect(answers[2]?.body.errors?.map((e) => [e.message, e.extensions])).toMatchInlineSnapshot(`
      [
        [
          "Too many requests from this caller; wait before trying again.",
          {
            "code": "THROTTLED",
            "retryAfter": 30,
          },
        ],
      ]
    `);
    now += 30_000;
    expect((await call(gateway, '{ serverTime }', { auth: key })).body).toEqual({
      data: { serverTime: '2026-11-22T03:00:30.000Z' },
    });
  });
});

describe('end-user policy', () => {
  it('keeps end users to the configured scopes and lifetime', async () => {
    const gateway = await open({
      dev: true,
      userScopes: ['chat', 'CHAT_JOIN'],
      userMaxExpiresInMinutes: 120,
    });
    const kim = await signIn(gateway, 'kim');
    expect(
      dataOf(await call(gateway, '{ me { allowedScopes maxExpiresInMinutes } }', { auth: kim }), 'me'),
    ).toEqual({
      allowedScopes: ['CHAT', 'CHAT_JOIN'],
      maxExpiresInMinutes: 120,
    });
    const voip = await call(gateway, 'mutation { issueMyToken(scopes: [CHAT, VOIP]) { token } }', {
      auth: kim,
    });
    const long = await call(
      gateway,
      'mutation { issueMyToken(scopes: [CHAT], expiresInMinutes: 121) { token } }',
      { auth: kim },
    );
    expect([...errorsOf(voip), ...errorsOf(long)]).toMatchInlineSnapshot(`
      [
        {
          "code": "FORBIDDEN",
          "field": "scopes",
          "message": "End users may not ask for VOIP; allowed: CHAT, CHAT_JOIN.",
        },
        {
          "code": "FORBIDDEN",
          "field": "expiresInMinutes",
          "message": "End users may ask for tokens of at most 120 minutes, not 121.",
        },
      ]
    `);
    const token = dataOf<{ expiresOn: string; serverTime: string }>(
      await call(gateway, 'mutation { issueMyToken(scopes: [CHAT]) { expiresOn serverTime } }', {
        auth: kim,
      }),
      'issueMyToken',
    );
    expect(Math.round((Date.parse(token.expiresOn) - Date.parse(token.serverTime)) / 60_000)).toBe(120);
    // Administrators are not bound by the end-user policy.
    const admin = await call(
      gateway,
      'mutation { createUserAndToken(scopes: [VOIP], expiresInMinutes: 1440) { user { rawId } } }',
      {
        auth: key,
      },
    );
    expect(admin.body.errors).toBeUndefined();
  });
});

describe('the development sign-in', () => {
  it('explains what to send', async () => {
    const gateway = await open({ dev: true });
    const bad = async (init: RequestInit) => {
      const response = await gateway.fetch(`${BASE}dev/sign-in`, init);
      return { status: response.status, body: await response.json() };
    };
    expect(await bad({ method: 'GET' })).toMatchInlineSnapshot(`
      {
        "body": {
          "error": {
            "code": "BAD_USER_INPUT",
            "message": "POST a JSON body {"user":"alice"} with content-type application/json.",
          },
        },
        "status": 400,
      }
    `);
    expect(
      await bad({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: '../../etc' }),
      }),
    ).toMatchInlineSnapshot(`
      {
        "body": {
          "error": {
            "code": "BAD_USER_INPUT",
            "field": "user",
            "message": "Send {"user":"<name>"} with a name of 1 to 64 letters, digits, ".", "_" or "-", e.g. {"user":"alice"}.",
          },
        },
        "status": 400,
      }
    `);
  });

  it('hands out tokens that expire after an hour of the gateway clock', async () => {
    let now = Date.parse('2026-11-22T03:00:00.000Z');
    const gateway = await open({ dev: true, now: () => now });
    const response = await gateway.fetch(`${BASE}dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    const body = (await response.json()) as { token: string; expiresOn: string };
    expect(body.expiresOn).toBe('2026-11-22T04:00:00.000Z');
    expect(dataOf(await call(gateway, '{ serverTime me { subject } }', { auth: body.token }), 'me')).toEqual({
      subject: 'alice',
    });
    now += 3600_000 + 1000;
    expect(errorsOf(await call(gateway, '{ serverTime }', { auth: body.token }))).toMatchInlineSnapshot(`
      [
        {
          "code": "UNAUTHENTICATED",
          "message": "The bearer token has expired; sign in again.",
        },
      ]
    `);
  });

  it('logs one line per request with its caller id, never the credential', async () => {
    const logs: LogEntry[] = [];
    const gateway = await open({ dev: true, logSink: (e) => logs.push(e), logLevel: 'info' });
    const token = await signIn(gateway, 'carol');
    await call(gateway, '{ serverTime }', { auth: token });
    await call(gateway, '{ serverTime }', { auth: key });
    await call(gateway, '{ serverTime }');
    const lines = logs.filter((e) => e.msg === 'request' && e.path === '/graphql');
    expect(lines.map((e) => e.caller)).toEqual(['dev:carol', 'admin#1', undefined]);
    expect(lines.every((e) => typeof e.requestId === 'string' && typeof e.durationMs === 'number')).toBe(
      true,
    );
    const text = JSON.stringify(logs);
    expect(text).not.toContain(token);
    expect(text).not.toContain(key);
  });

  it('warns loudly at start', async () => {
    const logs: LogEntry[] = [];
    await open({ dev: true, logSink: (e) => logs.push(e) });
    expect(logs.filter((e) => e.level === 'warn').map((e) => e.msg)).toMatchInlineSnapshot(`
      [
        "DEVELOPMENT MODE: anyone can sign in as any user with POST /dev/sign-in; GraphiQL and introspection are on. Never expose this gateway.",
      ]
    `);
  });

  it('warns once more when it is allowed on a host other machines reach', async () => {
    const logs: LogEntry[] = [];
    await open({ dev: true, host: '0.0.0.0', devAllowRemote: true, logSink: (e) => logs.push(e) });
    expect(logs.filter((e) => e.level === 'warn').map((e) => e.msg)).toContain(
      'DEVELOPMENT MODE ON 0.0.0.0 (--dev-allow-remote): every machine that reaches this gateway can sign in as anyone.',
    );
  });

  it('is refused in production', async () => {
    await expect(
      createGateway({ env: { NODE_ENV: 'production' }, dev: true, dataDir: tempDir(), logSink: () => {} }),
    ).rejects.toThrow('Development mode (--dev) is refused when NODE_ENV=production');
  });
});

describe('startup', () => {
  it('says when the mapping store cannot be opened, without the database password', async () => {
    const attempt = createGateway({
      env: {},
      dev: true,
      databaseUrl: 'postgres://acs:s3cret-pw@127.0.0.1:9/acs',
      logSink: () => {},
    });
    await expect(attempt).rejects.toThrow(
      /^The mapping store in PostgreSQL \(GATEWAY_DATABASE_URL\) could not be opened: /,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret-pw/);
  });
});

describe('startGateway', () => {
  it('listens on a port and shuts down gracefully', async () => {
    const logs: LogEntry[] = [];
    const running = await startGateway({
      env: {},
      port: 0,
      dataDir: tempDir(),
      connectionString: emulator.info.connectionString,
      caCertFile: emulator.info.caCertFile ?? '',
      adminKeys: [key],
      logSink: (e) => logs.push(e),
    });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/`);
    expect(running.graphqlUrl).toBe(`${running.url}graphql`);
    const response = await graphql((u, i) => fetch(u, i), running.url, '{ serverTime }', { auth: key });
    expect(response.status).toBe(200);
    await running.close();
    await running.close();
    await expect(fetch(`${running.url}healthz`)).rejects.toThrow();
    expect(logs.map((e) => e.msg)).toContain('gateway stopped');
  });

  it('warms up before it listens: back-end connections open, hot path rehearsed, no trace left', async () => {
    const dataDir = tempDir();
    const seen: EmulatorLogEntry[] = [];
    const watched = await startEmulator({ port: 0, dataDir, logger: (e) => seen.push(e), rateLimits: false });
    const logs: LogEntry[] = [];
    const running = await startGateway({
      env: {},
      port: 0,
      dataDir: tempDir(),
      connectionString: watched.info.connectionString,
      caCertFile: watched.info.caCertFile ?? '',
      adminKeys: [key],
      logSink: (e) => logs.push(e),
    });
    try {
      // Before any request reached the gateway, its connections to the service were open.
      expect(seen.filter((e) => e.method === 'GET' && e.path === '/').length).toBeGreaterThanOrEqual(16);
      const metrics = await (await fetch(`${running.url}metrics`)).text();
      expect(metrics).not.toMatch(/^acs_gateway_tokens_issued_total\{/m);
      expect(metrics).not.toMatch(/^acs_gateway_http_requests_total\{route="\/graphql"/m);
      expect(logs.filter((e) => e.msg === 'request' || e.msg === 'operation failed')).toEqual([]);
    } finally {
      await running.close();
      await watched.close();
    }
  });

  it('says which port is taken', async () => {
    const backEnd = {
      connectionString: emulator.info.connectionString,
      caCertFile: emulator.info.caCertFile ?? '',
    };
    const first = await startGateway({
      env: {},
      port: 0,
      dataDir: tempDir(),
      adminKeys: [key],
      ...backEnd,
      logSink: () => {},
    });
    try {
      await expect(
        startGateway({
          env: {},
          port: first.port,
          dataDir: tempDir(),
          adminKeys: [key],
          ...backEnd,
          logSink: () => {},
        }),
      ).rejects.toMatchObject({
        name: 'GatewayError',
        code: 'PORT_IN_USE',
        message: `Port ${first.port} on 127.0.0.1 is in use, so the gateway cannot listen there. Stop what uses it, or choose --port or GATEWAY_PORT (0 picks a free one).`,
      });
    } finally {
      await first.close();
    }
  });
});
