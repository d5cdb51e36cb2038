/**
 * The README's recipe for applications that take a `TokenCredential`: a credential that asks `acs-identity emulator
 * entra token` for the user's token drives `@azure/communication-common`'s `AzureCommunicationTokenCredential` in
 * Entra mode against the emulator, on both routes. The application runs as a child process (its own HTTP client
 * trusts the emulator's CA through NODE_EXTRA_CA_CERTS) with `acs-identity` on its PATH.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraAssignmentSet, teamsAssignmentSet } from './assignment-args.js';
import { type LocalEmulator, startLocalEmulator } from './local-emulator.js';
import { BIN, json, runCli, runCommand } from './run-cli.js';

/** The application of the README: its credential runs the CLI for each Entra ID token it needs. */
const APPLICATION = `
import { execFileSync } from 'node:child_process';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';

const { USER_FLAG, OID, APP_ID, TENANT_ID, ACS_ENDPOINT, SCOPE } = process.env;
const tokenCredential = {
  getToken: async () => {
    const args = ['emulator', 'entra', 'token', USER_FLAG, OID, '--app', APP_ID, '--tenant', TENANT_ID];
    const { accessToken, expires_on } = JSON.parse(execFileSync('acs-identity', args, { encoding: 'utf8' }));
    return { token: accessToken, expiresOnTimestamp: expires_on * 1000 };
  },
};
const credential = new AzureCommunicationTokenCredential({
  resourceEndpoint: ACS_ENDPOINT,
  tokenCredential,
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
/** A folder holding only an `acs-identity` link to the built bin, put first on the application's PATH. */
let binDir: string;
beforeAll(async () => {
  local = await startLocalEmulator('acs-cli-credential');
  binDir = mkdtempSync(join(tmpdir(), 'acs-cli-bin-'));
  symlinkSync(BIN, join(binDir, 'acs-identity'));
});
afterAll(async () => {
  await local?.close();
  if (binDir) rmSync(binDir, { recursive: true, force: true });
});

const cli = (args: readonly string[]) => runCli([...args, '--only-show-errors'], { cwd: local.workDir });

/** Runs the application for a user; it finds the emulator's state through ACS_IDENTITY_DATA_DIR. */
async function application(user: Record<string, string>): Promise<{ token?: string; error?: string }> {
  const run = await runCommand(process.execPath, ['--input-type=module', '-e', APPLICATION], {
    cwd: PACKAGE_DIR,
    env: {
      ...user,
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
      ACS_ENDPOINT: local.emulator.info.endpoint,
      ACS_IDENTITY_DATA_DIR: join(local.workDir, '.acs-identity'),
      NODE_EXTRA_CA_CERTS: local.emulator.info.caCertFile ?? '',
    },
    timeoutMs: 30_000,
  });
  expect(run.stderr).toBe('');
  return json<{ token?: string; error?: string }>(run);
}

describe.concurrent('a TokenCredential backed by `acs-identity emulator entra token`', () => {
  it('gets the ACS token of an assigned Teams extension user through AzureCommunicationTokenCredential', async () => {
    const [tenant, oid, app] = [randomUUID(), randomUUID(), randomUUID()];
    const set = await cli(teamsAssignmentSet(tenant, oid, app));
    expect(set.code).toBe(0);
    const got = await application({
      USER_FLAG: '--teams-extension-user',
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
      USER_FLAG: '--entra-user',
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
