import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from './errors.js';
import { normalizeOptions } from './settings.js';

const KEY = randomBytes(24).toString('base64');
const OTHER_KEY = randomBytes(30).toString('base64url');
/** A back end for configurations that are not in development mode (which needs an explicit one). */
const BACK_END = { connectionString: 'endpoint=https://x/;accesskey=a2V5' };

function failure(run: () => unknown): { field?: string; message: string } {
  try {
    run();
  } catch (e) {
    if (!isGatewayError(e) || e.code !== 'INVALID_OPTIONS') throw e;
    return { ...(e.field === undefined ? {} : { field: e.field }), message: e.message };
  }
  throw new Error('expected normalizeOptions to throw');
}

describe('normalizeOptions', () => {
  it('refuses a configuration nobody could call', () => {
    expect(failure(() => normalizeOptions({ env: {} }))).toMatchInlineSnapshot(`
      {
        "field": "GATEWAY_OIDC_ISSUER",
        "message": "Nobody could call this gateway: set GATEWAY_OIDC_ISSUER and GATEWAY_OIDC_AUDIENCE for end users, GATEWAY_ADMIN_KEYS for administrators, or start with --dev for local development.",
      }
    `);
  });

  it('reads everything from the environment', () => {
    const o = normalizeOptions({
      env: {
        GATEWAY_ADMIN_KEYS: `${KEY}, ${OTHER_KEY}`,
        GATEWAY_OIDC_ISSUER: 'https://login.example.com/tenant/v2.0',
        GATEWAY_OIDC_AUDIENCE: 'api://app,app',
        GATEWAY_USER_SCOPES: 'chat,VOIP_JOIN',
        GATEWAY_USER_MAX_EXPIRES_IN_MINUTES: '90',
        GATEWAY_DATABASE_URL: 'postgres://u:p@db/gw',
        GATEWAY_CORS_ORIGINS: 'https://app.example.com',
        GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
        GATEWAY_PORT: '8080',
        GATEWAY_HOST: '0.0.0.0',
        AZURE_COMMUNICATION_ENDPOINT: 'https://res.communication.azure.com/',
      },
    });
    expect(o.adminKeys).toEqual([KEY, OTHER_KEY]);
    expect(o.oidc).toEqual({
      issuer: 'https://login.example.com/tenant/v2.0',
      audience: ['api://app', 'app'],
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      clockToleranceSeconds: 60,
    });
    expect(o.userScopes).toEqual(['chat', 'voip.join']);
    expect(o.userMaxExpiresInMinutes).toBe(90);
    expect(o.store).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db/gw',
      schema: 'acs_identity_gateway',
    });
    expect(o.backend).toEqual({ kind: 'endpoint', endpoint: 'https://res.communication.azure.com/' });
    expect([o.corsOrigins, o.rateLimitPerMinute, o.port, o.host]).toEqual([
      ['https://app.example.com'],
      0,
      8080,
      '0.0.0.0',
    ]);
  });

  it('lets options win over the environment', () => {
    const o = normalizeOptions({ env: { GATEWAY_PORT: '8080', GATEWAY_DEV: 'false' }, port: 0, dev: true });
    expect([o.port, o.dev]).toEqual([0, true]);
  });

  it('prefers a connection string over an endpoint and falls back to the emulator', () => {
    const both = normalizeOptions({
      env: {
        AZURE_COMMUNICATION_CONNECTION_STRING: 'endpoint=https://x/;accesskey=a2V5',
        AZURE_COMMUNICATION_ENDPOINT: 'https://y/',
      },
      dev: true,
    });
    expect(both.backend.kind).toBe('connectionString');
    expect(normalizeOptions({ env: {}, dev: true, dataDir: '/tmp/acs' }).backend).toEqual({
      kind: 'emulator',
      dataDir: '/tmp/acs',
    });
  });

  it('explains each mistake', () => {
    const cases = {
      weakKey: () => normalizeOptions({ env: { GATEWAY_ADMIN_KEYS: 'short' } }),
      noAudience: () => normalizeOptions({ env: { GATEWAY_OIDC_ISSUER: 'https://login.example.com' } }),
      plainHttpIssuer: () =>
        normalizeOptions({ env: {}, oidcIssuer: 'http://login.example.com', oidcAudience: 'a' }),
      algNone: () =>
        normalizeOptions({
          env: {},
          oidcIssuer: 'https://l.example',
          oidcAudience: 'a',
          oidcAlgorithms: ['RS256', 'none'],
        }),
      audienceWithoutIssuer: () => normalizeOptions({ env: { GATEWAY_OIDC_AUDIENCE: 'a' }, dev: true }),
      badScope: () => normalizeOptions({ env: { GATEWAY_USER_SCOPES: 'chat,teleport' }, dev: true }),
      badLifetime: () =>
        normalizeOptions({ env: { GATEWAY_USER_MAX_EXPIRES_IN_MINUTES: '2000' }, dev: true }),
      badDatabase: () => normalizeOptions({ env: { GATEWAY_DATABASE_URL: 'mysql://x' }, dev: true }),
      badSchema: () =>
        normalizeOptions({ env: {}, dev: true, databaseUrl: 'postgres://x/y', databaseSchema: 'a;drop' }),
      badOrigin: () =>
        normalizeOptions({ env: { GATEWAY_CORS_ORIGINS: 'https://app.example.com/path' }, dev: true }),
      badPort: () => normalizeOptions({ env: { GATEWAY_PORT: 'eighty' }, dev: true }),
      badFlag: () => normalizeOptions({ env: { GATEWAY_DEV: 'maybe' } }),
      badLogLevel: () => normalizeOptions({ env: { GATEWAY_LOG_LEVEL: 'loud' }, dev: true }),
      devInProduction: () => normalizeOptions({ env: { NODE_ENV: 'production' }, dev: true }),
    };
    expect(
      Object.fromEntries(Object.entries(cases).map(([name, run]) => [name, failure(run)])),
    ).toMatchInlineSnapshot(`
      {
        "algNone": {
          "field": "oidcAlgorithms",
          "message": "--oidc-algorithms: "RS256,none" is not valid; expected asymmetric signing algorithms among RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519 (never HS256/384/512 or none).",
        },
        "audienceWithoutIssuer": {
          "field": "GATEWAY_OIDC_ISSUER",
          "message": "GATEWAY_OIDC_ISSUER is required when GATEWAY_OIDC_AUDIENCE or GATEWAY_OIDC_JWKS_URL is set.",
        },
        "badDatabase": {
          "field": "GATEWAY_DATABASE_URL",
          "message": "GATEWAY_DATABASE_URL: the value given is not valid; expected a postgres:// URL (leave it unset for the embedded SQLite store).",
        },
        "badFlag": {
          "field": "GATEWAY_DEV",
          "message": "GATEWAY_DEV: "maybe" is not valid; expected true or false.",
        },
        "badLifetime": {
          "field": "GATEWAY_USER_MAX_EXPIRES_IN_MINUTES",
          "message": "GATEWAY_USER_MAX_EXPIRES_IN_MINUTES: "2000" is not valid; expected a whole number from 60 to 1440.",
        },
        "badLogLevel": {
          "field": "GATEWAY_LOG_LEVEL",
          "message": "GATEWAY_LOG_LEVEL: "loud" is not valid; expected one of debug, info, warn, error.",
        },
        "badOrigin": {
          "field": "GATEWAY_CORS_ORIGINS",
          "message": "GATEWAY_CORS_ORIGINS: "https://app.example.com/path" is not valid; expected origins like https://app.example.com (no path), or *.",
        },
        "badPort": {
          "field": "GATEWAY_PORT",
          "message": "GATEWAY_PORT: "eighty" is not valid; expected a whole number from 0 to 65535.",
        },
        "badSchema": {
          "field": "databaseSchema",
          "message": "--database-schema: "a;drop" is not valid; expected a plain identifier (letters, digits, _).",
        },
        "badScope": {
          "field": "GATEWAY_USER_SCOPES",
          "message": "GATEWAY_USER_SCOPES: "chat,teleport" is not valid; expected scopes among chat, voip, chat.join, chat.join.limited, voip.join (or CHAT, VOIP_JOIN, … style), comma-separated.",
        },
        "devInProduction": {
          "field": "dev",
          "message": "Development mode (--dev) is refused when NODE_ENV=production: it lets anyone sign in as anyone, so it needs NODE_ENV unset, development or test.",
        },
        "noAudience": {
          "field": "GATEWAY_OIDC_AUDIENCE",
          "message": "GATEWAY_OIDC_AUDIENCE is required with GATEWAY_OIDC_ISSUER: the client id (aud) your app's tokens carry.",
        },
        "plainHttpIssuer": {
          "field": "oidcIssuer",
          "message": "--oidc-issuer: "http://login.example.com" is not valid; expected an https:// URL (plain http:// only for a loopback host).",
        },
        "weakKey": {
          "field": "GATEWAY_ADMIN_KEYS",
          "message": "GATEWAY_ADMIN_KEYS: the value given is not valid; expected random keys of at least 32 characters without spaces or repeats, separated by commas; make one with \`openssl rand -base64 32\`.",
        },
      }
    `);
  });

  it('allows development mode only with NODE_ENV unset, development or test (any case, spaces trimmed)', () => {
    for (const NODE_ENV of [undefined, '', 'development', 'test', 'Development', ' TEST ']) {
      expect(normalizeOptions({ env: { NODE_ENV }, dev: true }).dev, String(NODE_ENV)).toBe(true);
    }
    const refused = ['production', 'PRODUCTION', 'Production', 'prod', ' production', 'staging', 'dev'];
    for (const NODE_ENV of refused) {
      const { field, message } = failure(() => normalizeOptions({ env: { NODE_ENV }, dev: true }));
      expect([field, message.includes('\n')], NODE_ENV).toEqual(['dev', false]);
      expect(message).toContain('it needs NODE_ENV unset, development or test');
    }
    expect(
      failure(() => normalizeOptions({ env: { NODE_ENV: ' production' }, dev: true })).message,
    ).toMatchInlineSnapshot(
      `"Development mode (--dev) is refused when NODE_ENV=" production": it lets anyone sign in as anyone, so it needs NODE_ENV unset, development or test."`,
    );
  });

  it('refuses development mode on a host other machines reach, unless explicitly allowed', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) {
      expect(normalizeOptions({ env: {}, dev: true, host }).dev, host).toBe(true);
    }
    expect(failure(() => normalizeOptions({ env: {}, dev: true, host: '0.0.0.0' }))).toMatchInlineSnapshot(`
      {
        "field": "devAllowRemote",
        "message": "Development mode on 0.0.0.0 lets anyone who reaches it sign in as anyone: listen on 127.0.0.1, or add --dev-allow-remote (GATEWAY_DEV_ALLOW_REMOTE=true) if you mean it.",
      }
    `);
    expect(
      normalizeOptions({ env: {}, dev: true, host: '0.0.0.0', devAllowRemote: true }).devAllowRemote,
    ).toBe(true);
    expect(
      normalizeOptions({ env: { GATEWAY_DEV_ALLOW_REMOTE: 'true', GATEWAY_HOST: '192.0.2.1' }, dev: true })
        .host,
    ).toBe('192.0.2.1');
  });

  it('refuses admin keys without real entropy, saying how to make one', () => {
    const weak = [
      'a'.repeat(32),
      'ab'.repeat(16),
      'abcdefghijklmnopqrstuvwxyz012345',
      '0123456789'.repeat(4),
      'password'.repeat(4),
      'abcd1234'.repeat(5),
      `admin-${'k'.repeat(40)}`,
    ];
    for (const key of weak) {
      const { field, message } = failure(() => normalizeOptions({ env: {}, adminKeys: [key], ...BACK_END }));
      expect([field, message.includes(key)], key).toEqual(['adminKeys', false]);
      expect(message).toContain('openssl rand -base64 32');
    }
    const strong = [
      randomBytes(32).toString('base64'),
      randomBytes(24).toString('base64url'),
      randomBytes(16).toString('hex'),
      randomBytes(32).toString('hex'),
    ];
    for (let round = 0; round < 50; round += 1) {
      for (const key of [...strong, randomBytes(16).toString('hex'), randomBytes(24).toString('base64')]) {
        expect(normalizeOptions({ env: {}, adminKeys: [key], ...BACK_END }).adminKeys, key).toEqual([key]);
      }
    }
  });

  it('accepts only asymmetric OpenID signing algorithms', () => {
    const oidc = { env: {}, oidcIssuer: 'https://l.example', oidcAudience: 'a', ...BACK_END };
    for (const algorithms of [['HS256'], ['RS256', 'hs512'], ['none']]) {
      expect(failure(() => normalizeOptions({ ...oidc, oidcAlgorithms: algorithms })).field).toBe(
        'oidcAlgorithms',
      );
    }
    expect(
      failure(() => normalizeOptions({ ...oidc, env: { GATEWAY_OIDC_ALGORITHMS: 'HS256' } })),
    ).toMatchInlineSnapshot(`
      {
        "field": "GATEWAY_OIDC_ALGORITHMS",
        "message": "GATEWAY_OIDC_ALGORITHMS: "HS256" is not valid; expected asymmetric signing algorithms among RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519 (never HS256/384/512 or none).",
      }
    `);
    expect(normalizeOptions({ ...oidc, oidcAlgorithms: ['es256', 'EdDSA'] }).oidc?.algorithms).toEqual([
      'ES256',
      'EdDSA',
    ]);
  });

  it('refuses to start outside development mode without an explicit back end', () => {
    expect(failure(() => normalizeOptions({ env: {}, adminKeys: [KEY] }))).toMatchInlineSnapshot(`
      {
        "field": "AZURE_COMMUNICATION_CONNECTION_STRING",
        "message": "No back end is configured: set AZURE_COMMUNICATION_CONNECTION_STRING or AZURE_COMMUNICATION_ENDPOINT (or give identityClient). Only development mode (--dev) falls back to the local emulator's emulator.json.",
      }
    `);
    expect(normalizeOptions({ env: {}, adminKeys: [KEY], ...BACK_END }).backend.kind).toBe(
      'connectionString',
    );
  });

  it('counts rate limits in the shared database when there is one, unless told to keep them in memory', () => {
    const shared = { env: {}, dev: true, databaseUrl: 'postgres://u@db/gw' };
    expect(normalizeOptions({ env: {}, dev: true }).rateLimitStore).toBe('memory');
    expect(normalizeOptions(shared).rateLimitStore).toBe('database');
    expect(normalizeOptions({ ...shared, rateLimitStore: 'memory' }).rateLimitStore).toBe('memory');
    expect(
      failure(() => normalizeOptions({ env: { GATEWAY_RATE_LIMIT_STORE: 'database' }, dev: true })),
    ).toMatchInlineSnapshot(`
        {
          "field": "GATEWAY_RATE_LIMIT_STORE",
          "message": "GATEWAY_RATE_LIMIT_STORE=database needs GATEWAY_DATABASE_URL: the limits are counted in that PostgreSQL database.",
        }
      `);
  });

  it('refuses a request timeout shorter than the headers timeout', () => {
    expect(
      failure(() => normalizeOptions({ env: { GATEWAY_REQUEST_TIMEOUT_MS: '500' }, dev: true })),
    ).toMatchInlineSnapshot(`
      {
        "field": "requestTimeoutMs",
        "message": "The request timeout (500 ms) is shorter than the headers timeout (10000 ms): a whole request includes its headers, so make it at least as long.",
      }
    `);
    expect(
      normalizeOptions({ env: {}, dev: true, headersTimeoutMs: 500, requestTimeoutMs: 500 }).requestTimeoutMs,
    ).toBe(500);
  });

  it('never echoes an admin key in its errors', () => {
    const secret = 'my secret key with spaces but long enough';
    expect(failure(() => normalizeOptions({ env: {}, adminKeys: [secret] })).message).not.toContain('secret');
  });

  describe('the identity mapping', () => {
    const mapping = (options: Parameters<typeof normalizeOptions>[0]) => {
      const o = normalizeOptions({ adminKeys: [KEY], ...BACK_END, ...options });
      return [o.identityMapping, o.apiVersion];
    };

    it('maps through custom ids exactly when the back end calls at an api-version that has them (auto)', () => {
      expect(mapping({ env: {} })).toEqual(['store', '2023-10-01']);
      expect(mapping({ env: { ACS_IDENTITY_API_VERSION: '2025-03-02-preview' } })).toEqual([
        'customId',
        '2025-03-02-preview',
      ]);
      expect(mapping({ env: {}, apiVersion: '2025-06-30' })).toEqual(['store', '2025-06-30']);
      expect(
        mapping({ env: { GATEWAY_IDENTITY_MAPPING: 'AUTO' }, apiVersion: '2025-03-02-preview' }),
      ).toEqual(['customId', '2025-03-02-preview']);
    });

    it('takes an explicit choice whatever the api-version', () => {
      expect(mapping({ env: { GATEWAY_IDENTITY_MAPPING: 'customid' } })).toEqual(['customId', '2023-10-01']);
      expect(
        mapping({ env: { ACS_IDENTITY_API_VERSION: '2025-03-02-preview' }, identityMapping: 'store' }),
      ).toEqual(['store', '2025-03-02-preview']);
    });

    it("follows a given identity client's own api-version", () => {
      const client = { endpoint: 'https://x/', apiVersion: '2025-03-02-preview' } as never;
      const o = normalizeOptions({ env: {}, adminKeys: [KEY], identityClient: client });
      expect([o.identityMapping, o.apiVersion]).toEqual(['customId', '2025-03-02-preview']);
    });

    it('refuses a mapping or an api-version it does not know, saying what it accepts', () => {
      expect(
        failure(() => mapping({ env: { GATEWAY_IDENTITY_MAPPING: 'database' } })),
      ).toMatchInlineSnapshot(`
        {
          "field": "GATEWAY_IDENTITY_MAPPING",
          "message": "GATEWAY_IDENTITY_MAPPING: "database" is not valid; expected one of auto, customId, store.",
        }
      `);
      expect(
        failure(() => mapping({ env: { ACS_IDENTITY_API_VERSION: '2024-01-01' } })),
      ).toMatchInlineSnapshot(`
        {
          "field": "ACS_IDENTITY_API_VERSION",
          "message": "ACS_IDENTITY_API_VERSION: "2024-01-01" is not valid; expected one of 2021-03-07, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview, 2025-04-01-preview, 2025-06-30, 2026-07-22, 2026-09-23.",
        }
      `);
    });
  });
});
