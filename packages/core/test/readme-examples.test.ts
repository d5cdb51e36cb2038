/**
 * The README's code samples, verbatim, run against the test service. A test below checks that every ```ts block of the
 * README appears here line by line, so the samples compile and run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  AcsIdentityError,
  apiVersionFeatures,
  apiVersionFor,
  assertCommunicationUserId,
  decodeAccessToken,
  formatIdentifier,
  isCommunicationUserId,
  isPhoneNumberKind,
  parseIdentifier,
  parseScope,
  parseScopes,
  SCOPE_DETAILS,
  toAcsIdentityError,
  validateTokenLifetime,
} from '../src/index.js';
import { createIdentityClient, type IdentityClient, identityClientOptionsFromEnv } from '../src/node.js';
import { type FakeAcsService, startFakeAcsService } from './support/fake-acs-service.js';
import { createTestTls } from './support/tls.js';

let service: FakeAcsService;
let plainHttp: FakeAcsService;
let caCertFile: string;
let removeTls: (() => void) | undefined;

beforeAll(async () => {
  const tls = await createTestTls();
  caCertFile = tls.caCertFile;
  removeTls = tls.remove;
  service = await startFakeAcsService({ tls });
  plainHttp = await startFakeAcsService();
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterAll(async () => {
  vi.restoreAllMocks();
  await service?.close();
  await plainHttp?.close();
  removeTls?.();
});

describe('README examples', () => {
  it('identifiers', () => {
    expect(() => {
      const teamsUser = parseIdentifier('8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130');
      // { kind: 'microsoftTeamsUser', microsoftTeamsUserId: '45ab2481-…', isAnonymous: false, cloud: 'public', rawId: '8:orgid:…' }
      const phone = parseIdentifier('4:+112345556789_207ffef6-9444-41fb-92ab-20eacaae2768');
      if (isPhoneNumberKind(phone)) console.log(phone.assertedId); // '207ffef6-9444-41fb-92ab-20eacaae2768'
      formatIdentifier(teamsUser); // '8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130'

      const acsUser = '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130';
      isCommunicationUserId(acsUser); // true
      assertCommunicationUserId('alice', 'user'); // throws AcsIdentityError INVALID_INPUT, target 'user'
    }).toThrowError(AcsIdentityError);
    expect(console.log).toHaveBeenCalledWith('207ffef6-9444-41fb-92ab-20eacaae2768');
  });

  it('scopes, lifetimes, api-versions', () => {
    parseScopes(['CHAT', 'voip,chat.join', 'chat']); // ['chat', 'voip', 'chat.join']
    parseScope('CHAT_JOIN_LIMITED'); // 'chat.join.limited'
    SCOPE_DETAILS['voip.join'].since; // '2023-10-01'
    validateTokenLifetime(60); // 60
    apiVersionFeatures('2022-10-01'); // { scopes: ['chat', 'voip'], expiresInMinutes: true, teamsExchange: true, ... }
    apiVersionFor('teamsExtension'); // '2025-06-30': the oldest stable version with Teams Extension

    // The comments above hold:
    expect(parseScopes(['CHAT', 'voip,chat.join', 'chat'])).toEqual(['chat', 'voip', 'chat.join']);
    expect(parseScope('CHAT_JOIN_LIMITED')).toBe('chat.join.limited');
    expect(SCOPE_DETAILS['voip.join'].since).toBe('2023-10-01');
    expect(validateTokenLifetime(60)).toBe(60);
    expect(apiVersionFeatures('2022-10-01')).toMatchObject({
      scopes: ['chat', 'voip'],
      expiresInMinutes: true,
      teamsExchange: true,
    });
    expect(apiVersionFor('teamsExtension')).toBe('2025-06-30');
  });

  it('tokens', async () => {
    const { token } = await createIdentityClient({
      connectionString: service.connectionString,
      caCertFile,
    }).createUserAndToken(['chat']);
    const { expiresOnTimestamp, scopes } = decodeAccessToken(token);
    const refreshInMs = expiresOnTimestamp - Date.now() - 10 * 60_000;
    console.log(scopes, refreshInMs > 0);
    expect(console.log).toHaveBeenCalledWith(['chat'], true);
  });

  it('errors', async () => {
    const client: IdentityClient = createIdentityClient({
      connectionString: service.connectionString,
      caCertFile,
    });
    const userId = '8:acs:00000000-0000-0000-0000-000000000000_someone-else';
    try {
      await client.issueToken(userId, ['chat']);
    } catch (e) {
      const error = toAcsIdentityError(e);
      switch (error.code) {
        case 'THROTTLED':
          console.log(`retry in ${error.retryAfterMs ?? 1000} ms`);
          break;
        case 'IDENTITY_NOT_OWNED':
        case 'INVALID_INPUT':
          console.log(`${error.message} (${error.target ?? 'request'})`);
          break;
        default:
          throw error;
      }
    }
    expect(console.log).toHaveBeenCalledWith("Provided identity doesn't belong to the resource. (request)");
  });

  it('the Node client', async () => {
    const connectionString = plainHttp.connectionString;
    const client = createIdentityClient({ connectionString });
    const { rawId } = await client.createUser();
    const { token, expiresOn } = await client.issueToken(rawId, ['chat', 'voip'], { expiresInMinutes: 60 });
    const both = await client.createUserAndToken(['chat.join'], { expiresInMinutes: 120 });
    await client.revokeTokens(rawId);
    await client.deleteUser(rawId);
    await client.deleteUser(both.rawId);
    console.log(token.length > 0, expiresOn.toISOString());
    expect(console.log).toHaveBeenCalledWith(true, expect.stringMatching(/Z$/));
    expect(plainHttp.requests.map((r) => r.auth)).toEqual(Array(6).fill('hmac'));
  });

  it("today's API", async () => {
    const tenantId = '3f14cf17-84d5-42c2-8689-a6365c474b4e';
    const objectId = '350adb03-7be9-4846-b078-35adb0d0e119';
    const appId = '07474a86-625a-452f-977b-db4e13f21260';
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const entraToken = `${part({ alg: 'RS256' })}.${part({ aud: 'https://auth.msft.communication.azure.com', exp: 4102444800 })}.c2ln`;
    const today = await startFakeAcsService({ bearerToken: entraToken });
    const connectionString = today.connectionString;
    const aliceId = `8:acs:${today.resourceId}_a`;
    const at = '2025-02-10T21:39:39.3244584+00:00';
    const teamsUser = `8:acs:${today.resourceId}_${tenantId}_${objectId}`;
    for (const answer of [
      {
        status: 201,
        body: {
          identity: { id: aliceId, customId: 'alice@contoso.com', lastTokenIssuedAt: at },
          accessToken: { token: 't', expiresOn: at },
        },
      },
      { status: 200, body: { id: aliceId, customId: 'alice@contoso.com', lastTokenIssuedAt: at } },
      { status: 201, body: { tenantId, objectId, principalType: 'user', clientIds: [appId] } },
      { status: 201, body: { objectId: tenantId, tenantId, principalType: 'tenant', clientIds: [appId] } },
      { status: 200, body: { identity: { id: teamsUser }, accessToken: { token: 't', expiresOn: at } } },
    ]) {
      today.failNext(answer);
    }
    onTestFinished(() => today.close());
    const client = createIdentityClient({ connectionString });
    // One identity per custom id (sent at 2025-03-02-preview whatever the client's version)
    const alice = await client.createUserAndToken(['voip'], { customId: 'alice@contoso.com' });
    const { customId, lastTokenIssuedAt } = await client.getUser(alice.rawId);
    // Teams Phone extensibility: this user may exchange its Teams Extension token through your app
    const user = { tenantId, objectId, principalType: 'user' as const, clientIds: [appId] };
    await client.setTeamsExtensionAssignment(user);
    // Entra ID users: every user of a tenant, through your app
    const everyone = { objectId: tenantId, tenantId, principalType: 'tenant' as const, clientIds: [appId] };
    await client.setEntraAssignment(everyone);
    // Whoever holds the end user's Entra token exchanges it (the route follows the token's audience)
    const exchanged = await client.exchangeEntraToken({ entraToken });
    console.log(customId, lastTokenIssuedAt, exchanged.rawId, parseIdentifier(exchanged.rawId).kind);
    expect(console.log).toHaveBeenCalledWith(
      'alice@contoso.com',
      new Date(at),
      teamsUser,
      'teamsExtensionUser',
    );
    expect(today.requests.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.auth}`)).toEqual([
      'POST /identities hmac',
      `GET /identities/${encodeURIComponent(aliceId)} hmac`,
      `PUT /access/teamsExtension/tenants/${tenantId}/assignments/${objectId} hmac`,
      `PUT /access/entra/assignments/${tenantId} hmac`,
      'POST /access/teamsExtension/:exchangeAccessToken bearer',
    ]);
  });

  it('Entra ID, the environment, local endpoints', async () => {
    const connectionString = service.connectionString;
    // Entra ID: managed identity, environment service principal or `az login`
    const entra = createIdentityClient({ endpoint: 'https://contoso.communication.azure.com/' });

    // From AZURE_COMMUNICATION_CONNECTION_STRING or AZURE_COMMUNICATION_ENDPOINT
    const fromEnv = identityClientOptionsFromEnv({ AZURE_COMMUNICATION_CONNECTION_STRING: connectionString });

    // A local emulator over HTTPS with its own CA, logging each request
    const local = createIdentityClient({
      connectionString,
      caCertFile,
      logger: ({ method, url, status, durationMs }) => console.log(method, url, status, `${durationMs} ms`),
    });
    console.log(entra.endpoint, fromEnv, local.endpoint);
    await local.createUser();
    expect(console.log).toHaveBeenCalledWith(
      'POST',
      `${service.endpoint}identities?api-version=2023-10-01`,
      201,
      expect.any(String),
    );
  });

  it('the README holds no ts sample missing from this file', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const lines = (text: string) =>
      text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    const here = lines(readFileSync(new URL(import.meta.url), 'utf8'));
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => lines(m[1] ?? ''));
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      const found = here.some((_, i) => block.every((line, j) => here[i + j] === line));
      expect(
        found,
        `README block starting ${JSON.stringify(block[0])} is not in readme-examples.test.ts`,
      ).toBe(true);
    }
  });
});
