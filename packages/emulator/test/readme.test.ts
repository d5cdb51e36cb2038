// The README's code samples, run as written (only the data folder differs: a temporary one).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { optionsMarkdownTable } from '@acs-identity/core';
import { createIdentityClient } from '@acs-identity/core/node';
import {
  EMULATOR_OPTIONS,
  OAUTH_ERROR_STATUS,
  readEmulatorInfo,
  SERVICE_ERROR_STATUS,
  startEmulator,
} from '@acs-identity/emulator';
import { CommunicationServiceManagementClient } from '@azure/arm-communication';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { ClientSecretCredential, UsernamePasswordCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, rawRequest, tempDir } from './support.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.remove();
});

/** The README's text between `<!-- name:start ... -->` and `<!-- name:end -->`. */
async function generatedSection(name: string): Promise<string> {
  const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const found = new RegExp(`<!-- ${name}:start[^>]*-->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme);
  if (!found?.[1]) throw new Error(`README.md has no ${name} section`);
  return found[1];
}

/** A Markdown table with its cells trimmed (the README is formatted by Biome, which pads them). */
function cells(table: string): string[] {
  return table
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
        .map((cell) => (/^:?-+:?$/.test(cell) ? '---' : cell))
        .join('|'),
    );
}

/** Every code of a status table by HTTP status, as the README lists them. */
function errorsMarkdownTable(table: Readonly<Record<string, number>>, column = 'Codes'): string {
  const byStatus = new Map<number, string[]>();
  for (const [code, status] of Object.entries(table)) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const rows = [...byStatus].sort(([a], [b]) => a - b);
  return [
    `| Status | ${column} |`,
    '|---|---|',
    ...rows.map(([status, codes]) => `| ${status} | ${codes.map((c) => `\`${c}\``).join(', ')} |`),
  ].join('\n');
}

describe('README tables', () => {
  it('lists every start option as EMULATOR_OPTIONS declares it', async () => {
    expect(cells(await generatedSection('options'))).toEqual(
      cells(optionsMarkdownTable(EMULATOR_OPTIONS, { keys: true })),
    );
  });

  it('lists every wire error code with its status as SERVICE_ERROR_STATUS declares it', async () => {
    expect(cells(await generatedSection('errors'))).toEqual(cells(errorsMarkdownTable(SERVICE_ERROR_STATUS)));
  });

  it('lists every OAuth error of the token endpoint with its status as OAUTH_ERROR_STATUS declares it', async () => {
    expect(cells(await generatedSection('oauth-errors'))).toEqual(
      cells(errorsMarkdownTable(OAUTH_ERROR_STATUS, 'Errors')),
    );
  });
});

describe('README samples', () => {
  it('start, create a user with a token, revoke, verify, discover', async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    try {
      const { connectionString, caCertFile, verifyTokenUrl } = emulator.info;
      const ca = await readFile(caCertFile ?? '', 'utf8');
      const client = new CommunicationIdentityClient(connectionString, { tlsOptions: { ca } });
      const { user, token } = await client.createUserAndToken(['chat', 'voip']);
      await client.revokeTokens(user);
      const res = await rawRequest(
        { info: emulator.info, ca },
        'POST',
        new URL(verifyTokenUrl).pathname,
        { 'content-type': 'application/json' },
        Buffer.from(JSON.stringify({ token })),
      );
      expect(res.json).toMatchObject({ valid: false, reason: 'revoked', identity: user.communicationUserId });
      expect(readEmulatorInfo(dir.path)?.endpoint).toBe(emulator.info.endpoint);
      const discovery = await import('@acs-identity/emulator/discovery');
      expect(discovery.readEmulatorInfo(dir.path)).toEqual(readEmulatorInfo(dir.path));
    } finally {
      await emulator.close();
    }
    expect(readEmulatorInfo(dir.path)).toBeUndefined();
  });

  it('Entra ID: the Teams user token exchange', async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    const ca = await readFile(emulator.info.caCertFile ?? '', 'utf8');
    const client = new CommunicationIdentityClient(emulator.info.connectionString, { tlsOptions: { ca } });
    const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
    const userId = '6f1e2d3c-1111-4222-8333-944455566677';
    const entra = emulator.mintEntraToken({ teamsUser: userId, appId, expiresInSeconds: 3600 });
    const { token, expiresOn } = await client.getTokenForTeamsUser({
      teamsUserAadToken: entra.token,
      clientId: appId,
      userObjectId: userId,
    });
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
      skypeid: `orgid:${userId}`,
    });
    expect(expiresOn.getTime()).toBe(entra.expiresOn.getTime());
    await emulator.close();
  });

  it('Entra ID: the Teams Extension token exchange through core', async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    const { connectionString, caCertFile } = emulator.info;
    const client = createIdentityClient({ connectionString, caCertFile });
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'; // the user's tenant
    const userId = '6f1e2d3c-1111-4222-8333-944455566677'; // the user's object id
    const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11'; // your application (client) id
    const user = { tenantId, objectId: userId, principalType: 'user' as const, clientIds: [appId] };
    await client.setTeamsExtensionAssignment(user); // 201; the resource account's consent: principalType 'resourceAccount'
    // The user's token as MSAL returns it for https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls
    const entra = emulator.mintEntraToken({ teamsExtensionUser: userId, tenantId, appId });
    const { rawId, token, expiresOn } = await client.exchangeEntraToken({ entraToken: entra.token });
    // rawId 8:acs:<resourceId>_<tenantId>_<userId> (a Teams extension user); expiresOn = the Entra token's exp
    expect(rawId).toBe(`8:acs:${emulator.resourceId}_${tenantId}_${userId}`);
    expect(token.split('.')).toHaveLength(3);
    expect(expiresOn.getTime()).toBe(entra.expiresOn.getTime());
    await emulator.close();
  });

  it('Entra ID: the Entra user token exchange through a group assignment', async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    const { connectionString, caCertFile } = emulator.info;
    const client = createIdentityClient({ connectionString, caCertFile });
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const groupId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'; // an Entra group of that tenant
    const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
    await client.setEntraAssignment({
      objectId: groupId,
      tenantId,
      principalType: 'group',
      clientIds: [appId],
    });
    // A member's token for https://communication.azure.com/clients/.default, with the groups claim
    const entra = emulator.mintEntraToken({
      entraUser: '6f1e2d3c-1111-4222-8333-944455566677',
      tenantId,
      appId,
      scopes: ['VoIP', 'VoIP.Join'],
      groups: [groupId],
    });
    const { rawId, token } = await client.exchangeEntraToken({ entraToken: entra.token });
    // rawId 8:acs:<resourceId>_wf_<tenantId>_<userId>; the token's scopes: voip, voip.join
    expect(rawId).toBe(`8:acs:${emulator.resourceId}_wf_${tenantId}_6f1e2d3c-1111-4222-8333-944455566677`);
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
      acsScope: 'voip,voip.join',
    });
    await emulator.close();
  });

  it("Entra ID: @azure/identity's UsernamePasswordCredential signs a registered user in at the token endpoint", async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    const { connectionString, caCertFile } = emulator.info;
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const app = await emulator.registerEntraApp({ appId: '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11', tenantId });
    const alice = await emulator.registerEntraUser({
      username: 'alice@contoso.example',
      password: 'dev-password',
      tenantId,
    });
    const client = createIdentityClient({ connectionString, caCertFile });
    await client.setTeamsExtensionAssignment({
      tenantId,
      objectId: alice.objectId,
      principalType: 'user',
      clientIds: [app.appId],
    });
    const credential = new UsernamePasswordCredential(
      tenantId,
      app.appId,
      'alice@contoso.example',
      'dev-password',
      {
        authorityHost: emulator.entra.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: await readFile(caCertFile ?? '', 'utf8') },
      },
    );
    const entra = await credential.getToken(
      'https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls',
    );
    const { rawId } = await client.exchangeEntraToken({ entraToken: entra.token });
    expect(rawId).toBe(`8:acs:${emulator.resourceId}_${tenantId}_${alice.objectId}`);
    await emulator.close();
  });

  it("Entra ID: bearer authentication for an application's token from ClientSecretCredential", async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    const ca = await readFile(emulator.info.caCertFile ?? '', 'utf8');
    const app = await emulator.registerEntraApp();
    await emulator.assignRole(app.appId);
    const credential = new ClientSecretCredential(app.tenantId, app.appId, app.secret, {
      authorityHost: emulator.entra.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
    const client = new CommunicationIdentityClient(emulator.info.endpoint, credential, {
      tlsOptions: { ca },
    });
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    await emulator.close();
  });

  it("Entra ID: the resource's managed identities through @azure/arm-communication", async () => {
    const emulator = await startEmulator({ port: 0, dataDir: dir.path, logger: false });
    const ca = await readFile(emulator.info.caCertFile ?? '', 'utf8');
    const credential = {
      getToken: async () => {
        const { token, expiresOn } = emulator.mintEntraToken({
          principal: '3d5e2c1b-7a4f-4e2d-9c8b-1a2b3c4d5e6f',
          audience: 'https://management.azure.com',
        });
        return { token, expiresOnTimestamp: expiresOn.getTime() };
      },
    };
    const host = emulator.info.endpoint.replace(/\/$/, '');
    const arm = new CommunicationServiceManagementClient(credential, '00000000-0000-0000-0000-000000000000', {
      endpoint: host,
      $host: host,
      credentialScopes: ['https://management.azure.com/.default'],
      tlsOptions: { ca },
    });
    const updated = await arm.communicationServices.update('rg', 'acs', {
      identity: { type: 'SystemAssigned' },
    });
    expect(updated.identity).toMatchObject({ type: 'SystemAssigned', tenantId: emulator.info.entraTenantId });
    await emulator.close();
  });
});
