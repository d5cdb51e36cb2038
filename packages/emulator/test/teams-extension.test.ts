/**
 * Teams Phone extensibility (Teams Extension): the assignments and the token exchange (newest-API reference sections
 * 2.3, 2.4 and 3.2), through raw requests as communication-common and the docs' REST calls send them.
 */
import { randomUUID } from 'node:crypto';
import { parseIdentifier } from '@acs-identity/core';
import { createIdentifierFromRawId } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraTokenRequest } from '../src/index.js';
import { decodeToken } from '../src/tokens.js';
import { rawRequest, signedRequest, startTestEmulator, type TestEmulator, verify } from './support.js';
import {
  call,
  type ExchangeBody,
  errorOf,
  exchange,
  PREVIEW,
  TEAMS_EXTENSION_VERSION,
  teamsAssignmentPath,
} from './support-access.js';

let t: TestEmulator;
let untrusted: TestEmulator;
beforeAll(async () => {
  [t, untrusted] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), untrusted?.close()]);
});

const V = TEAMS_EXTENSION_VERSION;
const app = randomUUID();

function put(tenantId: string, objectId: string, body: unknown, version = V) {
  return call(t, 'PUT', teamsAssignmentPath(tenantId, objectId), version, body);
}

/** A user assigned with `app` among its clientIds; its token request. */
async function assignedUser(clientIds = [app]): Promise<{ tenantId: string; objectId: string }> {
  const tenantId = randomUUID();
  const objectId = randomUUID();
  const res = await put(tenantId, objectId, { principalType: 'user', clientIds });
  expect(res.status).toBe(201);
  return { tenantId, objectId };
}

function mint(user: { tenantId: string; objectId: string }, more: Partial<EntraTokenRequest> = {}) {
  return t.emulator.mintEntraToken({
    teamsExtensionUser: user.objectId,
    tenantId: user.tenantId,
    appId: app,
    ...more,
  });
}

describe('Teams Extension assignments', () => {
  it('creates (201), replaces (200), reads and deletes (204) an assignment; a deleted one answers 404', async () => {
    const tenantId = randomUUID();
    const objectId = randomUUID();
    const created = await put(tenantId, objectId, { principalType: 'user', clientIds: [app.toUpperCase()] });
    expect({ status: created.status, body: created.json }).toEqual({
      status: 201,
      body: { objectId, tenantId, principalType: 'user', clientIds: [app] },
    });
    const replaced = await put(tenantId, objectId, { principalType: 'resourceAccount' });
    expect({ status: replaced.status, body: replaced.json }).toEqual({
      status: 200,
      body: { objectId, tenantId, principalType: 'resourceAccount' },
    });
    const read = await call(t, 'GET', teamsAssignmentPath(tenantId, objectId), V);
    expect(read.json).toEqual({ objectId, tenantId, principalType: 'resourceAccount' });
    expect((await call(t, 'DELETE', teamsAssignmentPath(tenantId, objectId), V)).status).toBe(204);
    const gone = await call(t, 'GET', teamsAssignmentPath(tenantId, objectId), V);
    expect({ status: gone.status, ...errorOf(gone) }).toEqual({
      status: 404,
      code: 'AssignmentNotFound',
      message: `There is no assignment for object ${objectId} of tenant ${tenantId} on this resource.`,
    });
    expect((await call(t, 'DELETE', teamsAssignmentPath(tenantId, objectId), V)).status).toBe(204);
  });

  it("accepts the docs' teamsResourceAccount and any case of a principal type, answering the spelling of the list", async () => {
    const res = await put(randomUUID(), randomUUID(), { principalType: 'TeamsResourceAccount' });
    expect(res.status).toBe(201);
    expect((res.json as { principalType: string }).principalType).toBe('teamsResourceAccount');
  });

  it('keeps assignments apart per tenant', async () => {
    const objectId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    await put(a, objectId, { principalType: 'user', clientIds: [app] });
    expect((await call(t, 'GET', teamsAssignmentPath(b, objectId), V)).status).toBe(404);
  });

  it('answers bad assignments with the service-style 400s', async () => {
    const tenant = randomUUID();
    const object = randomUUID();
    const cases = await Promise.all([
      put(tenant, object, {}),
      put(tenant, object, { principalType: 'group' }),
      put(tenant, object, { principalType: 'user', clientIds: 'abc' }),
      put(tenant, object, { principalType: 'user', clientIds: ['abc'] }),
      put('not-a-tenant', object, { principalType: 'user' }),
      call(t, 'GET', teamsAssignmentPath(tenant, 'nope'), V),
    ]);
    expect(cases.map((r) => ({ status: r.status, ...errorOf(r) }))).toMatchInlineSnapshot(`
      [
        {
          "code": "ValidationError",
          "message": "PrincipalType: The PrincipalType field is required.",
          "status": 400,
          "target": "PrincipalType",
        },
        {
          "code": "ValidationError",
          "message": "The principalType 'group' is not valid; use resourceAccount, user or teamsResourceAccount.",
          "status": 400,
          "target": "principalType",
        },
        {
          "code": "ValidationError",
          "message": "clientIds must be an array of application (client) id GUIDs.",
          "status": 400,
          "target": "clientIds",
        },
        {
          "code": "ValidationError",
          "message": "The clientIds 'abc' is not a valid GUID.",
          "status": 400,
          "target": "clientIds",
        },
        {
          "code": "ValidationError",
          "message": "The tenantId 'not-a-tenant' is not a valid GUID.",
          "status": 400,
          "target": "tenantId",
        },
        {
          "code": "ValidationError",
          "message": "The objectId 'nope' is not a valid GUID.",
          "status": 400,
          "target": "objectId",
        },
      ]
    `);
  });

  it('is managed like the other management calls: HMAC or a granted bearer, else 401/403', async () => {
    const path = `${teamsAssignmentPath(randomUUID(), randomUUID())}?api-version=${V}`;
    const denied = await signedRequest(t, {
      method: 'GET',
      target: path,
      accessKey: Buffer.alloc(32).toString('base64'),
    });
    expect({ status: denied.status, code: errorOf(denied).code }).toEqual({ status: 401, code: 'Denied' });
    const principal = randomUUID();
    const bearer = t.emulator.mintEntraToken({ principal }).token;
    const forbidden = await rawRequest(t, 'GET', path, { authorization: `Bearer ${bearer}` });
    expect({ status: forbidden.status, code: errorOf(forbidden).code }).toEqual({
      status: 403,
      code: 'Forbidden',
    });
    await t.emulator.assignRole(principal);
    const granted = await rawRequest(t, 'GET', path, { authorization: `Bearer ${bearer}` });
    expect({ status: granted.status, code: errorOf(granted).code }).toEqual({
      status: 404,
      code: 'AssignmentNotFound',
    });
  });
});

describe('the Teams Extension token exchange', () => {
  it('exchanges an assigned user token for 8:acs:<resource>_<tenant>_<user>, expiring with the Entra token', async () => {
    const user = await assignedUser();
    const entra = mint(user, { expiresInSeconds: 1800 });
    const res = await exchange(t, 'teamsExtension', entra.token);
    expect(res.status).toBe(200);
    const body = res.json as ExchangeBody;
    const id = `8:acs:${t.info.resourceId}_${user.tenantId}_${user.objectId}`;
    expect(body).toEqual({
      identity: { id },
      accessToken: { token: expect.any(String), expiresOn: expect.any(String) },
    });
    expect(Date.parse(body.accessToken.expiresOn)).toBe(entra.expiresOn.getTime());
    expect(decodeToken(body.accessToken.token)?.claims).toMatchObject({
      skypeid: id.slice(2),
      acsScope: 'voip',
      exp: entra.claims.exp,
      resourceId: t.info.resourceId,
    });
    expect(await verify(t, body.accessToken.token)).toMatchObject({ valid: true, identity: id });
    const details = await call(t, 'GET', `/identities/${encodeURIComponent(id)}`, PREVIEW);
    expect(details.json).toEqual({ id, lastTokenIssuedAt: expect.stringMatching(/\.\d{7}\+00:00$/) });
  });

  it('gives an identity the SDKs and core read as a Teams extension user', async () => {
    const user = await assignedUser();
    const body = (await exchange(t, 'teamsExtension', mint(user).token)).json as ExchangeBody;
    const rawId = body.identity.id;
    expect(parseIdentifier(rawId)).toEqual({
      kind: 'teamsExtensionUser',
      resourceId: t.info.resourceId,
      tenantId: user.tenantId,
      userId: user.objectId,
      cloud: 'public',
      rawId,
    });
    expect(createIdentifierFromRawId(rawId)).toMatchObject({
      kind: 'teamsExtensionUser',
      resourceId: t.info.resourceId,
      tenantId: user.tenantId,
      userId: user.objectId,
    });
  });

  it('is served at every version that has it, and at //access/... (an endpoint with a trailing slash)', async () => {
    const user = await assignedUser();
    for (const version of [PREVIEW, '2025-06-30', '2026-07-22', '2026-09-23']) {
      expect((await exchange(t, 'teamsExtension', mint(user).token, version)).status).toBe(200);
    }
    expect((await exchange(t, 'teamsExtension', mint(user).token, V, '/')).status).toBe(200);
  });

  it('accepts the GCCH audience', async () => {
    const user = await assignedUser();
    const token = mint(user, { audience: 'https://auth.msft.communication.azure.us' }).token;
    expect((await exchange(t, 'teamsExtension', token)).status).toBe(200);
  });

  it('answers 401 InvalidAccessToken (no api-supported-versions) to every token that is not a valid Teams Extension token', async () => {
    const user = await assignedUser();
    const cases: Record<string, string | undefined> = {
      noAuthorization: undefined,
      garbage: 'not-a-token',
      expired: mint(user, { expiresInSeconds: -1 }).token,
      missingScope: mint(user, { omitScopes: ['TeamsExtension.ManageCalls'] }).token,
      wrongAudience: mint(user, { audience: 'https://communication.azure.com' }).token,
      teamsUserToken: t.emulator.mintEntraToken({
        teamsUser: user.objectId,
        tenantId: user.tenantId,
        appId: app,
      }).token,
      entraUserToken: t.emulator.mintEntraToken({
        entraUser: user.objectId,
        tenantId: user.tenantId,
        appId: app,
      }).token,
      untrustedIssuer: untrusted.emulator.mintEntraToken({ teamsExtensionUser: user.objectId, appId: app })
        .token,
      appToken: t.emulator.mintEntraToken({ principal: user.objectId }).token,
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await exchange(t, 'teamsExtension', token);
      expect({
        name,
        status: res.status,
        ...errorOf(res),
        versions: res.headers['api-supported-versions'],
      }).toEqual({
        name,
        status: 401,
        code: 'InvalidAccessToken',
        message: 'Provided access token is not valid.',
        versions: undefined,
      });
    }
  });

  it('answers 403 to an unassigned user, a resource account and an application not among clientIds', async () => {
    const stranger = { tenantId: randomUUID(), objectId: randomUUID() };
    const notAssigned = await exchange(t, 'teamsExtension', mint(stranger).token);
    expect({ status: notAssigned.status, ...errorOf(notAssigned) }).toEqual({
      status: 403,
      code: 'Forbidden',
      message: `The user ${stranger.objectId} of tenant ${stranger.tenantId} has no Teams Phone extensibility assignment on this resource. Assign it: PUT /access/teamsExtension/tenants/${stranger.tenantId}/assignments/${stranger.objectId} with principalType user and the application in clientIds.`,
    });
    const account = { tenantId: randomUUID(), objectId: randomUUID() };
    await put(account.tenantId, account.objectId, { principalType: 'resourceAccount', clientIds: [app] });
    expect((await exchange(t, 'teamsExtension', mint(account).token)).status).toBe(403);
    const user = await assignedUser([randomUUID()]);
    const otherApp = await exchange(t, 'teamsExtension', mint(user).token);
    expect({ status: otherApp.status, ...errorOf(otherApp) }).toEqual({
      status: 403,
      code: 'Forbidden',
      message: `The application ${app} is not among the clientIds of the Teams Phone extensibility assignment of user ${user.objectId}.`,
    });
  });

  it('stops exchanging once the assignment is deleted', async () => {
    const user = await assignedUser();
    expect((await exchange(t, 'teamsExtension', mint(user).token)).status).toBe(200);
    await call(t, 'DELETE', teamsAssignmentPath(user.tenantId, user.objectId), V);
    expect((await exchange(t, 'teamsExtension', mint(user).token)).status).toBe(403);
  });
});
