/**
 * The real `AzureCommunicationTokenCredential` of `@azure/communication-common` in Entra mode gets ACS tokens from the
 * emulator on both routes (Teams Extension, Entra users) over HTTPS, and fails with the service's error when the user
 * is not assigned. It sends with its own default HTTP client, so it runs in a child process that trusts the
 * emulator's CA through NODE_EXTRA_CA_CERTS; its endpoint is emulator.json's, with a trailing slash (`//access/...`).
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

/** The credential as an app builds it, fed one Entra token; prints the ACS token or the error. */
const CLIENT = `
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
const scopes = JSON.parse(process.env.ENTRA_SCOPES);
const tokenCredential = {
  getToken: async () => ({ token: process.env.ENTRA_TOKEN, expiresOnTimestamp: Number(process.env.ENTRA_EXPIRES) }),
};
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

async function credentialGets(
  entra: { token: string; expiresOn: Date },
  scopes: string[] | null,
): Promise<{ token?: string; expiresOnTimestamp?: number; error?: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: t.info.caCertFile,
    ACS_ENDPOINT: t.info.endpoint,
    ENTRA_TOKEN: entra.token,
    ENTRA_EXPIRES: String(entra.expiresOn.getTime()),
    ENTRA_SCOPES: JSON.stringify(scopes),
  };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CLIENT], {
    cwd: PACKAGE_DIR,
    env,
  });
  return JSON.parse(stdout) as { token?: string; expiresOnTimestamp?: number; error?: string };
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
