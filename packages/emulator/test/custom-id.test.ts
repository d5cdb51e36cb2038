/**
 * Custom ids, `lastTokenIssuedAt` and `GET /identities/{id}` (api-version 2025-03-02-preview; newest-API reference
 * sections 2.1 and 2.2), through raw signed requests.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './support.js';
import { call, errorOf, PREVIEW } from './support-access.js';

let t: TestEmulator;
let other: TestEmulator;
beforeAll(async () => {
  [t, other] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), other?.close()]);
});

interface Created {
  identity: { id: string; customId?: string; lastTokenIssuedAt?: string };
  accessToken?: { token: string; expiresOn: string };
}

async function create(body: Record<string, unknown>): Promise<Created> {
  const res = await call(t, 'POST', '/identities', PREVIEW, body);
  expect(res.status).toBe(201);
  return res.json as Created;
}

async function get(id: string, target = t) {
  return call(target, 'GET', `/identities/${encodeURIComponent(id)}`, PREVIEW);
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/;

describe('customId on create', () => {
  it('gives the same identity for the same customId, also when the second call asks for a token', async () => {
    const customId = `alice-${randomUUID()}@contoso.com`;
    const first = await create({ customId });
    expect(first).toEqual({ identity: { id: expect.stringMatching(/^8:acs:/), customId } });
    const again = await create({ customId, createTokenWithScopes: ['chat', 'voip'], expiresInMinutes: 60 });
    expect(again.identity.id).toBe(first.identity.id);
    expect(again.identity.customId).toBe(customId);
    expect(again.identity.lastTokenIssuedAt).toMatch(TIMESTAMP);
    expect(again.accessToken?.expiresOn).toMatch(TIMESTAMP);
    const third = await create({ customId });
    expect(third.identity).toEqual({ ...again.identity });
  });

  it('gives different identities for different custom ids and for none', async () => {
    const a = await create({ customId: `a-${randomUUID()}` });
    const b = await create({ customId: `b-${randomUUID()}` });
    const none = await create({});
    expect(new Set([a.identity.id, b.identity.id, none.identity.id]).size).toBe(3);
  });

  it('agrees on one identity when many creates of one customId arrive at once', async () => {
    const customId = `race-${randomUUID()}`;
    const all = await Promise.all(Array.from({ length: 12 }, () => create({ customId })));
    expect(new Set(all.map((c) => c.identity.id)).size).toBe(1);
  });

  it('compares custom ids exactly (case and spaces count)', async () => {
    const base = `Case-${randomUUID()}`;
    const ids = await Promise.all([base, base.toLowerCase(), ` ${base}`].map((c) => create({ customId: c })));
    expect(new Set(ids.map((c) => c.identity.id)).size).toBe(3);
  });

  it('takes 1 to 256 characters and answers others with the field-length 400 (no api-supported-versions)', async () => {
    expect((await create({ customId: 'x'.repeat(256) })).identity.customId).toHaveLength(256);
    for (const customId of ['', 'x'.repeat(257)]) {
      const res = await call(t, 'POST', '/identities', PREVIEW, { customId });
      expect({ status: res.status, error: errorOf(res) }).toEqual({
        status: 400,
        error: {
          code: 'ValidationError',
          message:
            'CustomId: The field CustomId must be a string with a minimum length of 1 and a maximum length of 256.',
          target: 'CustomId',
        },
      });
      expect(res.headers['api-supported-versions']).toBeUndefined();
    }
    const notString = await call(t, 'POST', '/identities', PREVIEW, { customId: 42 });
    expect(errorOf(notString)).toMatchObject({ code: 'ValidationError', target: 'CustomId' });
  });

  it('treats customId null as none', async () => {
    const { identity } = await create({ customId: null });
    expect(identity).toEqual({ id: expect.stringMatching(/^8:acs:/) });
  });

  it('frees the customId when its identity is deleted: the next create makes a new identity', async () => {
    const customId = `bob-${randomUUID()}`;
    const before = await create({ customId });
    const deleted = await call(t, 'DELETE', `/identities/${encodeURIComponent(before.identity.id)}`, PREVIEW);
    expect(deleted.status).toBe(204);
    const after = await create({ customId });
    expect(after.identity.id).not.toBe(before.identity.id);
    expect(after.identity.customId).toBe(customId);
    expect((await get(after.identity.id)).json).toEqual({ id: after.identity.id, customId });
  });
});

describe('GET /identities/{id}', () => {
  it('answers the bare identity: id, customId and lastTokenIssuedAt once a token was issued', async () => {
    const customId = `carol-${randomUUID()}`;
    const { identity } = await create({ customId });
    const fresh = await get(identity.id);
    expect(fresh.status).toBe(200);
    expect(fresh.json).toEqual({ id: identity.id, customId });
    // Issued at another api-version: the time is recorded all the same.
    const issued = await call(
      t,
      'POST',
      `/identities/${encodeURIComponent(identity.id)}/:issueAccessToken`,
      '2023-10-01',
      {
        scopes: ['chat'],
      },
    );
    expect(issued.status).toBe(200);
    const after = (await get(identity.id)).json as { lastTokenIssuedAt: string };
    expect(after).toEqual({ id: identity.id, customId, lastTokenIssuedAt: expect.stringMatching(TIMESTAMP) });
    expect(Date.parse(after.lastTokenIssuedAt)).toBe(t.clock.now);
  });

  it('moves lastTokenIssuedAt forward with every token', async () => {
    const { identity } = await create({ createTokenWithScopes: ['chat'] });
    const first = ((await get(identity.id)).json as { lastTokenIssuedAt: string }).lastTokenIssuedAt;
    t.clock.now += 5_000;
    await call(t, 'POST', `/identities/${encodeURIComponent(identity.id)}/:issueAccessToken`, PREVIEW, {
      scopes: ['voip'],
    });
    const second = ((await get(identity.id)).json as { lastTokenIssuedAt: string }).lastTokenIssuedAt;
    expect(Date.parse(second) - Date.parse(first)).toBeGreaterThanOrEqual(4_999);
    expect(second > first).toBe(true);
  });

  it('answers 404 IdentityNotFound for an unknown and for a deleted identity', async () => {
    const unknown = `8:acs:${t.info.resourceId}_${randomUUID()}`;
    expect(await errorOfGet(unknown)).toEqual({
      status: 404,
      code: 'IdentityNotFound',
      message: `Identity '${unknown}' does not exist in this resource.`,
      target: 'id',
    });
    const { identity } = await create({});
    await call(t, 'DELETE', `/identities/${encodeURIComponent(identity.id)}`, PREVIEW);
    expect(await errorOfGet(identity.id)).toMatchObject({
      status: 404,
      code: 'IdentityNotFound',
      target: 'id',
    });
  });

  it("answers 401 IdentityNotOwned for another resource's identity and 400 for what is no identity", async () => {
    const { identity } = await create({});
    const foreign = await get(identity.id, other);
    expect({ status: foreign.status, code: errorOf(foreign).code }).toEqual({
      status: 401,
      code: 'IdentityNotOwned',
    });
    for (const id of [`8:orgid:${randomUUID()}`, 'garbage', `8:acs:${t.info.resourceId}_not-a-guid`]) {
      expect(await errorOfGet(id)).toMatchObject({ status: 400, code: 'ValidationError', target: 'id' });
    }
  });

  it('is refused at the versions without it', async () => {
    const { identity } = await create({});
    const res = await call(t, 'GET', `/identities/${encodeURIComponent(identity.id)}`, '2025-06-30');
    expect({ status: res.status, code: errorOf(res).code }).toEqual({
      status: 400,
      code: 'UnsupportedApiVersion',
    });
  });
});

async function errorOfGet(id: string) {
  const res = await get(id);
  return { status: res.status, ...errorOf(res) };
}
