/**
 * The real `AzureCommunicationTokenCredential` of `@azure/communication-common` in Entra mode gets ACS tokens from the
 * emulator on both routes (Teams Extension, Entra users) over HTTPS, and fails with the service's error when the user
 * is not assigned: fed an Entra token directly, and fed by `@azure/identity`'s `UsernamePasswordCredential` signing
 * the user in at the emulator's token endpoint. It sends with its own default HTTP client, so it runs in a child
 * process that trusts the emulator's CA through NODE_EXTRA_CA_CERTS; its endpoint is emulator.json's, with a trailing
 * slash (`//access/...`).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken } from '../src/tokens.js';
import { PACKAGE_DIR, startTestEmulator, type TestEmulator } from './support.js';
import { call, PREVIEW, TEAMS_EXTENSION_VERSION, teamsAssignmentPath } from './support-access.js';

const run = promisify(execFile);
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ now: Date.now });
});
afterAll(async () => {
  await t?.close();
});

/**
 * The credential as an app builds it, fed one given Entra token, or `@azure/identity`'s own `UsernamePasswordCredential`
 * signing the user in at the emulator's token endpoint; prints the ACS token or the error.
 */
const CLIENT = `
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { UsernamePasswordCredential } from '@azure/identity';
const { ENTRA_TOKEN, ENTRA_EXPIRES, ENTRA_SCOPES, TENANT_ID, APP_ID, USERNAME, PASSWORD, AUTHORITY_HOST } = process.env;
const scopes = JSON.parse(ENTRA_SCOPES ?? 'null');
const tokenCredential = ENTRA_TOKEN
  ? { getToken: async () => ({ token: ENTRA_TOKEN, expiresOnTimestamp: Number(ENTRA_EXPIRES) }) }
  : new UsernamePasswordCredential(TENANT_ID, APP_ID, USERNAME, PASSWORD, {
      authorityHost: AUTHORITY_HOST,
      disableInstanceDiscovery: true,
    });
const credential = new AzureCommunicationTokenCredential({
  resourceEndpoint: process.env.ACS_ENDPOINT,
  tokenCredential,
  ...(scopes ? { scopes } : {}),
});
try {
  const { token, expiresOnTimestamp } = await credential.getToken();
  console.log(JSON.stringify({ token, expiresOnTimestamp }));
} catch (e) {
  console.log(JSON.stringify({ error: e.message }));
} finally {
  credential.dispose();
}
`;

/** What a client script prints: the ACS token or the error. */
interface ClientResult {
  token?: string;
  expiresOnTimestamp?: number;
  error?: string;
}

/** Runs the client in a child process that trusts the emulator's CA, with ACS_ENDPOINT and `env`. */
async function runClient(env: Record<string, string>): Promise<ClientResult> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CLIENT], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: t.info.caCertFile, ACS_ENDPOINT: t.info.endpoint, ...env },
  });
  return JSON.parse(stdout) as ClientResult;
}

function credentialGets(
  entra: { token: string; expiresOn: Date },
  scopes: string[] | null,
): Promise<ClientResult> {
  return runClient({
    ENTRA_TOKEN: entra.token,
    ENTRA_EXPIRES: String(entra.expiresOn.getTime()),
    ENTRA_SCOPES: JSON.stringify(scopes),
  });
}

const app = randomUUID();

describe('AzureCommunicationTokenCredential (Entra mode) of @azure/communication-common', () => {
  it('exchanges a Teams Extension token (api-version 2025-06-30) for the ACS token of the Teams extension user', async () => {
    const tenantId = randomUUID();
    const objectId = randomUUID();
    const assigned = await call(t, 'PUT', teamsAssignmentPath(tenantId, objectId), TEAMS_EXTENSION_VERSION, {
      principalType: 'user',
      clientIds: [app],
    });
    expect(assigned.status).toBe(201);
    const entra = t.emulator.mintEntraToken({ teamsExtensionUser: objectId, tenantId, appId: app });
    const got = await credentialGets(entra, [
      'https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls',
    ]);
    expect(got.expiresOnTimestamp).toBe(entra.expiresOn.getTime());
    expect(decodeToken(got.token)?.claims.skypeid).toBe(`acs:${t.info.resourceId}_${tenantId}_${objectId}`);
    const logged = t.logs.filter((l) => l.operation === 'exchangeTeamsExtensionToken');
    expect(logged.at(-1)).toMatchObject({
      status: 200,
      path: '//access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30',
    });
  });

  it('exchanges an Entra user token (api-version 2025-03-02-preview, the default scope) for an ACS token', async () => {
    const tenantId = randomUUID();
    const objectId = randomUUID();
    const assigned = await call(t, 'PUT', `/access/entra/assignments/${objectId}`, PREVIEW, {
      tenantId,
      principalType: 'user',
      clientIds: [app],
    });
    expect(assigned.status).toBe(201);
    const entra = t.emulator.mintEntraToken({
      entraUser: objectId,
      tenantId,
      appId: app,
      scopes: ['VoIP', 'VoIP.Join'],
    });
    const got = await credentialGets(entra, null);
    expect(got.expiresOnTimestamp).toBe(entra.expiresOn.getTime());
    expect(decodeToken(got.token)?.claims).toMatchObject({
      skypeid: `acs:${t.info.resourceId}_wf_${tenantId}_${objectId}`,
      acsScope: 'voip,voip.join',
    });
  });

  it('fails with the service error when the user is not assigned, on both routes', async () => {
    const tenantId = randomUUID();
    const objectId = randomUUID();
    const teams = await credentialGets(
      t.emulator.mintEntraToken({ teamsExtensionUser: objectId, tenantId, appId: app }),
      ['https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls'],
    );
    const entra = await credentialGets(
      t.emulator.mintEntraToken({ entraUser: objectId, tenantId, appId: app }),
      ['https://communication.azure.com/clients/VoIP'],
    );
    for (const { error } of [teams, entra]) {
      expect(error).toMatch(
        /^Service request failed\. Status: 403, Body: \{"error":\{"code":"Forbidden","message":"The user /,
      );
      expect(error).toContain(`${objectId} of tenant ${tenantId}`);
    }
  });
});

describe('AzureCommunicationTokenCredential (Entra mode) with UsernamePasswordCredential of @azure/identity', () => {
  /** A user of a fresh tenant, registered with the emulator's Entra stand-in, and an application to sign in through. */
  async function signUp(): Promise<{ env: Record<string, string>; tenantId: string; objectId: string }> {
    const tenantId = randomUUID();
    const { appId } = await t.emulator.registerEntraApp({ appId: app, tenantId });
    const user = await t.emulator.registerEntraUser({
      username: `user-${randomUUID()}@contoso.example`,
      tenantId,
    });
    const env = {
      TENANT_ID: tenantId,
      APP_ID: appId,
      USERNAME: user.username,
      PASSWORD: user.password,
      AUTHORITY_HOST: t.emulator.entra.authorityHost,
    };
    return { env, tenantId, objectId: user.objectId };
  }

  it('gets the ACS tokens of an assigned user on both routes, with the tokens the emulator signs the user in with', async () => {
    const { env, tenantId, objectId } = await signUp();
    const teams = await call(t, 'PUT', teamsAssignmentPath(tenantId, objectId), TEAMS_EXTENSION_VERSION, {
      principalType: 'user',
      clientIds: [app],
    });
    expect(teams.status).toBe(201);
    const entra = await call(t, 'PUT', `/access/entra/assignments/${objectId}`, PREVIEW, {
      tenantId,
      principalType: 'user',
      clientIds: [app],
    });
    expect(entra.status).toBe(201);
    const teamsGot = await runClient({
      ...env,
      ENTRA_SCOPES: JSON.stringify(['https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls']),
    });
    expect(decodeToken(teamsGot.token)?.claims.skypeid).toBe(
      `acs:${t.info.resourceId}_${tenantId}_${objectId}`,
    );
    // No scope: communication-common's default, https://communication.azure.com/clients/.default.
    const entraGot = await runClient(env);
    expect(decodeToken(entraGot.token)?.claims).toMatchObject({
      skypeid: `acs:${t.info.resourceId}_wf_${tenantId}_${objectId}`,
      acsScope: 'voip,voip.join,chat,chat.join,chat.join.limited',
    });
  });

  it("fails with the service's error when the signed-in user is not assigned, on both routes", async () => {
    const { env, tenantId, objectId } = await signUp();
    for (const scope of [
      'https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls',
      'https://communication.azure.com/clients/VoIP',
    ]) {
      const { error } = await runClient({ ...env, ENTRA_SCOPES: JSON.stringify([scope]) });
      expect(error).toMatch(
        /^Service request failed\. Status: 403, Body: \{"error":\{"code":"Forbidden","message":"The user /,
      );
      expect(error).toContain(`${objectId} of tenant ${tenantId}`);
    }
  });

  it("fails with Entra's error when the password is wrong", async () => {
    const { env } = await signUp();
    const { error } = await runClient({ ...env, PASSWORD: 'not-the-password' });
    expect(error).toMatch(/invalid_grant.*AADSTS50126: Error validating credentials/s);
  });
});
