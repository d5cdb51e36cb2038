/**
 * What replaying responses the real service returned showed (issue 16, "fidelity fixes"): the texts and targets of
 * the "field is required" 400s, the targets of malformed Teams exchange ids, the error Content-Type, MS-CV on every
 * answer, api-supported-versions left out where the service leaves it out, and sub-second digits in expiresOn.
 */

import { randomUUID } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken } from '../src/tokens.js';
import {
  type RawResponse,
  rawRequest,
  signedRequest,
  startTestEmulator,
  type TestEmulator,
} from './support.js';
import { call, PREVIEW } from './support-access.js';

let t: TestEmulator;
let userId: string;
beforeAll(async () => {
  t = await startTestEmulator();
  const created = await call(t, 'POST', '/identities', '2023-10-01');
  userId = (created.json as { identity: { id: string } }).identity.id;
});
afterAll(async () => {
  await t?.close();
});

const V = '2023-10-01';
const MS_CV = /^[A-Za-z0-9+/]{22}\.0$/;

function issuePath(id: string): string {
  return `/identities/${encodeURIComponent(id)}/:issueAccessToken`;
}

/** What the recorded responses pin: status, body, and the headers that differed. */
function recorded(res: RawResponse) {
  return {
    status: res.status,
    contentType: res.headers['content-type'],
    apiSupportedVersions: res.headers['api-supported-versions'],
    body: res.json,
  };
}

function teamsExchange(body: Record<string, unknown>): Promise<RawResponse> {
  return call(t, 'POST', '/teamsUser/:exchangeAccessToken', V, body);
}

describe('the recorded answers of the service', () => {
  it('answers an issue with body {} with the Scopes field-required 400, without api-supported-versions', async () => {
    expect(recorded(await call(t, 'POST', issuePath(userId), V, {}))).toMatchInlineSnapshot(`
      {
        "apiSupportedVersions": undefined,
        "body": {
          "error": {
            "code": "ValidationError",
            "message": "Scopes: The Scopes field is required.",
            "target": "Scopes",
          },
        },
        "contentType": "application/json",
        "status": 400,
      }
    `);
  });

  it('keeps the service wording for an empty scope list, with api-supported-versions', async () => {
    expect(recorded(await call(t, 'POST', issuePath(userId), V, { scopes: [] }))).toMatchInlineSnapshot(`
      {
        "apiSupportedVersions": "2021-03-07, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview, 2025-04-01-preview, 2025-06-30, 2026-07-22, 2026-09-23",
        "body": {
          "error": {
            "code": "ValidationError",
            "message": "Invalid scopes - Scopes field is required.",
            "target": "scopes",
          },
        },
        "contentType": "application/json",
        "status": 400,
      }
    `);
  });

  it('answers a Teams exchange with an empty appId or userId with the field-required 400', async () => {
    const token = t.emulator.mintEntraToken({ teamsUser: randomUUID(), appId: randomUUID() }).token;
    expect(recorded(await teamsExchange({ token, appId: '', userId: randomUUID() }))).toMatchInlineSnapshot(`
      {
        "apiSupportedVersions": undefined,
        "body": {
          "error": {
            "code": "ValidationError",
            "message": "AppId: The AppId field is required.",
            "target": "AppId",
          },
        },
        "contentType": "application/json",
        "status": 400,
      }
    `);
    expect(recorded(await teamsExchange({ token, appId: randomUUID(), userId: '' }))).toMatchInlineSnapshot(`
      {
        "apiSupportedVersions": undefined,
        "body": {
          "error": {
            "code": "ValidationError",
            "message": "UserId: The UserId field is required.",
            "target": "UserId",
          },
        },
        "contentType": "application/json",
        "status": 400,
      }
    `);
  });

  it('names the target of a malformed appId and userId', async () => {
    const oid = randomUUID();
    const app = randomUUID();
    const token = t.emulator.mintEntraToken({ teamsUser: oid, appId: app }).token;
    const badApp = await teamsExchange({ token, appId: 'not-a-guid', userId: oid });
    const badUser = await teamsExchange({ token, appId: app, userId: 'nope' });
    expect([badApp.json, badUser.json]).toMatchInlineSnapshot(`
      [
        {
          "error": {
            "code": "ValidationError",
            "message": "Provided AppId has invalid format.",
            "target": "appId",
          },
        },
        {
          "error": {
            "code": "ValidationError",
            "message": "Provided UserId has invalid format.",
            "target": "userId",
          },
        },
      ]
    `);
    expect(badApp.headers['api-supported-versions']).toContain('2022-06-01');
  });

  it('answers an exchange 401 without api-supported-versions', async () => {
    const res = await teamsExchange({ token: 'garbage', appId: randomUUID(), userId: randomUUID() });
    expect(recorded(res)).toMatchInlineSnapshot(`
      {
        "apiSupportedVersions": undefined,
        "body": {
          "error": {
            "code": "InvalidAccessToken",
            "message": "Provided access token is not valid.",
          },
        },
        "contentType": "application/json",
        "status": 401,
      }
    `);
  });
});

describe('headers of every answer', () => {
  it('carries an MS-CV correlation vector on successes, errors, emulator routes and unknown routes', async () => {
    const answers = [
      await call(t, 'POST', '/identities', V),
      await call(t, 'POST', `/identities/${encodeURIComponent(userId)}/:revokeAccessTokens`, V),
      await call(t, 'POST', issuePath(userId), V, {}),
      await signedRequest(t, {
        target: `/identities?api-version=${V}`,
        accessKey: Buffer.alloc(32).toString('base64'),
      }),
      await rawRequest(t, 'GET', '/emulator/health', {}),
      await rawRequest(t, 'GET', '/nothing-here', {}),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 204, 400, 401, 200, 404]);
    for (const answer of answers) expect(answer.headers['ms-cv']).toMatch(MS_CV);
    expect(new Set(answers.map((a) => a.headers['ms-cv'])).size).toBe(answers.length);
  });

  it('sends errors as application/json without a charset, successes with one', async () => {
    const ok = await call(t, 'POST', '/identities', V);
    const notFound = await rawRequest(t, 'GET', '/nothing-here', {});
    expect([ok.headers['content-type'], notFound.headers['content-type']]).toEqual([
      'application/json; charset=utf-8',
      'application/json',
    ]);
  });

  it('answers a malformed request on the raw socket with JSON and an MS-CV', async () => {
    const url = new URL(t.info.endpoint);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(
        { host: url.hostname, port: Number(url.port), ca: t.ca, servername: 'localhost' },
        () => socket.end('NOT HTTP\r\n\r\n'),
      );
      let out = '';
      socket.on('data', (d: Buffer) => {
        out += d.toString('utf8');
      });
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/\r\nContent-Type: application\/json\r\n/);
    expect(text).toMatch(/\r\nMS-CV: [A-Za-z0-9+/]{22}\.0\r\n/);
  });

  it('sends api-supported-versions of the route it matched', async () => {
    const create = await call(t, 'POST', '/identities', V);
    const token = t.emulator.mintEntraToken({ teamsUser: randomUUID(), appId: randomUUID() }).token;
    const exchange = await teamsExchange({ token, appId: 'y', userId: 'z' });
    const health = await rawRequest(t, 'GET', '/emulator/health', {});
    expect(create.headers['api-supported-versions']).toContain('2026-09-23');
    expect(exchange.headers['api-supported-versions']).toBe(
      '2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview, 2025-04-01-preview, 2025-06-30, 2026-07-22, 2026-09-23',
    );
    expect(health.headers['api-supported-versions']).toBeUndefined();
  });
});

describe('paths as clients build them', () => {
  it('serves //identities and //access/... (an endpoint with a trailing slash plus the route) as the routes', async () => {
    const created = await signedRequest(t, { target: `//identities?api-version=${V}` });
    expect(created.status).toBe(201);
    const id = (created.json as { identity: { id: string } }).identity.id;
    const issued = await signedRequest(t, {
      target: `//identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=${V}`,
      body: JSON.stringify({ scopes: ['chat'] }),
    });
    expect(issued.status).toBe(200);
    const list = await signedRequest(t, {
      method: 'GET',
      target: `//access/entra/assignments?api-version=${PREVIEW}`,
    });
    expect(list.status).toBe(200);
    expect((await rawRequest(t, 'GET', '/nothing//identities', {})).status).toBe(404);
  });
});

describe('timestamps', () => {
  it('writes expiresOn with the issue instant sub-second digits: exp is its whole second', async () => {
    const subMillisecond: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      t.clock.now += 137;
      const res = await call(t, 'POST', issuePath(userId), V, { scopes: ['chat'] });
      const { token, expiresOn } = res.json as { token: string; expiresOn: string };
      expect(expiresOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
      expect(expiresOn).not.toMatch(/\.0000000\+00:00$/);
      const exp = decodeToken(token)?.claims.exp as number;
      expect(Math.floor(Date.parse(expiresOn) / 1000)).toBe(exp);
      expect(expiresOn.slice(20, 23)).toBe(String(t.clock.now % 1000).padStart(3, '0'));
      subMillisecond.push(expiresOn.slice(23, 27));
    }
    // Digits below the millisecond come from the monotonic clock: not all zero.
    expect(subMillisecond.some((d) => d !== '0000')).toBe(true);
  });

  it('gives lastTokenIssuedAt and expiresOn the same fraction of a second, as the service example does', async () => {
    const res = await call(t, 'POST', '/identities', PREVIEW, { createTokenWithScopes: ['voip'] });
    const body = res.json as { identity: { lastTokenIssuedAt: string }; accessToken: { expiresOn: string } };
    expect(body.identity.lastTokenIssuedAt).toMatch(/\.\d{7}\+00:00$/);
    expect(body.identity.lastTokenIssuedAt.slice(19)).toBe(body.accessToken.expiresOn.slice(19));
  });
});
