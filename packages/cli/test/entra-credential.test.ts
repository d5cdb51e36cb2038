/**
 * The README's recipe for applications that take a `TokenCredential`: `@azure/identity`'s own
 * `UsernamePasswordCredential`, signing a user registered in the emulator's data folder in at the emulator's token
 * endpoint, drives `@azure/communication-common`'s `AzureCommunicationTokenCredential` in Entra mode against the
 * emulator, on both routes. The application runs as a child process (its own HTTP clients trust the emulator's CA
 * through NODE_EXTRA_CA_CERTS) and finds the emulator through its data folder.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraAssignmentSet, teamsAssignmentSet } from './assignment-args.js';
import { type LocalEmulator, startLocalEmulator } from './local-emulator.js';
import { json, runCli, runCommand } from './run-cli.js';

/** The application of the README: it registers its application and user, then signs the user in. */
const APPLICATION = `
import { readEmulatorInfo, registerEntraApp, registerEntraUser } from '@acs-identity/emulator';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { UsernamePasswordCredential } from '@azure/identity';

const { OID: oid, APP_ID: appId, TENANT_ID: tenantId, USERNAME: username, SCOPE } = process.env;
const { ACS_IDENTITY_DATA_DIR: dataDir } = process.env;
const password = 'a-development-password';
await registerEntraApp({ dataDir }, { appId, tenantId });
await registerEntraUser({ dataDir }, { username, password, objectId: oid, tenantId });

const { endpoint, entraAuthorityHost } = readEmulatorInfo(dataDir) ?? {};
const credential = new AzureCommunicationTokenCredential({
  resourceEndpoint: endpoint,
  tokenCredential: new UsernamePasswordCredential(tenantId, appId, username, password, {
    authorityHost: entraAuthorityHost,
    disableInstanceDiscovery: true,
  }),
  scopes: [SCOPE],
});
try {
  const { token } = await credential.getToken();
  console.log(JSON.stringify({ token }));
} catch (e) {
  console.log(JSON.stringify({ error: e.message }));
} finally {
  credential.dispose();
}
`;

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

let local: LocalEmulator;
beforeAll(async () => {
  local = await startLocalEmulator('acs-cli-credential');
});
afterAll(async () => {
  await local?.close();
});

const cli = (args: readonly string[]) => runCli([...args, '--only-show-errors'], { cwd: local.workDir });

/** Runs the application for a user; it finds the emulator through ACS_IDENTITY_DATA_DIR. */
async function application(user: Record<string, string>): Promise<{ token?: string; error?: string }> {
  const run = await runCommand(process.execPath, ['--input-type=module', '-e', APPLICATION], {
    cwd: PACKAGE_DIR,
    env: {
      ...user,
      ACS_IDENTITY_DATA_DIR: join(local.workDir, '.acs-identity'),
      NODE_EXTRA_CA_CERTS: local.emulator.info.caCertFile ?? '',
    },
    timeoutMs: 30_000,
  });
  expect(run.stderr).toBe('');
  return json<{ token?: string; error?: string }>(run);
}

describe.concurrent("@azure/identity's UsernamePasswordCredential signing in at the emulator's token endpoint", () => {
  it('gets the ACS token of an assigned Teams extension user through AzureCommunicationTokenCredential', async () => {
    const [tenant, oid, app] = [randomUUID(), randomUUID(), randomUUID()];
    const set = await cli(teamsAssignmentSet(tenant, oid, app));
    expect(set.code).toBe(0);
    const got = await application({
      USERNAME: `teams-${oid}@contoso.example`,
      OID: oid,
      APP_ID: app,
      TENANT_ID: tenant,
      SCOPE: 'https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls',
    });
    const decoded = json(await cli(['token', 'decode', got.token ?? '']));
    expect(decoded).toMatchObject({ user_id: `8:acs:${local.emulator.resourceId}_${tenant}_${oid}` });
  });

  it("gets an Entra ID user's ACS token, and the service's refusal for a user without an assignment", async () => {
    const [tenant, oid, app] = [randomUUID(), randomUUID(), randomUUID()];
    const user = {
      USERNAME: `entra-${oid}@contoso.example`,
      OID: oid,
      APP_ID: app,
      TENANT_ID: tenant,
      SCOPE: 'https://communication.azure.com/clients/VoIP',
    };
    expect((await application(user)).error).toMatch(/has no Entra ID assignment on this resource/);
    const set = await cli(entraAssignmentSet(oid, tenant, 'user', app));
    expect(set.code).toBe(0);
    const got = await application(user);
    expect(json(await cli(['token', 'decode', got.token ?? '']))).toMatchObject({
      user_id: `8:acs:${local.emulator.resourceId}_wf_${tenant}_${oid}`,
      scopes: ['voip'],
    });
  });
});
