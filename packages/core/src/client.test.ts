import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { describe, expect, it } from 'vitest';
import { createIdentityClient, type IdentityClientOptions } from './client.js';

const KEY = 'c2VjcmV0LWFjY2Vzcy1rZXktMTIzNDU2Nzg5MA==';
const CS = `endpoint=https://contoso.communication.azure.com;accesskey=${KEY}`;
const credential: TokenCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: 0 }) };

function failure(options: IdentityClientOptions) {
  try {
    createIdentityClient(options);
  } catch (e) {
    return e as Error & { code?: string; target?: string };
  }
  throw new Error('expected createIdentityClient to throw');
}

describe('createIdentityClient options', () => {
  it('accepts a connection string and normalizes the endpoint', () => {
    const client = createIdentityClient({ connectionString: CS });
    expect(client.endpoint).toBe('https://contoso.communication.azure.com/');
    expect(client.apiVersion).toBe('2023-10-01');
  });

  it('accepts an endpoint alone, defaulting to DefaultAzureCredential without a network call', () => {
    expect(createIdentityClient({ endpoint: 'https://contoso.communication.azure.com' }).endpoint).toBe(
      'https://contoso.communication.azure.com/',
    );
  });

  it('says what to configure when given nothing', () => {
    expect(failure({})).toMatchObject({
      code: 'NOT_CONFIGURED',
      message: expect.stringContaining('AZURE_COMMUNICATION_CONNECTION_STRING'),
    });
  });

  it.each<[string, IdentityClientOptions, RegExp]>([
    [
      'both a connection string and an endpoint',
      { connectionString: CS, endpoint: 'https://x/' },
      /not both/,
    ],
    [
      'a credential with a connection string',
      { connectionString: CS, credential },
      /carries its own access key/,
    ],
    [
      'an unknown api-version',
      { connectionString: CS, apiVersion: '2024-01-01' as never },
      /Unsupported api-version "2024-01-01"/,
    ],
    [
      'plain HTTP to a remote host',
      { connectionString: `endpoint=http://10.0.0.5:80;accesskey=${KEY}` },
      /loopback hosts only/,
    ],
    [
      'a credential that is not a TokenCredential',
      { endpoint: 'https://x/', credential: {} as never },
      /must be a TokenCredential/,
    ],
    [
      'a logger that is not a function',
      { connectionString: CS, logger: 'console' as never },
      /logger option must be a function/,
    ],
  ])('rejects %s', (_, options, message) => {
    const e = failure(options);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(KEY);
  });

  it('refuses an Entra ID credential over plain HTTP, since the SDK would not send the token', () => {
    expect(failure({ endpoint: 'http://127.0.0.1:8080', credential })).toMatchObject({
      code: 'NOT_CONFIGURED',
      message: expect.stringContaining('needs HTTPS'),
    });
  });

  it('reports a missing CA file', () => {
    expect(failure({ connectionString: CS, caCertFile: '/nonexistent/ca.pem' })).toMatchObject({
      code: 'NOT_CONFIGURED',
      target: 'caCertFile',
      message: 'Cannot read the CA certificate file /nonexistent/ca.pem (ENOENT).',
    });
  });

  it('reports a CA file without a certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acs-core-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'hello');
    try {
      expect(failure({ connectionString: CS, caCertFile: file })).toMatchObject({
        code: 'INVALID_INPUT',
        target: 'caCertFile',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores the CA file for a plain-HTTP loopback endpoint', () => {
    expect(() =>
      createIdentityClient({
        connectionString: `endpoint=http://localhost:1;accesskey=${KEY}`,
        caCertFile: '/nonexistent',
      }),
    ).not.toThrow();
  });
});
