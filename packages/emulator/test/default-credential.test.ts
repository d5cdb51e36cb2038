import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, startTestEmulator, type TestEmulator, verify } from './support.js';

const run = promisify(execFile);
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ now: Date.now });
});
afterAll(async () => {
  await t?.close();
});

/** The whole core flow in a child process configured by environment variables only, as a deployed app would be. */
const FLOW = `
import { createIdentityClient, identityClientOptionsFromEnv } from '@acs-identity/core/node';
const client = createIdentityClient({ ...identityClientOptionsFromEnv(), retry: { maxRetries: 0 } });
try {
  const { rawId } = await client.createUser();
  const { token } = await client.issueToken(rawId, ['chat']);
  await client.revokeTokens(rawId);
  await client.deleteUser(rawId);
  console.log(JSON.stringify({ rawId, token }));
} catch (e) {
  console.log(JSON.stringify({ error: e.code, status: e.status }));
}
`;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AZURE_|IDENTITY_|MSI_|IMDS_|ACS_IDENTITY_)/.test(name)) env[name] = value;
  }
  return {
    ...env,
    AZURE_COMMUNICATION_ENDPOINT: t.info.endpoint,
    NODE_EXTRA_CA_CERTS: t.info.caCertFile,
    IDENTITY_ENDPOINT: t.info.identityEndpoint,
    IDENTITY_HEADER: t.info.identityHeader,
  };
}

describe('DefaultAzureCredential with the managed-identity variables (child process, no key anywhere)', () => {
  it('gets 403 before the grant, then runs create, issue, revoke and delete', async () => {
    const env = childEnv();
    expect(JSON.stringify(env)).not.toContain(t.info.connectionString.split('accesskey=')[1]);
    const before = await run(process.execPath, ['--input-type=module', '-e', FLOW], {
      cwd: PACKAGE_DIR,
      env,
    });
    expect(JSON.parse(before.stdout)).toEqual({ error: 'FORBIDDEN', status: 403 });
    await t.emulator.assignRole(t.info.systemAssignedPrincipalId ?? '');
    const after = await run(process.execPath, ['--input-type=module', '-e', FLOW], { cwd: PACKAGE_DIR, env });
    const { rawId, token } = JSON.parse(after.stdout) as { rawId: string; token: string };
    expect(rawId).toMatch(new RegExp(`^8:acs:${t.info.resourceId}_`));
    expect(await verify(t, token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
  });
});
