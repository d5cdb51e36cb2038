/**
 * Each api-version with exactly its own surface (newest-API reference, section 1): every ACS route at every version,
 * with raw signed requests. Present: the route's own answer and `api-supported-versions` listing its versions; absent:
 * 400 `UnsupportedApiVersion` naming the versions it has.
 */
import { randomUUID } from 'node:crypto';
import { API_VERSIONS } from '@acs-identity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawResponse, startTestEmulator, type TestEmulator } from './support.js';
import { call, errorOf, exchange, PREVIEW, teamsAssignmentPath } from './support-access.js';

let t: TestEmulator;
let id: string;
beforeAll(async () => {
  t = await startTestEmulator();
  id = ((await call(t, 'POST', '/identities', '2023-10-01')).json as { identity: { id: string } }).identity
    .id;
});
afterAll(async () => {
  await t?.close();
});

const CLASSIC = [...API_VERSIONS];
const TEAMS_USER = API_VERSIONS.filter((v) => v !== '2021-03-07');
const TEAMS_EXTENSION = ['2025-03-02-preview', '2025-06-30', '2026-07-22', '2026-09-23'];
const PREVIEW_ONLY = [PREVIEW];
const tenant = randomUUID();
const object = randomUUID();
const user = () => `/identities/${encodeURIComponent(id)}`;

/** Every ACS route: a request that reaches its handler, the status it then answers, the versions it exists at. */
const SURFACE: readonly {
  route: string;
  versions: readonly string[];
  send: (version: string) => Promise<RawResponse>;
  status: number;
}[] = [
  {
    route: 'POST /identities',
    versions: CLASSIC,
    status: 201,
    send: (v) => call(t, 'POST', '/identities', v),
  },
  {
    route: 'GET /identities/{id}',
    versions: PREVIEW_ONLY,
    status: 200,
    send: (v) => call(t, 'GET', user(), v),
  },
  {
    route: 'POST /identities/{id}/:issueAccessToken',
    versions: CLASSIC,
    status: 200,
    send: (v) => call(t, 'POST', `${user()}/:issueAccessToken`, v, { scopes: ['chat'] }),
  },
  {
    route: 'POST /identities/{id}/:revokeAccessTokens',
    versions: CLASSIC,
    status: 204,
    send: (v) => call(t, 'POST', `${user()}/:revokeAccessTokens`, v),
  },
  {
    route: 'DELETE /identities/{id}',
    versions: CLASSIC,
    status: 204,
    send: async (v) => {
      const created = await call(t, 'POST', '/identities', '2023-10-01');
      const fresh = (created.json as { identity: { id: string } }).identity.id;
      return call(t, 'DELETE', `/identities/${encodeURIComponent(fresh)}`, v);
    },
  },
  {
    route: 'POST /teamsUser/:exchangeAccessToken',
    versions: TEAMS_USER,
    status: 401,
    send: (v) =>
      call(t, 'POST', '/teamsUser/:exchangeAccessToken', v, {
        token: 'x',
        appId: randomUUID(),
        userId: randomUUID(),
      }),
  },
  {
    route: 'POST /access/teamsExtension/:exchangeAccessToken',
    versions: TEAMS_EXTENSION,
    status: 401,
    send: (v) => exchange(t, 'teamsExtension', undefined, v),
  },
  {
    route: 'PUT /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}',
    versions: TEAMS_EXTENSION,
    status: 200, // created at the first version, replaced at the others (the 201 is checked in its own suite)
    send: (v) =>
      call(t, 'PUT', teamsAssignmentPath(tenant, object), v, { principalType: 'user', clientIds: [] }),
  },
  {
    route: 'GET /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}',
    versions: TEAMS_EXTENSION,
    status: 200,
    send: (v) => call(t, 'GET', teamsAssignmentPath(tenant, object), v),
  },
  {
    route: 'DELETE /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}',
    versions: TEAMS_EXTENSION,
    status: 204,
    send: (v) => call(t, 'DELETE', teamsAssignmentPath(randomUUID(), randomUUID()), v),
  },
  {
    route: 'POST /access/entra/:exchangeAccessToken',
    versions: PREVIEW_ONLY,
    status: 401,
    send: (v) => exchange(t, 'entra', undefined, v),
  },
  {
    route: 'GET /access/entra/assignments',
    versions: PREVIEW_ONLY,
    status: 200,
    send: (v) => call(t, 'GET', '/access/entra/assignments', v),
  },
  {
    route: 'PATCH /access/entra/assignments',
    versions: PREVIEW_ONLY,
    status: 200,
    send: (v) => call(t, 'PATCH', '/access/entra/assignments', v, {}, 'application/merge-patch+json'),
  },
  {
    route: 'PUT /access/entra/assignments/{objectId}',
    versions: PREVIEW_ONLY,
    status: 201,
    send: (v) =>
      call(t, 'PUT', `/access/entra/assignments/${object}`, v, {
        tenantId: tenant,
        principalType: 'user',
        clientIds: [],
      }),
  },
  {
    route: 'GET /access/entra/assignments/{objectId}',
    versions: PREVIEW_ONLY,
    status: 200,
    send: (v) => call(t, 'GET', `/access/entra/assignments/${object}`, v),
  },
  {
    route: 'DELETE /access/entra/assignments/{objectId}',
    versions: PREVIEW_ONLY,
    status: 204,
    send: (v) => call(t, 'DELETE', `/access/entra/assignments/${randomUUID()}`, v),
  },
];

describe('the surface of each api-version', () => {
  it('serves every route at exactly the versions that have it', async () => {
    // The Teams Extension PUT creates at its first version: make it exist first so every version replaces.
    await call(t, 'PUT', teamsAssignmentPath(tenant, object), '2025-06-30', { principalType: 'user' });
    const seen: string[] = [];
    for (const { route, versions, send, status } of SURFACE) {
      for (const version of API_VERSIONS) {
        const res = await send(version);
        const present = versions.includes(version);
        const error = errorOf(res);
        const row = { route, version, status: res.status, code: error.code };
        if (present) {
          expect(row).toEqual({ route, version, status, code: row.code });
          expect(error.code).not.toBe('UnsupportedApiVersion');
          if (res.status < 400) expect(res.headers['api-supported-versions']).toBe(versions.join(', '));
        } else {
          expect(row).toEqual({ route, version, status: 400, code: 'UnsupportedApiVersion' });
          expect(error.message).toContain(`does not support the API version '${version}'`);
          expect(error.message).toContain(`Supported versions: ${versions.join(', ')}.`);
          expect(res.headers['api-supported-versions']).toBe(versions.join(', '));
        }
        seen.push(`${route} ${version}`);
      }
    }
    expect(seen).toHaveLength(SURFACE.length * API_VERSIONS.length);
  });

  it('takes customId at 2025-03-02-preview only, and shows it and lastTokenIssuedAt there only', async () => {
    for (const version of API_VERSIONS) {
      const withId = await call(t, 'POST', '/identities', version, { customId: `alice-${version}` });
      const withToken = await call(t, 'POST', '/identities', version, { createTokenWithScopes: ['chat'] });
      const identity = (withToken.json as { identity: Record<string, unknown> }).identity;
      if (version === PREVIEW) {
        expect(withId.status).toBe(201);
        expect((withId.json as { identity: { customId: string } }).identity.customId).toBe(
          `alice-${version}`,
        );
        expect(Object.keys(identity)).toEqual(['id', 'lastTokenIssuedAt']);
      } else {
        expect({ version, status: withId.status, error: errorOf(withId) }).toEqual({
          version,
          status: 400,
          error: {
            code: 'ValidationError',
            message: `customId is not supported in api-version ${version}; use api-version ${PREVIEW}.`,
            target: 'customId',
          },
        });
        expect(Object.keys(identity)).toEqual(['id']);
      }
    }
  });

  it('answers an unknown api-version on a new route with the versions of the service', async () => {
    const res = await call(t, 'GET', '/access/entra/assignments', '2025-03-31-preview');
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toContain(`Supported versions: ${API_VERSIONS.join(', ')}.`);
  });
});
