import { randomUUID } from 'node:crypto';
import { CommunicationServiceManagementClient } from '@azure/arm-communication';
import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestEmulator, type TestEmulator } from './support.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.close();
});

const subscriptionId = randomUUID();
const group = 'rg-acs';
const name = 'acs-emulated';
const uami = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/acs-uami`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function armClient(
  audience = 'https://management.azure.com',
  subscription = subscriptionId,
): CommunicationServiceManagementClient {
  const credential: TokenCredential = {
    getToken: async () => ({
      token: t.emulator.mintEntraToken({ principal: randomUUID(), audience }).token,
      expiresOnTimestamp: Date.now() + 3_600_000,
    }),
  };
  const host = t.info.endpoint.replace(/\/$/, '');
  return new CommunicationServiceManagementClient(credential, subscription, {
    endpoint: host,
    $host: host,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: t.ca },
    retryOptions: { maxRetries: 0 },
  });
}

describe('resource managed identities through @azure/arm-communication', () => {
  it('creates the resource with a system-assigned identity, adds and removes a user-assigned one, then none', async () => {
    const client = armClient();
    // Nothing exists before the first PUT or PATCH: a GET at any address is a 404, as ARM's for a missing resource.
    await expect(client.communicationServices.get(group, name)).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });

    const created = await client.communicationServices.beginCreateOrUpdateAndWait(group, name, {
      location: 'global',
      dataLocation: 'United States',
      identity: { type: 'SystemAssigned' },
    });
    expect(created.provisioningState).toBe('Succeeded');
    expect(created.immutableResourceId).toBe(t.info.resourceId);
    expect(created.identity).toEqual({
      type: 'SystemAssigned',
      principalId: expect.stringMatching(GUID),
      tenantId: t.info.entraTenantId,
    });
    const systemPrincipal = created.identity?.principalId;

    const both = await client.communicationServices.update(group, name, {
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami]: {} } },
    });
    expect(both.identity?.type).toBe('SystemAssigned,UserAssigned');
    expect(both.identity?.principalId).toBe(systemPrincipal);
    expect(both.identity?.userAssignedIdentities?.[uami]).toEqual({
      principalId: expect.stringMatching(GUID),
      clientId: expect.stringMatching(GUID),
    });

    const read = await client.communicationServices.get(group, name);
    expect(read.identity).toEqual(both.identity);

    const userOnly = await client.communicationServices.update(group, name, {
      identity: { type: 'UserAssigned' },
    });
    expect(userOnly.identity?.type).toBe('UserAssigned');
    expect(userOnly.identity?.principalId).toBeUndefined();
    expect(Object.keys(userOnly.identity?.userAssignedIdentities ?? {})).toEqual([uami]);

    const none = await client.communicationServices.update(group, name, { identity: { type: 'None' } });
    expect(none.identity).toEqual({ type: 'None' });
    expect((await client.communicationServices.get(group, name)).identity).toEqual({ type: 'None' });
  });

  it('answers 404 ResourceNotFound at any other address once a PUT or PATCH named the resource', async () => {
    const client = armClient();
    await client.communicationServices.update(group, name, { tags: { env: 'dev' } }); // names it (if not yet)
    const notFound = { statusCode: 404, code: 'ResourceNotFound' };
    for (const [g, n] of [
      [group, 'acs-emulatd'],
      ['rg-other', name],
    ] as const) {
      await expect(client.communicationServices.get(g, n)).rejects.toMatchObject(notFound);
      await expect(
        client.communicationServices.update(g, n, { identity: { type: 'SystemAssigned' } }),
      ).rejects.toMatchObject(notFound);
    }
    await expect(
      armClient(undefined, randomUUID()).communicationServices.get(group, name),
    ).rejects.toMatchObject(notFound);
    const typo = await client.communicationServices.get(group, 'acs-emulatd').catch((e: Error) => e.message);
    expect(typo).toContain(
      "The Resource 'Microsoft.Communication/communicationServices/acs-emulatd' under resource group 'rg-acs' was not found.",
    );
    // ARM names ignore case; a second resource cannot be created next to the one the emulator serves.
    const upper = await client.communicationServices.get(group.toUpperCase(), name.toUpperCase());
    expect(upper.immutableResourceId).toBe(t.info.resourceId);
    await expect(
      client.communicationServices.beginCreateOrUpdateAndWait(group, 'acs-second', { location: 'global' }),
    ).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
  });

  it('answers 400 to an unknown identity type and to UserAssigned without identities', async () => {
    const client = armClient();
    await expect(
      client.communicationServices.update(group, name, { identity: { type: 'Everything' as 'None' } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidIdentityType' });
    await expect(
      client.communicationServices.update(group, name, { identity: { type: 'UserAssigned' } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidIdentity' });
  });

  it('answers 401 without a token and to a token for another audience', async () => {
    await expect(
      armClient('https://communication.azure.com').communicationServices.get(group, name),
    ).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    const res = await rawRequest(
      t,
      'GET',
      `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Communication/communicationServices/${name}?api-version=2025-09-01`,
      {},
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: 'AuthenticationFailed' } });
  });
});
