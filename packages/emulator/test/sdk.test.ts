import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken } from '../src/tokens.js';
import { sdkClient, signedRequest, startTestEmulator, type TestEmulator, verify } from './support.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.close();
});

interface RestError {
  statusCode?: number;
  code?: string;
  message: string;
}

async function restError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    return e as RestError;
  }
  throw new Error('expected the call to fail');
}

function lifetimeMinutes(token: string): number {
  const claims = decodeToken(token)?.claims;
  return ((claims?.exp as number) - (claims?.iat as number)) / 60;
}

describe('the real @azure/communication-identity SDK against the emulator over HTTPS', () => {
  it('creates a user whose id belongs to the emulated resource', async () => {
    const user = await sdkClient(t).createUser();
    expect(user.communicationUserId).toMatch(
      new RegExp(`^8:acs:${t.info.resourceId}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
    );
  });

  it('creates a user with a token whose expiresOn is the token exp plus the issue instant fraction (default 24 h)', async () => {
    const { user, token, expiresOn } = await sdkClient(t).createUserAndToken(['chat', 'voip']);
    const decoded = decodeToken(token);
    expect(decoded?.header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(decoded?.claims).toMatchObject({
      skypeid: user.communicationUserId.slice(2),
      acsScope: 'chat,voip',
      resourceId: t.info.resourceId,
      resourceLocation: 'unitedstates',
    });
    expect(Math.floor(expiresOn.getTime() / 1000)).toBe(decoded?.claims.exp as number);
    expect(lifetimeMinutes(token)).toBe(1440);
  });

  it('issues tokens with and without tokenExpiresInMinutes', async () => {
    const client = sdkClient(t);
    const user = await client.createUser();
    const short = await client.getToken(user, ['chat.join', 'voip.join'], { tokenExpiresInMinutes: 60 });
    expect(lifetimeMinutes(short.token)).toBe(60);
    const long = await client.getToken(user, ['chat.join.limited'], { tokenExpiresInMinutes: 1440 });
    expect(lifetimeMinutes(long.token)).toBe(1440);
    const dflt = await client.getToken(user, ['voip']);
    expect(lifetimeMinutes(dflt.token)).toBe(1440);
    expect(await verify(t, dflt.token)).toMatchObject({ valid: true, identity: user.communicationUserId });
  });

  it('revokes tokens: the old one is invalid, a new one is valid', async () => {
    const client = sdkClient(t);
    const { user, token: before } = await client.createUserAndToken(['chat']);
    await client.revokeTokens(user);
    const after = await client.getToken(user, ['chat']);
    expect(await verify(t, before)).toMatchObject({ valid: false, reason: 'revoked' });
    expect(await verify(t, after.token)).toMatchObject({ valid: true });
  });

  it('deletes a user: its tokens are invalid and issuing again answers 404 IdentityNotFound', async () => {
    const client = sdkClient(t);
    const { user, token } = await client.createUserAndToken(['voip']);
    await client.deleteUser(user);
    expect(await verify(t, token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
    const e = await restError(client.getToken(user, ['chat']));
    expect([e.statusCode, e.code]).toEqual([404, 'IdentityNotFound']);
  });

  it('answers deleting and revoking an already deleted user alike: both succeed, issuing still answers 404', async () => {
    const client = sdkClient(t);
    const { user, token } = await client.createUserAndToken(['chat']);
    await client.deleteUser(user);
    await expect(client.deleteUser(user)).resolves.toBeUndefined();
    await expect(client.revokeTokens(user)).resolves.toBeUndefined();
    expect(await verify(t, token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
    const e = await restError(client.getToken(user, ['chat']));
    expect([e.statusCode, e.code]).toEqual([404, 'IdentityNotFound']);
  });

  it('answers deleting and revoking a never-created id of this resource alike: 404 IdentityNotFound', async () => {
    const client = sdkClient(t);
    const never = { communicationUserId: `8:acs:${t.info.resourceId}_00000000-0000-4000-8000-000000000000` };
    for (const attempt of [client.deleteUser(never), client.revokeTokens(never)]) {
      const e = await restError(attempt);
      expect([e.statusCode, e.code]).toEqual([404, 'IdentityNotFound']);
    }
  });

  it('rejects an empty scope list with the service error', async () => {
    const client = sdkClient(t);
    const user = await client.createUser();
    const e = await restError(client.getToken(user, []));
    expect([e.statusCode, e.code, e.message]).toEqual([
      400,
      'ValidationError',
      'Invalid scopes - Scopes field is required.',
    ]);
  });

  it('rejects a lifetime of 59 minutes and of 1441 minutes', async () => {
    const client = sdkClient(t);
    const user = await client.createUser();
    for (const minutes of [59, 1441]) {
      const e = await restError(client.getToken(user, ['chat'], { tokenExpiresInMinutes: minutes }));
      expect([e.statusCode, e.code, e.message]).toEqual([
        400,
        'ValidationError',
        `ExpiresInMinutes value ${minutes} is invalid. Value must be within the [60, 1440] interval.`,
      ]);
    }
    const create = await restError(client.createUserAndToken(['chat'], { tokenExpiresInMinutes: 1441 }));
    expect(create.statusCode).toBe(400);
  });

  it("answers 401 IdentityNotOwned for another resource's identity", async () => {
    const other = {
      communicationUserId: '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130',
    };
    const client = sdkClient(t);
    for (const call of [
      client.getToken(other, ['chat']),
      client.revokeTokens(other),
      client.deleteUser(other),
    ]) {
      const e = await restError(call);
      expect([e.statusCode, e.code, e.message]).toEqual([
        401,
        'IdentityNotOwned',
        "Provided identity doesn't belong to the resource.",
      ]);
    }
  });

  it('answers 401 Denied to a client with the wrong access key, without hinting at the key', async () => {
    const wrong = `endpoint=${t.info.endpoint};accesskey=${Buffer.alloc(64, 7).toString('base64')}`;
    const e = await restError(sdkClient(t, wrong).createUser());
    expect([e.statusCode, e.code, e.message]).toEqual([401, 'Denied', 'Denied by the resource provider.']);
  });

  it('accepts the secondary connection string too', async () => {
    const user = await sdkClient(t, t.info.secondaryConnectionString).createUser();
    expect(user.communicationUserId).toContain(t.info.resourceId);
  });
});

describe('plain HTTP (tls: false)', () => {
  it('serves the JS SDK over http:// with a connection string and writes no caCertFile', async () => {
    const plain = await startTestEmulator({ tls: false });
    try {
      expect(plain.info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(plain.info.caCertFile).toBeUndefined();
      // core-rest-pipeline refuses http:// unless the client allows it explicitly.
      const client = new CommunicationIdentityClient(plain.info.connectionString, {
        allowInsecureConnection: true,
      });
      const { user, token } = await client.createUserAndToken(['chat']);
      expect(decodeToken(token)?.claims.skypeid).toBe(user.communicationUserId.slice(2));
    } finally {
      await plain.close();
    }
  });
});

describe('IPv6 loopback', () => {
  it('listens on ::1 with an endpoint of https://[::1]:port/ that the certificate covers', async () => {
    const v6 = await startTestEmulator({ host: '::1' });
    try {
      expect(v6.info.endpoint).toMatch(/^https:\/\/\[::1\]:\d+\/$/);
      // (The JS SDK itself cannot connect to IPv6 literal endpoints: it passes "[::1]" to DNS.)
      const res = await signedRequest(v6, { target: '/identities?api-version=2023-10-01' });
      expect(res.status).toBe(201);
    } finally {
      await v6.close();
    }
  });
});

describe('createEmulator without listen', () => {
  it('exposes a request handler to mount on your own server', async () => {
    const { createServer } = await import('node:http');
    const { createEmulator } = await import('../src/index.js');
    const { tempDir } = await import('./support.js');
    const dir = await tempDir();
    const emulator = await createEmulator({ dataDir: dir.path, logger: false, tls: false });
    const server = createServer(emulator.handleRequest);
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      expect(emulator.info).toBeUndefined();
      const res = await fetch(`http://127.0.0.1:${port}/emulator/health`);
      expect(await res.json()).toEqual({ status: 'ok', resourceId: emulator.resourceId });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await emulator.close();
      await dir.remove();
    }
  });
});

describe('Entra ID bearer tokens (bearerTokens: true)', () => {
  const entraToken = (claims: Record<string, unknown>) =>
    `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
  const credential = (claims: Record<string, unknown>) => ({
    getToken: async () => ({ token: entraToken(claims), expiresOnTimestamp: Date.now() + 3_600_000 }),
  });

  it('serves the JS SDK with a TokenCredential, and refuses expired tokens and disabled bearer auth', async () => {
    const withBearer = await startTestEmulator({ bearerTokens: true });
    try {
      const good = credential({
        aud: 'https://communication.azure.com',
        exp: Math.floor(Date.now() / 1000) + 3600,
      });
      const client = new CommunicationIdentityClient(withBearer.info.endpoint, good, {
        tlsOptions: { ca: withBearer.ca },
        retryOptions: { maxRetries: 0 },
      });
      const { token } = await client.createUserAndToken(['chat']);
      expect(await verify(withBearer, token)).toMatchObject({ valid: true });
      const expired = credential({
        aud: 'https://communication.azure.com',
        exp: Math.floor(Date.now() / 1000) - 3600,
      });
      const stale = new CommunicationIdentityClient(withBearer.info.endpoint, expired, {
        tlsOptions: { ca: withBearer.ca },
        retryOptions: { maxRetries: 0 },
      });
      await expect(stale.createUser()).rejects.toMatchObject({ statusCode: 401, code: 'Denied' });
      const off = new CommunicationIdentityClient(t.info.endpoint, good, {
        tlsOptions: { ca: t.ca },
        retryOptions: { maxRetries: 0 },
      });
      await expect(off.createUser()).rejects.toMatchObject({ statusCode: 401, code: 'Denied' });
    } finally {
      await withBearer.close();
    }
  });
});

describe('rate limits with the real SDK', () => {
  it('answers 429 with retry-after-ms, which the SDK honours by retrying once the window has passed', async () => {
    // A real clock (the SDK waits in real time), shifted so that a 1 s window starts when the first request is sent.
    let offset = 0;
    const limited = await startTestEmulator({
      rateLimits: { create: 1, windowMs: 1000 },
      now: () => Date.now() - offset,
    });
    offset = Date.now() % 1000;
    try {
      const client = new CommunicationIdentityClient(limited.info.connectionString, {
        tlsOptions: { ca: limited.ca },
      });
      await client.createUser();
      await client.createUser();
      const statuses = limited.logs.filter((e) => e.operation === 'create').map((e) => e.status);
      expect(statuses).toEqual([201, 429, 201]);
    } finally {
      await limited.close();
    }
  });
});
