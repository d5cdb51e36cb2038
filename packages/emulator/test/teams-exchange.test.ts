import { randomUUID } from 'node:crypto';
import { createIdentityClient } from '@acs-identity/core/node';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken } from '../src/tokens.js';
import { sdkClient, startTestEmulator, type TestEmulator, verify } from './support.js';

let t: TestEmulator;
let untrusted: TestEmulator;
let remote: TestEmulator;
let trusting: TestEmulator;
const appId = randomUUID();
const userId = randomUUID();

beforeAll(async () => {
  [t, untrusted, remote] = await Promise.all([
    startTestEmulator(),
    startTestEmulator(),
    startTestEmulator({ tls: false }),
  ]);
  const issuer = remote.info.entraIssuer ?? '';
  trusting = await startTestEmulator({
    trustedIssuers: [
      {
        issuer,
        jwksUrl: `${remote.info.endpoint}entra/${remote.info.entraTenantId}/discovery/v2.0/keys`,
      },
    ],
  });
});
afterAll(async () => {
  await Promise.all([t?.close(), untrusted?.close(), remote?.close(), trusting?.close()]);
});

const V = '2023-10-01';

async function exchangeError(
  client: CommunicationIdentityClient,
  input: { teamsUserAadToken: string; clientId: string; userObjectId: string },
): Promise<{
  statusCode: number | undefined;
  code: string | undefined;
  message: string;
  target: string | undefined;
}> {
  try {
    await client.getTokenForTeamsUser(input);
  } catch (e) {
    const err = e as {
      statusCode?: number;
      code?: string;
      message: string;
      details?: { error?: { target?: string } };
    };
    return {
      statusCode: err.statusCode,
      code: err.code,
      message: err.message,
      target: err.details?.error?.target,
    };
  }
  throw new Error('expected the exchange to fail');
}

describe('Teams user token exchange through the real SDK (getTokenForTeamsUser)', () => {
  it('exchanges a valid Teams user token for an ACS token of 8:orgid:<oid> expiring with the Entra token', async () => {
    const entra = t.emulator.mintEntraToken({ teamsUser: userId, appId, expiresInSeconds: 1800 });
    const { token, expiresOn } = await sdkClient(t).getTokenForTeamsUser({
      teamsUserAadToken: entra.token,
      clientId: appId,
      userObjectId: userId,
    });
    expect(expiresOn.getTime()).toBe(entra.expiresOn.getTime());
    expect(decodeToken(token)?.claims).toMatchObject({ skypeid: `orgid:${userId}`, exp: entra.claims.exp });
    expect(await verify(t, token)).toMatchObject({ valid: true, identity: `8:orgid:${userId}` });
  });

  it('answers 401 InvalidAccessToken to garbage, an expired token, a missing scope, a wrong audience and another issuer', async () => {
    const client = sdkClient(t);
    const mint = (o: Parameters<TestEmulator['emulator']['mintEntraToken']>[0]) =>
      t.emulator.mintEntraToken(o).token;
    const cases = {
      garbage: 'not-a-token',
      expired: mint({ teamsUser: userId, appId, expiresInSeconds: -60 }),
      withoutManageCalls: mint({ teamsUser: userId, appId, omitScopes: ['Teams.ManageCalls'] }),
      withoutManageChats: mint({ teamsUser: userId, appId, omitScopes: ['Teams.ManageChats'] }),
      wrongAudience: mint({ teamsUser: userId, appId, audience: 'https://graph.microsoft.com' }),
      untrustedIssuer: untrusted.emulator.mintEntraToken({ teamsUser: userId, appId }).token,
      dataPlaneToken: mint({ principal: userId, appId }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const error = await exchangeError(client, {
        teamsUserAadToken: token,
        clientId: appId,
        userObjectId: userId,
      });
      expect({ name, ...error }).toEqual({
        name,
        statusCode: 401,
        code: 'InvalidAccessToken',
        message: 'Provided access token is not valid.',
        target: undefined,
      });
    }
  });

  it('answers 401 to an empty token', async () => {
    const error = await exchangeError(sdkClient(t), {
      teamsUserAadToken: '',
      clientId: appId,
      userObjectId: userId,
    });
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAccessToken' });
  });

  it('expires exactly at the Entra token exp: one second later it is refused', async () => {
    const entra = t.emulator.mintEntraToken({ teamsUser: userId, appId, expiresInSeconds: 120 });
    const saved = t.clock.now;
    try {
      t.clock.now = entra.expiresOn.getTime();
      const error = await exchangeError(sdkClient(t), {
        teamsUserAadToken: entra.token,
        clientId: appId,
        userObjectId: userId,
      });
      expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAccessToken' });
    } finally {
      t.clock.now = saved;
    }
  });

  it('answers 400 with the service texts to a wrong appId, a wrong userId and malformed GUIDs', async () => {
    const client = sdkClient(t);
    const token = t.emulator.mintEntraToken({ teamsUser: userId, appId }).token;
    expect(
      await exchangeError(client, { teamsUserAadToken: token, clientId: randomUUID(), userObjectId: userId }),
    ).toEqual({
      statusCode: 400,
      code: 'ValidationError',
      message: 'AAD application is not the expected one.',
      target: 'appId',
    });
    expect(
      await exchangeError(client, { teamsUserAadToken: token, clientId: appId, userObjectId: randomUUID() }),
    ).toEqual({
      statusCode: 400,
      code: 'ValidationError',
      message: 'Provided AAD token issued for unexpected user.',
      target: 'userId',
    });
    expect(
      await exchangeError(client, { teamsUserAadToken: token, clientId: 'not-a-guid', userObjectId: userId }),
    ).toEqual({
      statusCode: 400,
      code: 'ValidationError',
      message: 'Provided AppId has invalid format.',
      target: 'appId',
    });
    expect(
      await exchangeError(client, { teamsUserAadToken: token, clientId: appId, userObjectId: 'nope' }),
    ).toEqual({
      statusCode: 400,
      code: 'ValidationError',
      message: 'Provided UserId has invalid format.',
      target: 'userId',
    });
  });

  it('checks the token before the appId and userId (a garbage token with a malformed appId is a 401)', async () => {
    const error = await exchangeError(sdkClient(t), {
      teamsUserAadToken: 'garbage',
      clientId: 'not-a-guid',
      userObjectId: userId,
    });
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAccessToken' });
  });

  it('refuses the exchange on api-version 2021-03-07', async () => {
    const client = new CommunicationIdentityClient(t.info.connectionString, {
      tlsOptions: { ca: t.ca },
      retryOptions: { maxRetries: 0 },
      apiVersion: '2021-03-07',
    } as unknown as ConstructorParameters<typeof CommunicationIdentityClient>[1]);
    const token = t.emulator.mintEntraToken({ teamsUser: userId, appId }).token;
    const error = await exchangeError(client, {
      teamsUserAadToken: token,
      clientId: appId,
      userObjectId: userId,
    });
    expect(error).toMatchObject({ statusCode: 400, code: 'UnsupportedApiVersion' });
  });

  it('accepts tokens of a configured trusted issuer (fetched JWKS) and no other', async () => {
    const remoteToken = remote.emulator.mintEntraToken({ teamsUser: userId, appId });
    const { token } = await sdkClient(trusting).getTokenForTeamsUser({
      teamsUserAadToken: remoteToken.token,
      clientId: appId,
      userObjectId: userId,
    });
    expect(await verify(trusting, token)).toMatchObject({ valid: true, identity: `8:orgid:${userId}` });
    // The trusted-issuer emulator still trusts its own local issuer; t does not trust the remote one.
    const own = trusting.emulator.mintEntraToken({ teamsUser: userId, appId }).token;
    await expect(
      sdkClient(trusting).getTokenForTeamsUser({
        teamsUserAadToken: own,
        clientId: appId,
        userObjectId: userId,
      }),
    ).resolves.toMatchObject({ token: expect.any(String) });
    const error = await exchangeError(sdkClient(t), {
      teamsUserAadToken: remoteToken.token,
      clientId: appId,
      userObjectId: userId,
    });
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAccessToken' });
  });
});

describe("@acs-identity/core's exchangeTeamsToken against the emulator", () => {
  const core = () =>
    createIdentityClient({
      connectionString: t.info.connectionString,
      caCertFile: t.info.caCertFile ?? '',
      retry: { maxRetries: 0 },
    });

  it('returns the ACS token and its expiry for a valid Teams user token', async () => {
    const entra = t.emulator.mintEntraToken({ teamsUser: userId, appId, expiresInSeconds: 900 });
    const issued = await core().exchangeTeamsToken({ aadToken: entra.token, appId, userId });
    expect(issued.expiresOn.getTime()).toBe(entra.expiresOn.getTime());
    expect(await verify(t, issued.token)).toMatchObject({ valid: true, identity: `8:orgid:${userId}` });
  });

  it('maps the service errors to AcsIdentityError codes', async () => {
    const expired = t.emulator.mintEntraToken({ teamsUser: userId, appId, expiresInSeconds: -10 }).token;
    await expect(core().exchangeTeamsToken({ aadToken: expired, appId, userId })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      serviceCode: 'InvalidAccessToken',
    });
    const token = t.emulator.mintEntraToken({ teamsUser: userId, appId }).token;
    await expect(
      core().exchangeTeamsToken({ aadToken: token, appId, userId: randomUUID() }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      status: 400,
      serviceCode: 'ValidationError',
      target: 'userId',
      message: 'Provided AAD token issued for unexpected user.',
    });
  });
});

describe('the local Entra issuer', () => {
  it('serves OpenID discovery and a JWKS whose key verifies its tokens', async () => {
    const tenant = t.info.entraTenantId ?? '';
    const { rawRequest } = await import('./support.js');
    const doc = await rawRequest(t, 'GET', `/entra/${tenant}/v2.0/.well-known/openid-configuration`, {});
    expect(doc.status).toBe(200);
    const discovery = doc.json as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(`${t.info.endpoint}entra/${tenant}/v2.0`);
    expect(discovery.issuer).toBe(t.info.entraIssuer);
    const keys = await rawRequest(t, 'GET', new URL(discovery.jwks_uri).pathname, {});
    const jwk = (keys.json as { keys: Array<{ kid: string; kty: string }> }).keys[0];
    const minted = t.emulator.mintEntraToken({ teamsUser: userId, appId });
    const [h, c, s] = minted.token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string; alg: string };
    expect(header).toMatchObject({ alg: 'RS256', kid: jwk?.kid });
    const { createPublicKey, verify: rsaVerify } = await import('node:crypto');
    const key = createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    expect(rsaVerify('sha256', Buffer.from(`${h}.${c}`), key, Buffer.from(s, 'base64url'))).toBe(true);
    expect(minted.claims).toMatchObject({
      iss: discovery.issuer,
      aud: 'https://auth.msft.communication.azure.com',
      appid: appId,
      oid: userId,
      tid: tenant,
      scp: 'Teams.ManageCalls Teams.ManageChats',
    });
  });

  it('keeps its key and tenant across restarts of the same data folder', async () => {
    // A second emulator on the folder t holds (startEmulator would refuse it: one emulator per data folder).
    const { createEmulator } = await import('../src/index.js');
    const again = await createEmulator({
      port: 0,
      dataDir: t.info.dataDir,
      logger: false,
      rateLimits: false,
      now: () => t.clock.now,
    });
    try {
      const info = await again.listen();
      expect(info.entraTenantId).toBe(t.info.entraTenantId);
      const token = again.mintEntraToken({ teamsUser: userId, appId }).token;
      await expect(
        sdkClient(t).getTokenForTeamsUser({
          teamsUserAadToken: token,
          clientId: appId,
          userObjectId: userId,
        }),
      ).resolves.toMatchObject({ token: expect.any(String) });
    } finally {
      await again.close();
    }
  });

  it('rejects a token request without a GUID user', () => {
    expect(() => t.emulator.mintEntraToken({ teamsUser: 'alice', appId })).toThrow(/GUID/);
    expect(() => t.emulator.mintEntraToken({ teamsUser: userId })).toThrow(/appId/);
  });
});

export { V };
