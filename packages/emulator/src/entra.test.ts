import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DATA_PLANE_AUDIENCE_PATTERN,
  derivedGuid,
  EntraIssuer,
  normalizeTokenRequest,
  TEAMS_AUDIENCE_PATTERN,
} from './entra.js';
import type { Store } from './store.js';
import { createSqliteStore } from './store-sqlite.js';

const now = 1_800_000_000_000;
const user = '6f1e2d3c-1111-4222-8333-944455566677';
const app = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
const endpoint = 'https://127.0.0.1:8443/';
let store: Store;
let issuer: EntraIssuer;
beforeAll(async () => {
  store = createSqliteStore(':memory:');
  issuer = await EntraIssuer.load(store, now);
});
afterAll(async () => {
  await store?.close();
});

const teams = {
  audience: TEAMS_AUDIENCE_PATTERN,
  requiredScopes: ['Teams.ManageCalls', 'Teams.ManageChats'],
};

describe('the local Entra issuer', () => {
  it('verifies its own Teams user token and names the failure of each broken one', async () => {
    const o = { ...teams, now, skewMs: 0 };
    const mint = (r: Parameters<EntraIssuer['mint']>[0]) => issuer.mint(r, endpoint, now).token;
    expect(await issuer.verify(mint({ teamsUser: user, appId: app }), o)).toMatchObject({ ok: true });
    const cases: Array<[string, unknown]> = [
      ['malformed', 'abc'],
      ['malformed', 42],
      ['expired', mint({ teamsUser: user, appId: app, expiresInSeconds: 0 })],
      ['missing-scope', mint({ teamsUser: user, appId: app, omitScopes: ['Teams.ManageCalls'] })],
      ['wrong-audience', mint({ teamsUser: user, appId: app, audience: 'https://communication.azure.com' })],
    ];
    for (const [reason, token] of cases) {
      expect(await issuer.verify(token, o)).toEqual({ ok: false, reason });
    }
    const good = mint({ teamsUser: user, appId: app }).split('.');
    const tampered = `${good[0]}.${Buffer.from(JSON.stringify({ oid: user, iss: 'x', tid: 'y' })).toString('base64url')}.${good[2]}`;
    expect((await issuer.verify(tampered, o)).ok).toBe(false);
  });

  it('accepts a trusted issuer by its inline JWKS and refuses it once untrusted', async () => {
    const other = createSqliteStore(':memory:');
    try {
      const remote = await EntraIssuer.load(other, now);
      const remoteToken = remote.mint({ principal: user }, 'https://login.example/', now).token;
      const iss = remote.issuerUrl('https://login.example/');
      const trusting = await EntraIssuer.load(store, now, [{ issuer: iss, jwks: remote.jwks() }]);
      const o = { audience: DATA_PLANE_AUDIENCE_PATTERN, now, skewMs: 0 };
      expect(await trusting.verify(remoteToken, o)).toMatchObject({ ok: true, issuer: iss });
      expect(await issuer.verify(remoteToken, o)).toEqual({ ok: false, reason: 'untrusted-issuer' });
    } finally {
      await other.close();
    }
  });

  it('keeps its key and ids in the store', async () => {
    const again = await EntraIssuer.load(store, now + 1000);
    expect(again.tenantId).toBe(issuer.tenantId);
    expect(again.jwks()).toEqual(issuer.jwks());
    expect(again.systemIdentity).toEqual(issuer.systemIdentity);
  });
});

describe('token requests', () => {
  it('defaults the audience per kind and the app of a principal to itself', () => {
    expect(normalizeTokenRequest({ teamsUser: user, appId: app })).toMatchObject({
      kind: 'teams-user',
      audience: 'https://auth.msft.communication.azure.com',
      expiresInSeconds: 3600,
    });
    expect(normalizeTokenRequest({ principal: user })).toMatchObject({
      kind: 'principal',
      appId: user,
      audience: 'https://communication.azure.com',
    });
  });

  it('rejects both or neither subject, non-GUIDs, unknown scopes and absurd lifetimes', () => {
    expect(() => normalizeTokenRequest({})).toThrow(/one of teamsUser, teamsExtensionUser, entraUser/);
    expect(() => normalizeTokenRequest({ teamsUser: user, principal: user })).toThrow(/one of teamsUser/);
    expect(() => normalizeTokenRequest({ teamsExtensionUser: user, entraUser: user, appId: app })).toThrow(
      /one of teamsUser/,
    );
    expect(() => normalizeTokenRequest({ teamsUser: user, appId: 'x' })).toThrow(/appId must be a GUID/);
    expect(() => normalizeTokenRequest({ teamsUser: user, appId: app, omitScopes: ['Teams.Other'] })).toThrow(
      /omitScopes/,
    );
    expect(() => normalizeTokenRequest({ principal: user, expiresInSeconds: 1.5 })).toThrow(/whole number/);
  });
});

describe('derived GUIDs', () => {
  it('are stable, distinct per seed, and shaped like version-4 GUIDs', () => {
    expect(derivedGuid('a')).toBe(derivedGuid('a'));
    expect(derivedGuid('a')).not.toBe(derivedGuid('b'));
    expect(derivedGuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
