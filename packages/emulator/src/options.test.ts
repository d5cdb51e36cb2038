import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from './options.js';

describe('normalizeOptions', () => {
  it('resolves the documented defaults', () => {
    const o = normalizeOptions();
    expect(o).toMatchObject({
      port: 8443,
      host: '127.0.0.1',
      dataDir: resolve('.acs-identity'),
      databaseUrl: undefined,
      databaseSchema: 'acs_emulator',
      tls: true,
      maxBodyBytes: 65_536,
      maxClockSkewMs: 300_000,
      publicEndpoint: undefined,
      rateLimitScope: 'shared',
      handshakeTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 1000,
    });
    expect(o.rateLimits).not.toBe(false);
  });

  it.each([
    [{ port: 70_000 }, /port must be an integer from 0 to 65535/],
    [{ port: 1.5 }, /port/],
    [{ host: '' }, /host/],
    [{ dataDir: ' ' }, /dataDir/],
    [{ databaseUrl: 'mysql://x' }, /postgres:\/\//],
    [{ databaseSchema: 'Bad-Name' }, /databaseSchema/],
    [{ maxBodyBytes: 0 }, /maxBodyBytes must be a positive integer/],
    [{ rateLimits: { issue: -1 } }, /rateLimits.issue/],
    [{ handshakeTimeoutMs: 0 }, /handshakeTimeoutMs must be an integer from 100 to 600000/],
    [{ maxConnections: 0 }, /maxConnections must be an integer from 1 to 1000000/],
    [{ rateLimitScope: 'cluster' }, /rateLimitScope must be one of shared, process/],
    [{ publicEndpoint: 'emulator.example' }, /publicEndpoint must be an http\(s\) URL/],
    [{ publicEndpoint: 'https://user:pw@emulator.example/' }, /publicEndpoint must be an http\(s\) URL/],
  ])('rejects %j with a message saying what to fix', (options, message) => {
    expect(() => normalizeOptions(options as never)).toThrow(message);
  });

  it('never echoes a database password', () => {
    try {
      normalizeOptions({ databaseUrl: 'mysql://user:s3cret@host/db' });
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cret');
      return;
    }
    throw new Error('expected a failure');
  });

  it('turns rate limits off and keeps service limits for unset operations', () => {
    expect(normalizeOptions({ rateLimits: false }).rateLimits).toBe(false);
    expect(normalizeOptions({ rateLimits: { issue: 5 } }).rateLimits).toMatchObject({
      windowMs: 30_000,
      limits: { issue: 5, create: 1000, revoke: 500 },
    });
  });

  it('accepts trusted issuers with a JWKS URL or key set, and says what is missing otherwise', () => {
    const issuer = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0';
    expect(
      normalizeOptions({ trustedIssuers: [{ issuer, jwksUrl: 'https://x/keys' }] }).trustedIssuers,
    ).toEqual([{ issuer, jwksUrl: 'https://x/keys' }]);
    expect(normalizeOptions({ trustedIssuers: [{ issuer }] }).trustedIssuers).toEqual([{ issuer }]);
    expect(() => normalizeOptions({ trustedIssuers: [{ issuer, jwksUrl: 'ftp://x' }] })).toThrow(
      /trustedIssuers\[0\]\.jwksUrl/,
    );
    expect(() => normalizeOptions({ trustedIssuers: [{ issuer: 'nope', jwks: { keys: [] } }] })).toThrow(
      /trustedIssuers\[0\]\.issuer/,
    );
  });

  it('refuses a request timeout shorter than the headers timeout, saying why', () => {
    expect(() => normalizeOptions({ headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(
      'Emulator option requestTimeoutMs (1000) is shorter than headersTimeoutMs (2000): a whole request includes its headers, so make it at least as long.',
    );
    expect(normalizeOptions({ headersTimeoutMs: 1000, requestTimeoutMs: 1000 }).requestTimeoutMs).toBe(1000);
  });

  it('keeps the public endpoint as a base URL with a trailing slash', () => {
    expect(normalizeOptions({ publicEndpoint: 'https://emulator.example:8443' }).publicEndpoint).toBe(
      'https://emulator.example:8443/',
    );
    expect(normalizeOptions({ publicEndpoint: 'http://proxy.example/acs' }).publicEndpoint).toBe(
      'http://proxy.example/acs/',
    );
  });
});
