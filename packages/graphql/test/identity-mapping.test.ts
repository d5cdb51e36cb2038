// How issueMyToken finds an end user's identity, through real gateway processes (dist/main.js, configured by their
// environment) on one real emulator: through custom ids (any number of instances agree with no shared database) and
// through the mapping store (each instance's own SQLite file), and what `me` then shows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityClient } from '@acs-identity/core/node';
import { type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customIdOf } from '../src/custom-id.js';
import { DEV_ISSUER } from '../src/index.js';
import { adminKey, dataOf, errorsOf, graphql } from './helpers.js';
import { type GatewayProcess, spawnGateway } from './support-processes.js';
import { findSecrets, verifyToken } from './support-reliability.js';

const key = adminKey();
let emulator: RunningEmulator;
const dirs: string[] = [];
const running: GatewayProcess[] = [];
const outputs: string[] = [];
const secrets: string[] = [key];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acs-gw-mapping-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, dataDir: tempDir(), logger: false, rateLimits: false });
  secrets.push(emulator.info.connectionString);
});

afterAll(async () => {
  for (const gateway of running) await gateway.stop();
  await emulator?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  // No admin key, connection string or token in any gateway's output.
  expect(findSecrets(outputs.join('\n'), Object.fromEntries(secrets.entries()))).toEqual([]);
});

/** A gateway process on the emulator with its own data folder (its own SQLite store and dev signing key). */
async function instance(env: Record<string, string>): Promise<GatewayProcess> {
  const gateway = await spawnGateway(
    {
      GATEWAY_ADMIN_KEYS: key,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
      AZURE_COMMUNICATION_CONNECTION_STRING: emulator.info.connectionString,
      ACS_IDENTITY_CA_CERT_FILE: emulator.info.caCertFile ?? '',
      ACS_IDENTITY_DATA_DIR: tempDir(),
      ...env,
    },
    (out) => outputs.push(out),
  );
  running.push(gateway);
  return gateway;
}

const fetcher = (url: string, init: RequestInit) => fetch(url, init);
const gql = (gateway: GatewayProcess, query: string, auth: string, variables: Record<string, unknown> = {}) =>
  graphql(fetcher, gateway.url, query, { auth, variables });

async function signIn(gateway: GatewayProcess, user: string): Promise<string> {
  const response = await fetch(new URL('dev/sign-in', gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  const { token } = (await response.json()) as { token: string };
  secrets.push(token);
  return token;
}

async function issueMyToken(gateway: GatewayProcess, auth: string): Promise<string> {
  const response = await gql(gateway, 'mutation { issueMyToken(scopes: [CHAT]) { token } }', auth);
  const { token } = dataOf<{ token: string }>(response, 'issueMyToken');
  secrets.push(token);
  return token;
}

interface Identity {
  rawId: string;
  customId: string | null;
  lastTokenIssuedAt: string | null;
}

async function myIdentity(gateway: GatewayProcess, auth: string): Promise<Identity | null> {
  const response = await gql(gateway, '{ me { identity { rawId customId lastTokenIssuedAt } } }', auth);
  return dataOf<{ identity: Identity | null }>(response, 'me').identity;
}

const identityOf = async (token: string) =>
  (await verifyToken(emulator, token)) as { valid: boolean; identity?: string };

describe('identities mapped through custom ids', () => {
  it('give one user the same identity on two instances with separate data folders', async () => {
    // auto: the back end's api-version has custom ids.
    const env = { ACS_IDENTITY_API_VERSION: '2025-03-02-preview' };
    const [a, b] = [await instance(env), await instance(env)];
    const [atA, atB] = [await signIn(a, 'zoe'), await signIn(b, 'zoe')];
    // First calls race on both instances.
    const tokens = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? issueMyToken(a, atA) : issueMyToken(b, atB))),
    );
    const identities = new Set(await Promise.all(tokens.map(async (t) => (await identityOf(t)).identity)));
    expect(identities.size).toBe(1);
    const [rawId] = [...identities];
    const customId = customIdOf({ issuer: DEV_ISSUER, subject: 'zoe' });
    expect(await myIdentity(a, atA)).toEqual({ rawId, customId, lastTokenIssuedAt: expect.any(String) });
    expect(await myIdentity(b, atB)).toEqual(await myIdentity(a, atA));
    // The service keeps the custom id: a client of the resource sees it too.
    const client = createIdentityClient({
      connectionString: emulator.info.connectionString,
      caCertFile: emulator.info.caCertFile ?? '',
    });
    expect((await client.getUser(rawId ?? '')).customId).toBe(customId);
  });

  it('records the last issue on the identity, which me shows', async () => {
    const gateway = await instance({ GATEWAY_IDENTITY_MAPPING: 'customId' });
    const yan = await signIn(gateway, 'yan');
    await issueMyToken(gateway, yan);
    const first = (await myIdentity(gateway, yan))?.lastTokenIssuedAt ?? '';
    await issueMyToken(gateway, yan);
    const second = (await myIdentity(gateway, yan))?.lastTokenIssuedAt ?? '';
    expect(Date.parse(second)).toBeGreaterThan(Date.parse(first));
  });

  it('let an end user issue and revoke for their own identity only, by what the service keeps', async () => {
    const gateway = await instance({ GATEWAY_IDENTITY_MAPPING: 'customId' });
    const [xia, wes] = [await signIn(gateway, 'xia'), await signIn(gateway, 'wes')];
    const token = await issueMyToken(gateway, xia);
    const own = (await identityOf(token)).identity;
    const issue = 'mutation($u: ID!) { issueToken(userId: $u, scopes: [VOIP]) { token } }';
    const revoke = 'mutation($u: ID!) { revokeTokens(userId: $u) }';
    expect(errorsOf(await gql(gateway, issue, xia, { u: own }))).toEqual([]);
    expect(errorsOf(await gql(gateway, issue, wes, { u: own })).map((e) => [e.code, e.field])).toEqual([
      ['FORBIDDEN', 'userId'],
    ]);
    expect(errorsOf(await gql(gateway, revoke, wes, { u: own })).map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((await gql(gateway, 'mutation { revokeMyTokens }', xia)).body).toEqual({
      data: { revokeMyTokens: true },
    });
    expect((await identityOf(token)).valid).toBe(false);
  });

  it('give a deleted identity up: the next issueMyToken makes a new one for the custom id', async () => {
    const gateway = await instance({ GATEWAY_IDENTITY_MAPPING: 'customId' });
    const vic = await signIn(gateway, 'vic');
    const old = (await identityOf(await issueMyToken(gateway, vic))).identity;
    const deleted = await gql(gateway, 'mutation($u: ID!) { deleteUser(userId: $u) }', key, { u: old });
    expect(deleted.body).toEqual({ data: { deleteUser: true } });
    const fresh = (await identityOf(await issueMyToken(gateway, vic))).identity;
    expect(fresh).toMatch(/^8:acs:/);
    expect(fresh).not.toBe(old);
    expect((await myIdentity(gateway, vic))?.rawId).toBe(fresh);
  });
});

describe('identities mapped through the store', () => {
  it('keep each instance to its own store: separate data folders give one user two identities', async () => {
    // auto at the default api-version (no custom ids): the mapping store.
    const [a, b] = [await instance({}), await instance({})];
    const [atA, atB] = [await signIn(a, 'uma'), await signIn(b, 'uma')];
    expect(await myIdentity(a, atA)).toBeNull();
    const [fromA, fromB] = [
      (await identityOf(await issueMyToken(a, atA))).identity,
      (await identityOf(await issueMyToken(b, atB))).identity,
    ];
    expect(fromA).not.toBe(fromB);
    expect(await myIdentity(a, atA)).toEqual({
      rawId: fromA,
      customId: null,
      lastTokenIssuedAt: expect.any(String),
    });
    expect((await identityOf(await issueMyToken(a, atA))).identity).toBe(fromA);
  });

  it('is what an explicit choice gets even where the api-version has custom ids', async () => {
    const gateway = await instance({
      GATEWAY_IDENTITY_MAPPING: 'store',
      ACS_IDENTITY_API_VERSION: '2025-03-02-preview',
    });
    const tia = await signIn(gateway, 'tia');
    expect(await myIdentity(gateway, tia)).toBeNull();
    const rawId = (await identityOf(await issueMyToken(gateway, tia))).identity;
    expect(await myIdentity(gateway, tia)).toMatchObject({ rawId, customId: null });
  });
});
