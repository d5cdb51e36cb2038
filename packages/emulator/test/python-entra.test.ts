import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, pythonAzure, startTestEmulator, type TestEmulator } from './support.js';

const run = promisify(execFile);
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ now: Date.now });
});
afterAll(async () => {
  await t?.close();
});

describe("Debian's Python SDKs (azure-communication-identity, azure-identity) on the Entra paths", () => {
  it('exchange a Teams user token and sign in with ManagedIdentityCredential (App Service variables)', async () => {
    const python = pythonAzure();
    if (!python) return;
    const appId = randomUUID();
    const userId = randomUUID();
    await t.emulator.assignRole(t.info.systemAssignedPrincipalId ?? '');
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(name)) env[name] = value;
    }
    const { stdout } = await run(python, [join(PACKAGE_DIR, 'test', 'fixtures', 'python_entra.py')], {
      env: {
        ...env,
        REQUESTS_CA_BUNDLE: t.info.caCertFile,
        ACS_ENDPOINT: t.info.endpoint,
        ACS_CONNECTION_STRING: t.info.connectionString,
        TEAMS_TOKEN: t.emulator.mintEntraToken({ teamsUser: userId, appId }).token,
        APP_ID: appId,
        USER_ID: userId,
        OTHER_USER_ID: randomUUID(),
        IDENTITY_ENDPOINT: t.info.identityEndpoint,
        IDENTITY_HEADER: t.info.identityHeader,
      },
    });
    const out = JSON.parse(stdout) as {
      teamsToken: string;
      wrongUser: { status: number; code: string };
      managedUser: string;
    };
    const claims = JSON.parse(Buffer.from(out.teamsToken.split('.')[1] ?? '', 'base64url').toString()) as {
      skypeid: string;
    };
    expect(claims.skypeid).toBe(`orgid:${userId}`);
    expect(out.wrongUser).toEqual({ status: 400, code: 'ValidationError' });
    expect(out.managedUser).toMatch(new RegExp(`^8:acs:${t.info.resourceId}_`));
  });
});
