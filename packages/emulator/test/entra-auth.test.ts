import { randomUUID } from 'node:crypto';
import { createIdentityClient } from '@acs-identity/core/node';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import type { TokenCredential } from '@azure/core-auth';
import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignRole, listRoles, removeRole, userAssignedIdentity } from '../src/index.js';
import { rawRequest, startTestEmulator, type TestEmulator, verify } from './support.js';

let t: TestEmulator;
let other: TestEmulator;
beforeAll(async () => {
  [t, other] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), other?.close()]);
});

/** A TokenCredential handing out a fixed token, as @azure/identity credentials do. */
function staticCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

function bearerClient(target: TestEmulator, token: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(target.info.endpoint, staticCredential(token), {
    tlsOptions: { ca: target.ca },
    retryOptions: { maxRetries: 0 },
  });
}

describe('bearer (Entra ID) authentication on the data plane', () => {
  it('serves a granted principal, and answers 403 with a JSON error to a principal without a grant', async () => {
    const principal = randomUUID();
    const token = t.emulator.mintEntraToken({ principal }).token;
    await expect(bearerClient(t, token).createUser()).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
      message: expect.stringContaining(`acs-identity emulator role assign --principal ${principal}`),
    });
    await t.emulator.assignRole(principal);
    const { user, token: acsToken } = await bearerClient(t, token).createUserAndToken(['chat']);
    expect(await verify(t, acsToken)).toMatchObject({ valid: true, identity: user.communicationUserId });
    expect(await t.emulator.removeRole(principal)).toBe(true);
    await expect(bearerClient(t, token).createUser()).rejects.toMatchObject({ statusCode: 403 });
  });

  it('accepts a grant given to the application (client) id, as az role assignment --assignee does', async () => {
    const principal = randomUUID();
    const app = randomUUID();
    await t.emulator.assignRole(app);
    const token = t.emulator.mintEntraToken({ principal, appId: app }).token;
    await expect(bearerClient(t, token).createUser()).resolves.toMatchObject({
      communicationUserId: expect.stringMatching(/^8:acs:/),
    });
  });

  it('answers 401 Denied to an expired token, another audience, an untrusted issuer and a Teams user token', async () => {
    const principal = randomUUID();
    await t.emulator.assignRole(principal);
    const tokens = {
      expired: t.emulator.mintEntraToken({ principal, expiresInSeconds: -3600 }).token,
      audience: t.emulator.mintEntraToken({ principal, audience: 'https://graph.microsoft.com' }).token,
      untrusted: other.emulator.mintEntraToken({ principal }).token,
      unsigned: `${t.emulator.mintEntraToken({ principal }).token.split('.').slice(0, 2).join('.')}.`,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const error = await bearerClient(t, token)
        .createUser()
        .then(
          () => undefined,
          (e: { statusCode?: number; code?: string }) => ({ statusCode: e.statusCode, code: e.code }),
        );
      expect({ name, error }).toEqual({ name, error: { statusCode: 401, code: 'Denied' } });
    }
  });

  it('refuses bearer tokens over plain HTTP', async () => {
    const plain = await startTestEmulator({ tls: false });
    try {
      const principal = randomUUID();
      await plain.emulator.assignRole(principal);
      const token = plain.emulator.mintEntraToken({ principal }).token;
      const res = await fetch(`${plain.info.endpoint}identities?api-version=2023-10-01`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/needs HTTPS/);
    } finally {
      await plain.close();
    }
  });

  it('keeps HMAC working beside bearer authentication', async () => {
    const client = new CommunicationIdentityClient(t.info.connectionString, {
      tlsOptions: { ca: t.ca },
      retryOptions: { maxRetries: 0 },
    });
    await expect(client.createUser()).resolves.toBeDefined();
  });

  it('persists grants made by another process (assignRole on the data folder) while the emulator runs', async () => {
    const principal = randomUUID();
    const token = t.emulator.mintEntraToken({ principal }).token;
    await assignRole({ dataDir: t.info.dataDir }, principal, 'Owner');
    expect(await listRoles({ dataDir: t.info.dataDir })).toContainEqual(
      expect.objectContaining({ principalId: principal, role: 'Owner' }),
    );
    await expect(bearerClient(t, token).createUser()).resolves.toBeDefined();
    expect(await removeRole({ dataDir: t.info.dataDir }, principal)).toBe(true);
    expect(await removeRole({ dataDir: t.info.dataDir }, principal)).toBe(false);
    await expect(bearerClient(t, token).createUser()).rejects.toMatchObject({ statusCode: 403 });
  });

  it('rejects a grant for something that is not a GUID', async () => {
    await expect(t.emulator.assignRole('alice')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});

describe('the managed-identity endpoint (App Service protocol) with @azure/identity', () => {
  function withIdentityEnv<T>(fn: () => Promise<T>): Promise<T> {
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = t.info.identityEndpoint;
    process.env.IDENTITY_HEADER = t.info.identityHeader;
    const restore = () => {
      for (const [name, value] of [
        ['IDENTITY_ENDPOINT', saved.endpoint],
        ['IDENTITY_HEADER', saved.header],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
    return fn().finally(restore);
  }

  it('runs the whole core flow with a system-assigned identity and no key anywhere', async () => {
    await withIdentityEnv(async () => {
      const credential = new ManagedIdentityCredential({ tlsOptions: { ca: t.ca } });
      const client = createIdentityClient({
        endpoint: t.info.endpoint,
        credential,
        caCertFile: t.info.caCertFile ?? '',
        retry: { maxRetries: 0 },
      });
      await expect(client.createUser()).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
      await t.emulator.assignRole(t.info.systemAssignedPrincipalId ?? '');
      try {
        const { rawId } = await client.createUser();
        const issued = await client.issueToken(rawId, ['chat', 'voip'], { expiresInMinutes: 60 });
        expect(await verify(t, issued.token)).toMatchObject({ valid: true, identity: rawId });
        await client.revokeTokens(rawId);
        expect(await verify(t, issued.token)).toMatchObject({ valid: false, reason: 'revoked' });
        await client.deleteUser(rawId);
        expect(await verify(t, issued.token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
      } finally {
        await t.emulator.removeRole(t.info.systemAssignedPrincipalId ?? '');
      }
    });
  });

  it('issues tokens for a user-assigned identity by client id, which needs its own grant', async () => {
    await withIdentityEnv(async () => {
      const clientId = randomUUID();
      const credential = new ManagedIdentityCredential({ clientId, tlsOptions: { ca: t.ca } });
      const token = await credential.getToken('https://communication.azure.com/.default');
      const claims = JSON.parse(
        Buffer.from(token.token.split('.')[1] ?? '', 'base64url').toString(),
      ) as Record<string, unknown>;
      expect(claims).toMatchObject({
        appid: clientId,
        oid: userAssignedIdentity(clientId).principalId,
        aud: 'https://communication.azure.com',
        idtyp: 'app',
      });
      const client = createIdentityClient({
        endpoint: t.info.endpoint,
        credential,
        caCertFile: t.info.caCertFile ?? '',
        retry: { maxRetries: 0 },
      });
      await expect(client.createUser()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await t.emulator.assignRole(clientId);
      await expect(client.createUser()).resolves.toMatchObject({ rawId: expect.stringMatching(/^8:acs:/) });
    });
  });

  it('refuses a request without the X-IDENTITY-HEADER secret', async () => {
    const target = `/managed-identity/token?api-version=2019-08-01&resource=${encodeURIComponent('https://communication.azure.com')}`;
    const missing = await rawRequest(t, 'GET', target, {});
    expect(missing.status).toBe(401);
    const wrong = await rawRequest(t, 'GET', target, { 'x-identity-header': 'guess' });
    expect(wrong.status).toBe(401);
    const right = await rawRequest(t, 'GET', target, { 'x-identity-header': t.info.identityHeader ?? '' });
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ token_type: 'Bearer', resource: 'https://communication.azure.com' });
  });
});
