/**
 * Entra ID users (api-version 2025-03-02-preview): the assignments under `/access/entra/assignments` and the token
 * exchange (newest-API reference sections 2.5, 2.6 and 3.3), through raw requests.
 */
import { randomUUID } from 'node:crypto';
import { parseIdentifier } from '@acs-identity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraTokenRequest } from '../src/index.js';
import { decodeToken } from '../src/tokens.js';
import { startTestEmulator, type TestEmulator, verify } from './support.js';
import { call, type ExchangeBody, errorOf, exchange, PREVIEW } from './support-access.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.close();
});

const app = randomUUID();
const path = (objectId: string) => `/access/entra/assignments/${objectId}`;

function put(objectId: string, body: unknown) {
  return call(t, 'PUT', path(objectId), PREVIEW, body);
}

function patch(body: unknown, contentType = 'application/merge-patch+json') {
  return call(t, 'PATCH', '/access/entra/assignments', PREVIEW, body, contentType);
}

function mint(user: { tenantId: string; objectId: string }, more: Partial<EntraTokenRequest> = {}) {
  return t.emulator.mintEntraToken({
    entraUser: user.objectId,
    tenantId: user.tenantId,
    appId: app,
    ...more,
  });
}

function someone() {
  return { tenantId: randomUUID(), objectId: randomUUID() };
}

describe('Entra assignments', () => {
  it('creates (201), replaces (200), reads, lists and deletes (204) an assignment', async () => {
    const objectId = randomUUID();
    const tenantId = randomUUID();
    const created = await put(objectId, { tenantId, principalType: 'user', clientIds: [app] });
    expect({ status: created.status, body: created.json }).toEqual({
      status: 201,
      body: { objectId, tenantId, principalType: 'user', clientIds: [app] },
    });
    const replaced = await put(objectId, { tenantId, principalType: 'group', clientIds: [] });
    expect(replaced.status).toBe(200);
    expect((await call(t, 'GET', path(objectId), PREVIEW)).json).toEqual({
      objectId,
      tenantId,
      principalType: 'group',
      clientIds: [],
    });
    const list = (await call(t, 'GET', '/access/entra/assignments', PREVIEW)).json as {
      value: { objectId: string }[];
    };
    expect(Object.keys(list)).toEqual(['value']);
    expect(list.value.map((a) => a.objectId)).toContain(objectId);
    expect((await call(t, 'DELETE', path(objectId), PREVIEW)).status).toBe(204);
    const gone = await call(t, 'GET', path(objectId), PREVIEW);
    expect({ status: gone.status, code: errorOf(gone).code }).toEqual({
      status: 404,
      code: 'AssignmentNotFound',
    });
    expect((await call(t, 'DELETE', path(objectId), PREVIEW)).status).toBe(204);
  });

  it('needs every field on PUT, answering the field-required 400s', async () => {
    const objectId = randomUUID();
    const answers = await Promise.all([
      put(objectId, { principalType: 'user', clientIds: [] }),
      put(objectId, { tenantId: randomUUID(), clientIds: [] }),
      put(objectId, { tenantId: randomUUID(), principalType: 'user' }),
      put(objectId, { tenantId: randomUUID(), principalType: 'teamsResourceAccount', clientIds: [] }),
    ]);
    expect(answers.map((r) => `${r.status} ${errorOf(r).message}`)).toEqual([
      '400 TenantId: The TenantId field is required.',
      '400 PrincipalType: The PrincipalType field is required.',
      '400 ClientIds: The ClientIds field is required.',
      "400 The principalType 'teamsResourceAccount' is not valid; use user, group or tenant.",
    ]);
  });

  it('merge-patches in bulk: creates, merges into existing ones and removes (null), all or nothing', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const tenantId = randomUUID();
    await put(c, { tenantId, principalType: 'user', clientIds: [app] });
    const first = await patch({
      [a]: { tenantId, principalType: 'user', clientIds: [app] },
      [b]: { tenantId, principalType: 'group', clientIds: [] },
    });
    expect(first.status).toBe(200);
    expect((first.json as { value: { objectId: string }[] }).value.map((x) => x.objectId)).toEqual([a, b]);
    const second = await patch({ [a]: { clientIds: [] }, [c]: null });
    expect(second.json).toEqual({ value: [{ objectId: a, tenantId, principalType: 'user', clientIds: [] }] });
    expect((await call(t, 'GET', path(c), PREVIEW)).status).toBe(404);
    // One bad entry: nothing is written.
    const bad = await patch({ [b]: null, [randomUUID()]: { tenantId } });
    expect({ status: bad.status, code: errorOf(bad).code }).toEqual({ status: 400, code: 'ValidationError' });
    expect((await call(t, 'GET', path(b), PREVIEW)).status).toBe(200);
  });

  it('answers bad patches: another content type, a non-GUID key, an entry that is no object, a new one without fields', async () => {
    const fresh = randomUUID();
    const answers = await Promise.all([
      patch({}, 'application/json'),
      patch({ 'not-a-guid': null }),
      patch({ [fresh]: 'user' }),
      patch({ [fresh]: { principalType: 'user' } }),
    ]);
    expect(answers.map((r) => ({ status: r.status, ...errorOf(r) }))).toEqual([
      {
        status: 415,
        code: 'UnsupportedMediaType',
        message:
          'Send the assignments with Content-Type: application/merge-patch+json; got application/json.',
      },
      {
        status: 400,
        code: 'ValidationError',
        message: "The objectId 'not-a-guid' is not a valid GUID.",
        target: 'objectId',
      },
      {
        status: 400,
        code: 'ValidationError',
        message: `The assignment of ${fresh} must be an object (tenantId, principalType, clientIds) or null to remove it.`,
        target: fresh,
      },
      {
        status: 400,
        code: 'ValidationError',
        message: `${fresh} has no assignment yet: give its tenantId, principalType and clientIds.`,
        target: fresh,
      },
    ]);
  });
});

describe('the Entra user token exchange', () => {
  it('exchanges a user token for 8:acs:<resource>_wf_<tenant>_<user> with the scopes of its permissions', async () => {
    const user = someone();
    await put(user.objectId, { tenantId: user.tenantId, principalType: 'user', clientIds: [app] });
    const entra = mint(user, { scopes: ['VoIP', 'chat.join', 'User.Read', 'VoIP'], expiresInSeconds: 900 });
    const res = await exchange(t, 'entra', entra.token);
    expect(res.status).toBe(200);
    const body = res.json as ExchangeBody;
    const id = `8:acs:${t.info.resourceId}_wf_${user.tenantId}_${user.objectId}`;
    expect(body.identity).toEqual({ id });
    expect(Date.parse(body.accessToken.expiresOn)).toBe(entra.expiresOn.getTime());
    expect(decodeToken(body.accessToken.token)?.claims).toMatchObject({
      acsScope: 'voip,chat.join',
      exp: entra.claims.exp,
    });
    expect(await verify(t, body.accessToken.token)).toMatchObject({ valid: true, identity: id });
    expect(parseIdentifier(id).kind).toBe('communicationUser');
    expect((await call(t, 'GET', `/identities/${encodeURIComponent(id)}`, PREVIEW)).json).toMatchObject({
      id,
    });
  });

  it('maps every Entra permission to its ACS scope', async () => {
    const user = someone();
    await put(user.objectId, { tenantId: user.tenantId, principalType: 'user', clientIds: [app] });
    const token = mint(user, {
      scopes: ['Chat.Join.Limited', 'Chat', 'VoIP.Join', 'Chat.Join', 'VoIP'],
    }).token;
    const body = (await exchange(t, 'entra', token)).json as ExchangeBody;
    expect(decodeToken(body.accessToken.token)?.claims.acsScope).toBe(
      'chat.join.limited,chat,voip.join,chat.join,voip',
    );
  });

  it('lets a group assignment (the token groups) and a tenant assignment in, for users of that tenant only', async () => {
    const group = randomUUID();
    const tenantId = randomUUID();
    await put(group, { tenantId, principalType: 'group', clientIds: [app] });
    const member = { tenantId, objectId: randomUUID() };
    expect((await exchange(t, 'entra', mint(member, { groups: [group] }).token)).status).toBe(200);
    expect((await exchange(t, 'entra', mint(member).token)).status).toBe(403);
    const wholeTenant = randomUUID();
    await put(wholeTenant, { tenantId: wholeTenant, principalType: 'tenant', clientIds: [app] });
    expect(
      (await exchange(t, 'entra', mint({ tenantId: wholeTenant, objectId: randomUUID() }).token)).status,
    ).toBe(200);
    expect(
      (await exchange(t, 'entra', mint({ tenantId: randomUUID(), objectId: wholeTenant }).token)).status,
    ).toBe(403);
  });

  it('answers 403 to an unassigned user and to an application not among clientIds', async () => {
    const user = someone();
    const refused = await exchange(t, 'entra', mint(user).token);
    expect({ status: refused.status, ...errorOf(refused) }).toEqual({
      status: 403,
      code: 'Forbidden',
      message: `The user ${user.objectId} of tenant ${user.tenantId} has no Entra ID assignment on this resource (as a user, through a group or through its tenant). Assign it: PUT /access/entra/assignments/{objectId}.`,
    });
    await put(user.objectId, { tenantId: user.tenantId, principalType: 'user', clientIds: [randomUUID()] });
    const otherApp = await exchange(t, 'entra', mint(user).token);
    expect(errorOf(otherApp).message).toBe(
      `The application ${app} is not among the clientIds of the Entra ID assignments that apply to user ${user.objectId}.`,
    );
  });

  it('answers 401 InvalidAccessToken to tokens without a Clients permission, for another audience or expired', async () => {
    const user = someone();
    await put(user.objectId, { tenantId: user.tenantId, principalType: 'user', clientIds: [app] });
    const cases = {
      noPermission: mint(user, { scopes: ['User.Read'] }).token,
      wrongAudience: mint(user, { audience: 'https://communication.azure.com' }).token,
      expired: mint(user, { expiresInSeconds: 0 }).token,
      teamsExtensionToken: t.emulator.mintEntraToken({
        teamsExtensionUser: user.objectId,
        tenantId: user.tenantId,
        appId: app,
      }).token,
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await exchange(t, 'entra', token);
      expect({ name, status: res.status, code: errorOf(res).code }).toEqual({
        name,
        status: 401,
        code: 'InvalidAccessToken',
      });
    }
    const byAppId = mint(user, { audience: '2a04943b-b6a7-4f65-8786-2bb6131b59f6' }).token;
    expect((await exchange(t, 'entra', byAppId)).status).toBe(200);
  });

  it('is refused at the stable versions', async () => {
    const res = await exchange(t, 'entra', mint(someone()).token, '2025-06-30');
    expect({ status: res.status, code: errorOf(res).code }).toEqual({
      status: 400,
      code: 'UnsupportedApiVersion',
    });
  });
});
