/**
 * Core's operations of today's API (custom ids, identity details, the assignments, the exchange of an end user's
 * Entra token), built on the Azure core pipeline with communication-common's authentication policy, against the real
 * emulator over HTTPS: what they send, what they answer, and how the service's errors become `AcsIdentityError`s.
 */
import { randomUUID } from 'node:crypto';
import { type AcsIdentityError, parseIdentifier } from '@acs-identity/core';
import { createIdentityClient, type IdentityClientOptions } from '@acs-identity/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator, verify } from './support.js';

let t: TestEmulator;
let other: TestEmulator;
beforeAll(async () => {
  [t, other] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), other?.close()]);
});

function client(more: Partial<IdentityClientOptions> = {}) {
  return createIdentityClient({
    connectionString: t.info.connectionString,
    caCertFile: t.info.caCertFile ?? '',
    retry: { maxRetries: 0 },
    ...more,
  } as IdentityClientOptions);
}

async function rejection(p: Promise<unknown>): Promise<AcsIdentityError> {
  try {
    await p;
  } catch (e) {
    return e as AcsIdentityError;
  }
  throw new Error('expected a rejection');
}

const requests = () => t.logs.filter((l) => l.msg === 'request').length;
const app = randomUUID();

describe('custom ids and identity details', () => {
  it('creates one identity per customId, at 2025-03-02-preview whatever the client version', async () => {
    const customId = `dana-${randomUUID()}@contoso.com`;
    const first = await client().createUser({ customId });
    expect(first).toEqual({ rawId: expect.stringMatching(/^8:acs:/), customId });
    const again = await client({ apiVersion: '2025-06-30' }).createUserAndToken(['chat', 'voip'], {
      customId,
      expiresInMinutes: 60,
    });
    expect(again).toMatchObject({ rawId: first.rawId, customId, token: expect.any(String) });
    expect(again.lastTokenIssuedAt).toBeInstanceOf(Date);
    expect(again.expiresOn.getTime() - (again.lastTokenIssuedAt?.getTime() ?? 0)).toBe(60 * 60_000);
    expect(await verify(t, again.token)).toMatchObject({ valid: true, identity: first.rawId });
    const created = t.logs.filter((l) => l.operation === 'create').slice(-2);
    expect(created.map((l) => l.path)).toEqual([
      '/identities?api-version=2025-03-02-preview',
      '/identities?api-version=2025-03-02-preview',
    ]);
  });

  it('keeps creating users without a customId through the SDK, at the client version', async () => {
    const user = await client().createUser();
    expect(user).toEqual({ rawId: expect.stringMatching(/^8:acs:/) });
    expect(t.logs.filter((l) => l.operation === 'create').at(-1)?.path).toBe(
      '/identities?api-version=2023-10-01',
    );
  });

  it('reads a user: rawId, customId, lastTokenIssuedAt', async () => {
    const customId = `erin-${randomUUID()}`;
    const { rawId } = await client().createUser({ customId });
    expect(await client().getUser(rawId)).toEqual({ rawId, customId });
    await client().issueToken(rawId, ['chat']);
    const details = await client().getUser(rawId);
    expect(details.lastTokenIssuedAt?.getTime()).toBe(t.clock.now);
  });

  it('turns the service errors of a read into AcsIdentityError codes', async () => {
    const unknown = `8:acs:${t.info.resourceId}_${randomUUID()}`;
    expect(await rejection(client().getUser(unknown))).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      serviceCode: 'IdentityNotFound',
      target: 'id',
      message: `Identity '${unknown}' does not exist in this resource.`,
    });
    const { rawId } = await createIdentityClient({
      connectionString: other.info.connectionString,
      caCertFile: other.info.caCertFile ?? '',
    }).createUser();
    expect(await rejection(client().getUser(rawId))).toMatchObject({
      code: 'IDENTITY_NOT_OWNED',
      status: 401,
      serviceCode: 'IdentityNotOwned',
    });
  });

  it('checks a custom id, a user id and assignment ids locally, before any request', async () => {
    const before = requests();
    const cases = await Promise.all([
      rejection(client().createUser({ customId: '' })),
      rejection(client().createUser({ customId: 'x'.repeat(257) })),
      rejection(client().getUser('8:orgid:someone')),
      rejection(
        client().setTeamsExtensionAssignment({
          tenantId: 'x',
          objectId: randomUUID(),
          principalType: 'user',
        }),
      ),
      rejection(
        client().setEntraAssignment({
          objectId: randomUUID(),
          tenantId: randomUUID(),
          principalType: 'user',
          clientIds: ['nope'],
        }),
      ),
      rejection(client().exchangeEntraToken({ entraToken: '' })),
    ]);
    expect(cases.map((e) => [e.code, e.target])).toEqual([
      ['INVALID_INPUT', 'customId'],
      ['INVALID_INPUT', 'customId'],
      ['INVALID_INPUT', 'userId'],
      ['INVALID_INPUT', 'tenantId'],
      ['INVALID_INPUT', 'clientIds'],
      ['INVALID_INPUT', 'entraToken'],
    ]);
    expect(requests()).toBe(before);
  });
});

describe('assignments', () => {
  it('creates, replaces, reads and deletes a Teams Extension assignment; a missing one is NOT_FOUND', async () => {
    const key = { tenantId: randomUUID(), objectId: randomUUID() };
    const created = await client().setTeamsExtensionAssignment({
      ...key,
      principalType: 'user',
      clientIds: [app],
    });
    expect(created).toEqual({
      created: true,
      assignment: { ...key, principalType: 'user', clientIds: [app] },
    });
    const replaced = await client().setTeamsExtensionAssignment({ ...key, principalType: 'resourceAccount' });
    expect(replaced).toEqual({ created: false, assignment: { ...key, principalType: 'resourceAccount' } });
    expect(await client().getTeamsExtensionAssignment(key.tenantId, key.objectId)).toEqual(
      replaced.assignment,
    );
    await client().deleteTeamsExtensionAssignment(key.tenantId, key.objectId);
    expect(await rejection(client().getTeamsExtensionAssignment(key.tenantId, key.objectId))).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      serviceCode: 'AssignmentNotFound',
    });
  });

  it('calls the Teams Extension routes at the client version when it has them, else at 2025-06-30', async () => {
    const key = [randomUUID(), randomUUID()] as const;
    await rejection(client({ apiVersion: '2026-09-23' }).getTeamsExtensionAssignment(...key));
    await rejection(client().getTeamsExtensionAssignment(...key));
    const paths = t.logs.filter((l) => l.operation === 'getTeamsExtensionAssignment').slice(-2);
    expect(paths.map((l) => String(l.path).split('?')[1])).toEqual([
      'api-version=2026-09-23',
      'api-version=2025-06-30',
    ]);
  });

  it('manages Entra assignments: set, list, merge-patch, get, delete', async () => {
    const tenantId = randomUUID();
    const [user, group] = [randomUUID(), randomUUID()];
    const set = await client().setEntraAssignment({
      objectId: user,
      tenantId,
      principalType: 'user',
      clientIds: [app],
    });
    expect(set.created).toBe(true);
    const changed = await client().updateEntraAssignments({
      [user]: { clientIds: [] },
      [group]: { tenantId, principalType: 'group', clientIds: [app] },
    });
    expect(changed).toEqual([
      { objectId: user, tenantId, principalType: 'user', clientIds: [] },
      { objectId: group, tenantId, principalType: 'group', clientIds: [app] },
    ]);
    expect((await client().listEntraAssignments()).map((a) => a.objectId)).toEqual(
      expect.arrayContaining([user, group]),
    );
    await client().updateEntraAssignments({ [group]: null });
    expect(await rejection(client().getEntraAssignment(group))).toMatchObject({ code: 'NOT_FOUND' });
    await client().deleteEntraAssignment(user);
    expect(await rejection(client().getEntraAssignment(user))).toMatchObject({
      serviceCode: 'AssignmentNotFound',
    });
  });

  it('manages assignments with an Entra credential too (communication-common bearer policy)', async () => {
    const principal = randomUUID();
    await t.emulator.assignRole(principal);
    const credential = {
      getToken: async () => {
        const minted = t.emulator.mintEntraToken({ principal });
        return { token: minted.token, expiresOnTimestamp: minted.expiresOn.getTime() };
      },
    };
    const byEntra = createIdentityClient({
      endpoint: t.info.endpoint,
      credential,
      caCertFile: t.info.caCertFile ?? '',
      retry: { maxRetries: 0 },
    });
    const key = { tenantId: randomUUID(), objectId: randomUUID() };
    expect((await byEntra.setTeamsExtensionAssignment({ ...key, principalType: 'user' })).created).toBe(true);
    expect((await byEntra.createUser({ customId: `frank-${randomUUID()}` })).customId).toMatch(/^frank-/);
  });
});

describe('exchanging an end user Entra token', () => {
  it('exchanges a Teams Extension token (kind read from its audience) for a Teams extension user', async () => {
    const key = { tenantId: randomUUID(), objectId: randomUUID() };
    await client().setTeamsExtensionAssignment({ ...key, principalType: 'user', clientIds: [app] });
    const entra = t.emulator.mintEntraToken({
      teamsExtensionUser: key.objectId,
      tenantId: key.tenantId,
      appId: app,
    });
    const exchanged = await client().exchangeEntraToken({ entraToken: entra.token });
    expect(exchanged.expiresOn.getTime()).toBe(entra.expiresOn.getTime());
    expect(parseIdentifier(exchanged.rawId)).toMatchObject({
      kind: 'teamsExtensionUser',
      resourceId: t.info.resourceId,
      tenantId: key.tenantId,
      userId: key.objectId,
    });
    expect(await verify(t, exchanged.token)).toMatchObject({ valid: true, identity: exchanged.rawId });
    expect((await client().getUser(exchanged.rawId)).lastTokenIssuedAt).toBeInstanceOf(Date);
  });

  it("exchanges an Entra user token without using the client's own credential", async () => {
    const key = { tenantId: randomUUID(), objectId: randomUUID() };
    await client().setEntraAssignment({ ...key, principalType: 'user', clientIds: [app] });
    const entra = t.emulator.mintEntraToken({ entraUser: key.objectId, tenantId: key.tenantId, appId: app });
    const noCredential = createIdentityClient({
      endpoint: t.info.endpoint,
      credential: {
        getToken: () => Promise.reject(new Error('the exchange must not ask the client credential')),
      },
      caCertFile: t.info.caCertFile ?? '',
    });
    const exchanged = await noCredential.exchangeEntraToken({ entraToken: entra.token, kind: 'entra' });
    expect(exchanged.rawId).toBe(`8:acs:${t.info.resourceId}_wf_${key.tenantId}_${key.objectId}`);
  });

  it('turns the exchange errors into AcsIdentityError codes, without the Entra token anywhere', async () => {
    const stranger = { tenantId: randomUUID(), objectId: randomUUID() };
    const entra = t.emulator.mintEntraToken({
      teamsExtensionUser: stranger.objectId,
      tenantId: stranger.tenantId,
      appId: app,
    });
    const forbidden = await rejection(client().exchangeEntraToken({ entraToken: entra.token }));
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN', status: 403, serviceCode: 'Forbidden' });
    expect(forbidden.message).toContain(`The user ${stranger.objectId} of tenant ${stranger.tenantId}`);
    const expired = t.emulator.mintEntraToken({
      entraUser: stranger.objectId,
      appId: app,
      expiresInSeconds: -5,
    });
    const unauthenticated = await rejection(client().exchangeEntraToken({ entraToken: expired.token }));
    expect(unauthenticated).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      serviceCode: 'InvalidAccessToken',
      message: 'Provided access token is not valid.',
    });
    const seen = JSON.stringify(unauthenticated, Object.getOwnPropertyNames(unauthenticated));
    const inCause = JSON.stringify((unauthenticated.cause as { request?: unknown }).request ?? {});
    expect(seen + inCause).not.toContain(expired.token.split('.')[2]);
    const unknownAudience = t.emulator.mintEntraToken({ principal: randomUUID() }).token;
    expect(await rejection(client().exchangeEntraToken({ entraToken: unknownAudience }))).toMatchObject({
      code: 'INVALID_INPUT',
      target: 'kind',
    });
  });
});
