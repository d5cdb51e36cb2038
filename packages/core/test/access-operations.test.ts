/**
 * Today's operations on the Azure core pipeline, against core's small test service: what goes on the wire (routes,
 * api-versions, bodies, content types; HMAC by communication-common's policy; the end user's bearer on the exchanges,
 * never the key) and how the service's errors become `AcsIdentityError`s. The emulator's suite runs them against the
 * faithful emulator (`packages/emulator/test/core-access.test.ts`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityClient } from '../src/node.js';
import { type FakeAcsService, startFakeAcsService } from './support/fake-acs-service.js';
import { rejection } from './support/rejection.js';

const TENANT = '3f14cf17-84d5-42c2-8689-a6365c474b4e';
const OBJECT = '350adb03-7be9-4846-b078-35adb0d0e119';
const APP = '07474a86-625a-452f-977b-db4e13f21260';

/** An unsigned JWT with `aud` (the exchange reads the audience to pick its route). */
function entraToken(aud: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ aud, exp: 4_102_444_800, oid: OBJECT })}.c2ln`;
}
const TEAMS_EXTENSION_TOKEN = entraToken('https://auth.msft.communication.azure.com');
const ENTRA_TOKEN = entraToken('https://communication.azure.com/clients');

let service: FakeAcsService;
let bearerService: FakeAcsService;
beforeAll(async () => {
  service = await startFakeAcsService();
  bearerService = await startFakeAcsService({ bearerToken: TEAMS_EXTENSION_TOKEN });
});
afterAll(async () => {
  await Promise.all([service?.close(), bearerService?.close()]);
});
beforeEach(() => {
  service.requests.length = 0;
  bearerService.requests.length = 0;
});

const client = (s = service) =>
  createIdentityClient({ connectionString: s.connectionString, retry: { maxRetries: 0 } });

function sent() {
  return service.requests.map((r) => ({
    auth: r.auth,
    method: r.method,
    url: r.url,
    contentType: r.headers['content-type'],
    body: r.body ? JSON.parse(r.body) : undefined,
  }));
}

describe('today’s operations on the wire', () => {
  it('sends the assignments signed with HMAC, at the version of each feature, with their bodies', async () => {
    const assignment = {
      tenantId: TENANT,
      objectId: OBJECT,
      principalType: 'user' as const,
      clientIds: [APP],
    };
    service.failNext({ status: 201, body: assignment });
    expect(await client().setTeamsExtensionAssignment(assignment)).toEqual({ assignment, created: true });
    service.failNext({ status: 200, body: { value: [] } });
    expect(await client().updateEntraAssignments({ [OBJECT]: { clientIds: [APP] }, [APP]: null })).toEqual(
      [],
    );
    service.failNext({ status: 204 });
    await client().deleteEntraAssignment(OBJECT);
    expect(sent()).toEqual([
      {
        auth: 'hmac',
        method: 'PUT',
        url: `/access/teamsExtension/tenants/${TENANT}/assignments/${OBJECT}?api-version=2025-06-30`,
        contentType: 'application/json',
        body: { principalType: 'user', clientIds: [APP] },
      },
      {
        auth: 'hmac',
        method: 'PATCH',
        url: '/access/entra/assignments?api-version=2025-03-02-preview',
        contentType: 'application/merge-patch+json',
        body: { [OBJECT]: { clientIds: [APP] }, [APP]: null },
      },
      {
        auth: 'hmac',
        method: 'DELETE',
        url: `/access/entra/assignments/${OBJECT}?api-version=2025-03-02-preview`,
        contentType: undefined,
        body: undefined,
      },
    ]);
  });

  it('creates with a customId and reads a user at 2025-03-02-preview, the id percent-encoded', async () => {
    const id = `8:acs:${service.resourceId}_x`;
    service.failNext({
      status: 201,
      body: { identity: { id, customId: 'c', lastTokenIssuedAt: '2025-02-10T21:39:39.3244584+00:00' } },
    });
    expect(await client().createUser({ customId: 'c' })).toEqual({
      rawId: id,
      customId: 'c',
      lastTokenIssuedAt: new Date('2025-02-10T21:39:39.324Z'),
    });
    service.failNext({ status: 200, body: { id } });
    expect(await client().getUser(id)).toEqual({ rawId: id });
    expect(sent().map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/identities?api-version=2025-03-02-preview', { customId: 'c' }],
      ['GET', `/identities/${encodeURIComponent(id)}?api-version=2025-03-02-preview`, undefined],
    ]);
  });

  it('exchanges with the end user token as bearer, no HMAC, the route chosen by the token audience', async () => {
    bearerService.failNext({
      status: 200,
      body: {
        identity: { id: `8:acs:r_${TENANT}_${OBJECT}` },
        accessToken: { token: 'acs', expiresOn: '2030-01-01T00:00:00.0000000+00:00' },
      },
    });
    const exchanged = await client(bearerService).exchangeEntraToken({ entraToken: TEAMS_EXTENSION_TOKEN });
    expect(exchanged).toEqual({
      rawId: `8:acs:r_${TENANT}_${OBJECT}`,
      token: 'acs',
      expiresOn: new Date('2030-01-01T00:00:00Z'),
    });
    const [request] = bearerService.requests;
    expect(request).toMatchObject({
      auth: 'bearer',
      method: 'POST',
      url: '/access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30',
      body: '{}',
    });
    expect(request?.headers['x-ms-content-sha256']).toBeUndefined();
    await rejection(client(bearerService).exchangeEntraToken({ entraToken: ENTRA_TOKEN }));
    expect(bearerService.requests.at(-1)?.url).toBe(
      '/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview',
    );
  });
});

describe('today’s operations: errors', () => {
  it('converts the service errors: status, service code, message, target, retry-after', async () => {
    const error = (status: number, code: string, message: string, target?: string) => ({
      status,
      body: { error: { code, message, ...(target ? { target } : {}) } },
    });
    service.failNext(error(404, 'AssignmentNotFound', 'There is no assignment.'));
    service.failNext(
      error(400, 'ValidationError', 'PrincipalType: The PrincipalType field is required.', 'PrincipalType'),
    );
    service.failNext(error(403, 'Forbidden', 'No role.'));
    service.failNext({
      ...error(429, 'TooManyRequests', 'Slow down.'),
      headers: { 'retry-after-ms': '1500' },
    });
    const errors = [
      await rejection(client().getEntraAssignment(OBJECT)),
      await rejection(
        client().setEntraAssignment({
          objectId: OBJECT,
          tenantId: TENANT,
          principalType: 'user',
          clientIds: [],
        }),
      ),
      await rejection(client().listEntraAssignments()),
      await rejection(client().getTeamsExtensionAssignment(TENANT, OBJECT)),
    ];
    expect(
      errors.map((e) => ({
        code: e.code,
        status: e.status,
        serviceCode: e.serviceCode,
        message: e.message,
        target: e.target,
        retryAfterMs: e.retryAfterMs,
      })),
    ).toEqual([
      {
        code: 'NOT_FOUND',
        status: 404,
        serviceCode: 'AssignmentNotFound',
        message: 'There is no assignment.',
        target: undefined,
        retryAfterMs: undefined,
      },
      {
        code: 'INVALID_INPUT',
        status: 400,
        serviceCode: 'ValidationError',
        message: 'PrincipalType: The PrincipalType field is required.',
        target: 'PrincipalType',
        retryAfterMs: undefined,
      },
      {
        code: 'FORBIDDEN',
        status: 403,
        serviceCode: 'Forbidden',
        message: 'No role.',
        target: undefined,
        retryAfterMs: undefined,
      },
      {
        code: 'THROTTLED',
        status: 429,
        serviceCode: 'TooManyRequests',
        message: 'Slow down.',
        target: undefined,
        retryAfterMs: 1500,
      },
    ]);
  });

  it('keeps the access key and the end user token out of errors and their causes', async () => {
    const key = service.accessKey;
    service.failNext({
      status: 401,
      body: { error: { code: 'Denied', message: 'Denied by the resource provider.' } },
    });
    const denied = await rejection(client().listEntraAssignments());
    const exchange = await rejection(client().exchangeEntraToken({ entraToken: ENTRA_TOKEN }));
    for (const e of [denied, exchange]) {
      const cause = e.cause as {
        request?: { headers?: unknown };
        response?: { request?: { headers?: unknown } };
      };
      expect(cause.request?.headers).toBeUndefined();
      expect(cause.response?.request?.headers).toBeUndefined();
      expect(`${e.message} ${JSON.stringify(cause.request)}`).not.toContain(key);
      expect(`${e.message} ${JSON.stringify(cause.request)}`).not.toContain(ENTRA_TOKEN);
    }
    expect(exchange).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('answers a network failure with SERVICE_UNAVAILABLE', async () => {
    const closed = await startFakeAcsService();
    await closed.close();
    const e = await rejection(client(closed).getTeamsExtensionAssignment(TENANT, OBJECT));
    expect(e.code).toBe('SERVICE_UNAVAILABLE');
  });
});
