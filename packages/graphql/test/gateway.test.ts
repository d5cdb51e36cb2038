import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type LogEntry,
  startGateway,
} from '../src/index.js';
import {
  adminKey,
  dataOf,
  dropSchema,
  errorsOf,
  type Fetcher,
  graphql,
  testDatabaseUrl,
  uniqueSchema,
} from './helpers.js';

const databaseUrl = testDatabaseUrl();
const key = adminKey();
const logs: LogEntry[] = [];
const secrets: string[] = [key];
let emulator: RunningEmulator;
let emulatorDir: string;
const dirs: string[] = [];
const schemas: string[] = [];

beforeAll(async () => {
  emulatorDir = mkdtempSync(join(tmpdir(), 'acs-gateway-emulator-'));
  emulator = await startEmulator({ port: 0, dataDir: emulatorDir, logger: false, rateLimits: false });
  secrets.push(emulator.info.connectionString.split('accesskey=')[1] ?? emulator.info.connectionString);
});

afterAll(async () => {
  await emulator?.close();
  rmSync(emulatorDir, { recursive: true, force: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (databaseUrl !== undefined) for (const schema of schemas) await dropSchema(databaseUrl, schema);
  // No secret ever reached a log line: admin key, access key, tokens.
  const logged = JSON.stringify(logs);
  for (const secret of secrets) expect(logged).not.toContain(secret);
});

/** Asks the emulator whether a token is valid. */
function verify(token: string): Promise<{ valid: boolean; reason?: string; identity?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('emulator/verify-token', emulator.info.endpoint),
      {
        method: 'POST',
        ca: readFileSync(emulator.info.caCertFile ?? ''),
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ token }));
  });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acs-gateway-test-'));
  dirs.push(dir);
  return dir;
}

interface StoreFlavour {
  name: string;
  skip: boolean;
  /** Options that select this store; calling twice with the same `location` shares the data. */
  options(location: string): Partial<GatewayOptions>;
  location(): string;
}

const stores: StoreFlavour[] = [
  { name: 'SQLite', skip: false, options: (dataDir) => ({ dataDir }), location: tempDir },
  {
    name: 'PostgreSQL',
    skip: databaseUrl === undefined,
    options: (schema) => ({ dataDir: tempDir(), databaseUrl: databaseUrl ?? '', databaseSchema: schema }),
    location: () => {
      const schema = uniqueSchema('gw_it');
      schemas.push(schema);
      return schema;
    },
  },
];

/** A gateway reached either through `gateway.fetch` or through a real port. */
interface Harness {
  gateway: Gateway;
  fetcher: Fetcher;
  base: string;
  close(): Promise<void>;
}

async function openHarness(transport: 'yoga.fetch' | 'port', options: GatewayOptions): Promise<Harness> {
  const all: GatewayOptions = {
    env: {},
    connectionString: emulator.info.connectionString,
    caCertFile: emulator.info.caCertFile ?? '',
    logSink: (entry) => logs.push(entry),
    ...options,
  };
  if (transport === 'yoga.fetch') {
    const gateway = await createGateway(all);
    return {
      gateway,
      fetcher: (url, init) => gateway.fetch(url, init),
      base: 'http://gateway.test/',
      close: () => gateway.close(),
    };
  }
  const running = await startGateway({ ...all, port: 0 });
  return {
    gateway: running.gateway,
    fetcher: (url, init) => fetch(url, init),
    base: running.url,
    close: () => running.close(),
  };
}

const TOKEN_FIELDS = 'token expiresOn scopes serverTime';

const matrix = stores.flatMap((store) =>
  (['yoga.fetch', 'port'] as const).map((transport) => ({
    store,
    transport,
    label: `${store.name} via ${transport}`,
  })),
);

describe.each(matrix)('the gateway on $label', ({ store, transport }) => {
  let harness: Harness;
  let location: string;
  const gql = (query: string, options: { auth?: string; variables?: Record<string, unknown> } = {}) =>
    graphql(harness.fetcher, harness.base, query, options);
  const signIn = async (user: string): Promise<string> => {
    const response = await harness.fetcher(new URL('dev/sign-in', harness.base).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    secrets.push(token);
    return token;
  };
  const issueMyToken = async (auth: string, scopes = ['CHAT', 'VOIP']) => {
    const response = await gql(
      `mutation($s: [TokenScope!]!) { issueMyToken(scopes: $s) { ${TOKEN_FIELDS} } }`,
      {
        auth,
        variables: { s: scopes },
      },
    );
    const issued = response.body.data?.issueMyToken as
      | { token: string; expiresOn: string; scopes: string[] }
      | undefined;
    if (issued === undefined) throw new Error(`issueMyToken failed: ${JSON.stringify(response.body)}`);
    secrets.push(issued.token);
    return issued;
  };
  const myIdentity = async (auth: string) =>
    dataOf<{ identity: { rawId: string } | null }>(await gql('{ me { identity { rawId } } }', { auth }), 'me')
      .identity?.rawId;

  beforeAll(async () => {
    if (store.skip) return;
    location = store.location();
    harness = await openHarness(transport, { ...store.options(location), dev: true, adminKeys: [key] });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it.skipIf(store.skip)('refuses every operation to an anonymous caller', async () => {
    const operations = [
      '{ me { role } }',
      '{ identifier(rawId: "8:acs:x") { kind } }',
      '{ scopes { name } }',
      '{ serverTime }',
      'mutation { createUser { rawId } }',
      'mutation { createUserAndToken(scopes: [CHAT]) { user { rawId } } }',
      'mutation { issueToken(userId: "8:acs:x_y", scopes: [CHAT]) { token } }',
      'mutation { revokeTokens(userId: "8:acs:x_y") }',
      'mutation { deleteUser(userId: "8:acs:x_y") }',
      'mutation { exchangeTeamsToken(aadToken: "t", appId: "a", userId: "u") { token } }',
      'mutation { issueMyToken(scopes: [CHAT]) { token } }',
      'mutation { revokeMyTokens }',
    ];
    for (const operation of operations) {
      const response = await gql(operation);
      expect(response.status, operation).toBe(401);
      expect(response.body.data, operation).toBeUndefined();
      expect(
        errorsOf(response).map((e) => e.code),
        operation,
      ).toEqual(['UNAUTHENTICATED']);
    }
  });

  it.skipIf(store.skip)('lets an administrator create a user and issue, revoke and delete', async () => {
    const created = await gql('mutation { createUser { rawId communicationUserId } }', { auth: key });
    const user = created.body.data?.createUser as { rawId: string; communicationUserId: string };
    expect(user.rawId).toMatch(new RegExp(`^8:acs:${emulator.info.resourceId}_`));
    expect(user.communicationUserId).toBe(user.rawId);

    const issued = await gql(
      `mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT_JOIN, VOIP_JOIN], expiresInMinutes: 60) { ${TOKEN_FIELDS} } }`,
      { auth: key, variables: { u: user.rawId } },
    );
    const token = issued.body.data?.issueToken as {
      token: string;
      expiresOn: string;
      scopes: string[];
      serverTime: string;
    };
    secrets.push(token.token);
    expect(token.scopes).toEqual(['CHAT_JOIN', 'VOIP_JOIN']);
    const lifetimeMinutes = (Date.parse(token.expiresOn) - Date.parse(token.serverTime)) / 60_000;
    expect(lifetimeMinutes).toBeGreaterThan(59);
    expect(lifetimeMinutes).toBeLessThanOrEqual(60.1);
    expect(await verify(token.token)).toMatchObject({ valid: true, identity: user.rawId });

    expect(
      (
        await gql('mutation($u: ID!) { revokeTokens(userId: $u) }', {
          auth: key,
          variables: { u: user.rawId },
        })
      ).body,
    ).toEqual({ data: { revokeTokens: true } });
    expect(await verify(token.token)).toMatchObject({ valid: false, reason: 'revoked' });

    expect(
      (await gql('mutation($u: ID!) { deleteUser(userId: $u) }', { auth: key, variables: { u: user.rawId } }))
        .body,
    ).toEqual({ data: { deleteUser: true } });
    const afterDelete = await gql('mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }', {
      auth: key,
      variables: { u: user.rawId },
    });
    expect(errorsOf(afterDelete).map((e) => [e.code, e.field])).toEqual([['NOT_FOUND', 'userId']]);
  });

  it.skipIf(store.skip)('lets an administrator create a user with a token in one call', async () => {
    const response = await gql(
      `mutation { createUserAndToken(scopes: [CHAT, VOIP]) { user { rawId } accessToken { ${TOKEN_FIELDS} } } }`,
      { auth: key },
    );
    const result = response.body.data?.createUserAndToken as {
      user: { rawId: string };
      accessToken: { token: string; expiresOn: string; scopes: string[]; serverTime: string };
    };
    secrets.push(result.accessToken.token);
    expect(result.accessToken.scopes).toEqual(['CHAT', 'VOIP']);
    const lifetimeHours =
      (Date.parse(result.accessToken.expiresOn) - Date.parse(result.accessToken.serverTime)) / 3_600_000;
    expect(Math.round(lifetimeHours)).toBe(24);
    expect(await verify(result.accessToken.token)).toMatchObject({
      valid: true,
      identity: result.user.rawId,
    });
  });

  it.skipIf(store.skip)(
    'gives a signed-in user their own identity and the same one on every call',
    async () => {
      const alice = await signIn('alice');
      expect(
        (await gql('{ me { role issuer subject identity { rawId } } }', { auth: alice })).body,
      ).toMatchInlineSnapshot(`
      {
        "data": {
          "me": {
            "identity": null,
            "issuer": "urn:acs-identity:gateway:dev",
            "role": "END_USER",
            "subject": "alice",
          },
        },
      }
    `);
      const first = await issueMyToken(alice);
      const second = await issueMyToken(alice, ['CHAT_JOIN_LIMITED']);
      expect(second.scopes).toEqual(['CHAT_JOIN_LIMITED']);
      const identity = await myIdentity(alice);
      expect(identity).toMatch(/^8:acs:/);
      expect(await verify(first.token)).toMatchObject({ valid: true, identity });
      expect(await verify(second.token)).toMatchObject({ valid: true, identity });
    },
  );

  it.skipIf(store.skip)('signs out everywhere: revokeMyTokens invalidates earlier tokens', async () => {
    const dave = await signIn('dave');
    const before = await issueMyToken(dave);
    expect((await verify(before.token)).valid).toBe(true);
    expect((await gql('mutation { revokeMyTokens }', { auth: dave })).body).toEqual({
      data: { revokeMyTokens: true },
    });
    expect(await verify(before.token)).toMatchObject({ valid: false, reason: 'revoked' });
    const after = await issueMyToken(dave);
    expect((await verify(after.token)).valid).toBe(true);
  });

  it.skipIf(store.skip)('answers revokeMyTokens with true for a user who has no identity yet', async () => {
    const erin = await signIn('erin');
    expect((await gql('mutation { revokeMyTokens }', { auth: erin })).body).toEqual({
      data: { revokeMyTokens: true },
    });
    expect(await myIdentity(erin)).toBeUndefined();
  });

  it.skipIf(store.skip)(
    'creates one identity for concurrent first issueMyToken calls of one user',
    async () => {
      const carol = await signIn('carol');
      const metric = async () => {
        const text = await (await harness.fetcher(new URL('metrics', harness.base).toString(), {})).text();
        return Number(/^acs_gateway_identities_created_total (\d+)$/m.exec(text)?.[1] ?? '0');
      };
      const createdBefore = await metric();
      const tokens = await Promise.all(Array.from({ length: 5 }, () => issueMyToken(carol)));
      const identities = new Set(
        await Promise.all(tokens.map(async (t) => (await verify(t.token)).identity)),
      );
      expect(identities.size).toBe(1);
      expect([...identities][0]).toBe(await myIdentity(carol));
      expect((await metric()) - createdBefore).toBe(1);
    },
  );

  it.skipIf(store.skip)('keeps an end user away from identities that are not their own', async () => {
    const mallory = await signIn('mallory');
    await issueMyToken(mallory);
    const victim = (await gql('mutation { createUser { rawId } }', { auth: key })).body.data?.createUser as {
      rawId: string;
    };
    const attempts = {
      createUser: 'mutation { createUser { rawId } }',
      createUserAndToken: 'mutation { createUserAndToken(scopes: [CHAT]) { user { rawId } } }',
      issueToken: 'mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }',
      revokeTokens: 'mutation($u: ID!) { revokeTokens(userId: $u) }',
      deleteUser: 'mutation($u: ID!) { deleteUser(userId: $u) }',
    };
    const answers: Record<string, unknown> = {};
    for (const [name, query] of Object.entries(attempts)) {
      const response = await gql(query, {
        auth: mallory,
        variables: query.includes('$u') ? { u: victim.rawId } : {},
      });
      answers[name] = errorsOf(response)[0];
    }
    expect(answers).toMatchInlineSnapshot(`
      {
        "createUser": {
          "code": "FORBIDDEN",
          "message": "createUser is for administrators (Authorization: Bearer <admin key>).",
        },
        "createUserAndToken": {
          "code": "FORBIDDEN",
          "message": "createUserAndToken is for administrators (Authorization: Bearer <admin key>).",
        },
        "deleteUser": {
          "code": "FORBIDDEN",
          "message": "deleteUser is for administrators (Authorization: Bearer <admin key>).",
        },
        "issueToken": {
          "code": "FORBIDDEN",
          "field": "userId",
          "message": "End users may issue tokens only for their own identity; use the "My" mutations.",
        },
        "revokeTokens": {
          "code": "FORBIDDEN",
          "field": "userId",
          "message": "End users may revoke tokens only for their own identity; use the "My" mutations.",
        },
      }
    `);
    // The victim's identity is untouched: an administrator can still issue for it.
    const stillThere = await gql('mutation($u: ID!) { issueToken(userId: $u, scopes: [CHAT]) { token } }', {
      auth: key,
      variables: { u: victim.rawId },
    });
    expect(stillThere.body.errors).toBeUndefined();
    secrets.push(dataOf<{ token: string }>(stillThere, 'issueToken').token);
  });

  it.skipIf(store.skip)(
    'lets an end user use issueToken and revokeTokens on their own identity',
    async () => {
      const frank = await signIn('frank');
      const mine = await issueMyToken(frank);
      const rawId = await myIdentity(frank);
      const issued = await gql(
        'mutation($u: ID!) { issueToken(userId: $u, scopes: [VOIP]) { token scopes } }',
        {
          auth: frank,
          variables: { u: rawId },
        },
      );
      const token = issued.body.data?.issueToken as { token: string; scopes: string[] };
      secrets.push(token.token);
      expect(token.scopes).toEqual(['VOIP']);
      expect(
        (
          await gql('mutation($u: ID!) { revokeTokens(userId: $u) }', {
            auth: frank,
            variables: { u: rawId },
          })
        ).body,
      ).toEqual({ data: { revokeTokens: true } });
      expect((await verify(mine.token)).valid).toBe(false);
    },
  );

  it.skipIf(store.skip)('keeps administrators out of the end-user mutations', async () => {
    const issue = await gql('mutation { issueMyToken(scopes: [CHAT]) { token } }', { auth: key });
    const revoke = await gql('mutation { revokeMyTokens }', { auth: key });
    expect([...errorsOf(issue), ...errorsOf(revoke)]).toMatchInlineSnapshot(`
      [
        {
          "code": "FORBIDDEN",
          "message": "issueMyToken is for signed-in end users; administrators use issueToken.",
        },
        {
          "code": "FORBIDDEN",
          "message": "revokeMyTokens is for signed-in end users; administrators use revokeTokens.",
        },
      ]
    `);
  });

  it.skipIf(store.skip)('answers bad input with BAD_USER_INPUT naming the field', async () => {
    const gina = await signIn('gina');
    const cases = {
      emptyScopes: await gql('mutation { issueMyToken(scopes: []) { token } }', { auth: gina }),
      shortLifetime: await gql('mutation { issueMyToken(scopes: [CHAT], expiresInMinutes: 59) { token } }', {
        auth: gina,
      }),
      longLifetime: await gql(
        'mutation { createUserAndToken(scopes: [CHAT], expiresInMinutes: 1441) { user { rawId } } }',
        {
          auth: key,
        },
      ),
      badUserId: await gql('mutation { issueToken(userId: "alice", scopes: [CHAT]) { token } }', {
        auth: key,
      }),
      emptyAadToken: await gql(
        'mutation { exchangeTeamsToken(aadToken: " ", appId: "a", userId: "u") { token } }',
        {
          auth: key,
        },
      ),
    };
    const summary = Object.fromEntries(
      Object.entries(cases).map(([name, response]) => [name, errorsOf(response)]),
    );
    expect(summary).toMatchInlineSnapshot(`
      {
        "badUserId": [
          {
            "code": "BAD_USER_INPUT",
            "field": "userId",
            "message": ""alice" is not a Communication Services user id (userId). Expected a raw id such as "8:acs:<resource-id>_<user-id>".",
          },
        ],
        "emptyAadToken": [
          {
            "code": "BAD_USER_INPUT",
            "field": "aadToken",
            "message": "aadToken must not be empty.",
          },
        ],
        "emptyScopes": [
          {
            "code": "BAD_USER_INPUT",
            "field": "scopes",
            "message": "Invalid scopes - Scopes field is required.",
          },
        ],
        "longLifetime": [
          {
            "code": "BAD_USER_INPUT",
            "field": "expiresInMinutes",
            "message": "ExpiresInMinutes value 1441 is invalid. Value must be within the [60, 1440] interval.",
          },
        ],
        "shortLifetime": [
          {
            "code": "BAD_USER_INPUT",
            "field": "expiresInMinutes",
            "message": "ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.",
          },
        ],
      }
    `);
    for (const response of Object.values(cases)) expect(response.status).toBe(200);
  });

  it.skipIf(store.skip)('refuses an unknown scope before it reaches the back end', async () => {
    const response = await gql('mutation($s: [TokenScope!]!) { issueMyToken(scopes: $s) { token } }', {
      auth: key,
      variables: { s: ['CHAT', 'TELEPORT'] },
    });
    // GraphQL over HTTP: variables that do not fit the schema are a request error (400), before any resolver runs.
    expect(response.status).toBe(400);
    expect(errorsOf(response)).toMatchInlineSnapshot(`
      [
        {
          "code": "BAD_USER_INPUT",
          "field": "scopes",
          "message": "Variable "$s" got invalid value "TELEPORT" at "s[1]"; Value "TELEPORT" does not exist in "TokenScope" enum.",
        },
      ]
    `);
  });

  it.skipIf(store.skip)('lets an end user exchange only their own Teams token', async () => {
    const henry = await signIn('henry');
    const oid = JSON.parse(Buffer.from(henry.split('.')[1] ?? '', 'base64url').toString()).oid as string;
    const someoneElse = await gql(
      'mutation { exchangeTeamsToken(aadToken: "eyJ.x.y", appId: "00000000-0000-0000-0000-000000000001", userId: "00000000-0000-0000-0000-000000000002") { token } }',
      { auth: henry },
    );
    expect(errorsOf(someoneElse)).toMatchInlineSnapshot(`
      [
        {
          "code": "FORBIDDEN",
          "field": "userId",
          "message": "End users may exchange only their own Teams token: userId must equal the "oid" claim of your sign-in token.",
        },
      ]
    `);
    const own = await gql(
      `mutation { exchangeTeamsToken(aadToken: "not-a-token", appId: "00000000-0000-0000-0000-000000000001", userId: "${oid}") { token } }`,
      { auth: henry },
    );
    // The gateway lets it through; the back end judges the Entra token (the emulator cannot mint Teams tokens).
    expect(errorsOf(own)).toHaveLength(1);
    expect(['FORBIDDEN', 'UNAUTHENTICATED', 'INTERNAL_SERVER_ERROR']).not.toContain(errorsOf(own)[0]?.code);
  });

  it.skipIf(store.skip)('parses identifiers of every kind', async () => {
    const kinds = [
      '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130',
      '8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130',
      '28:gcch:01234567-89ab-cdef-0123-456789abcdef',
      '4:+112345556789',
      '48:something',
    ];
    const results = [];
    for (const rawId of kinds) {
      const response = await gql(
        'query($r: String!) { identifier(rawId: $r) { kind rawId communicationUserId microsoftTeamsUserId teamsAppId phoneNumber isAnonymous cloud } }',
        { auth: key, variables: { r: rawId } },
      );
      results.push(response.body.data?.identifier);
    }
    expect(results).toMatchInlineSnapshot(`
      [
        {
          "cloud": null,
          "communicationUserId": "8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130",
          "isAnonymous": null,
          "kind": "COMMUNICATION_USER",
          "microsoftTeamsUserId": null,
          "phoneNumber": null,
          "rawId": "8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130",
          "teamsAppId": null,
        },
        {
          "cloud": "PUBLIC",
          "communicationUserId": null,
          "isAnonymous": false,
          "kind": "MICROSOFT_TEAMS_USER",
          "microsoftTeamsUserId": "45ab2481-1c1c-4005-be24-0ffb879b1130",
          "phoneNumber": null,
          "rawId": "8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130",
          "teamsAppId": null,
        },
        {
          "cloud": "GCCH",
          "communicationUserId": null,
          "isAnonymous": null,
          "kind": "MICROSOFT_TEAMS_APP",
          "microsoftTeamsUserId": null,
          "phoneNumber": null,
          "rawId": "28:gcch:01234567-89ab-cdef-0123-456789abcdef",
          "teamsAppId": "01234567-89ab-cdef-0123-456789abcdef",
        },
        {
          "cloud": null,
          "communicationUserId": null,
          "isAnonymous": false,
          "kind": "PHONE_NUMBER",
          "microsoftTeamsUserId": null,
          "phoneNumber": "+112345556789",
          "rawId": "4:+112345556789",
          "teamsAppId": null,
        },
        {
          "cloud": null,
          "communicationUserId": null,
          "isAnonymous": null,
          "kind": "UNKNOWN",
          "microsoftTeamsUserId": null,
          "phoneNumber": null,
          "rawId": "48:something",
          "teamsAppId": null,
        },
      ]
    `);
  });

  it.skipIf(store.skip)('lists the scopes with their capabilities', async () => {
    const response = await gql('{ scopes { scope name since capabilities allowedForEndUsers } }', {
      auth: key,
    });
    expect(response.body).toMatchInlineSnapshot(`
      {
        "data": {
          "scopes": [
            {
              "allowedForEndUsers": true,
              "capabilities": [
                "create threads",
                "update threads",
                "delete threads",
                "add participants",
                "remove participants",
                "read messages",
                "send messages",
              ],
              "name": "chat",
              "scope": "CHAT",
              "since": "2021-03-07",
            },
            {
              "allowedForEndUsers": true,
              "capabilities": [
                "start calls",
                "join calls",
              ],
              "name": "voip",
              "scope": "VOIP",
              "since": "2021-03-07",
            },
            {
              "allowedForEndUsers": true,
              "capabilities": [
                "add participants",
                "remove participants",
                "read messages",
                "send messages",
              ],
              "name": "chat.join",
              "scope": "CHAT_JOIN",
              "since": "2023-10-01",
            },
            {
              "allowedForEndUsers": true,
              "capabilities": [
                "read messages",
                "send messages",
              ],
              "name": "chat.join.limited",
              "scope": "CHAT_JOIN_LIMITED",
              "since": "2023-10-01",
            },
            {
              "allowedForEndUsers": true,
              "capabilities": [
                "join invited calls",
              ],
              "name": "voip.join",
              "scope": "VOIP_JOIN",
              "since": "2023-10-01",
            },
          ],
        },
      }
    `);
  });

  it.skipIf(store.skip)('tells the server time', async () => {
    const before = Date.now();
    const response = await gql('{ serverTime }', { auth: key });
    const serverTime = Date.parse(response.body.data?.serverTime as string);
    expect(serverTime).toBeGreaterThanOrEqual(before - 1);
    expect(serverTime).toBeLessThanOrEqual(Date.now() + 1);
  });

  it.skipIf(store.skip)(
    'removes the mapping when an administrator deletes a user, then maps them to a new identity',
    async () => {
      const ivan = await signIn('ivan');
      const old = await issueMyToken(ivan);
      const oldIdentity = await myIdentity(ivan);
      expect(
        (
          await gql('mutation($u: ID!) { deleteUser(userId: $u) }', {
            auth: key,
            variables: { u: oldIdentity },
          })
        ).body,
      ).toEqual({ data: { deleteUser: true } });
      expect(await myIdentity(ivan)).toBeUndefined();
      expect(await verify(old.token)).toMatchObject({ valid: false, reason: 'identity-deleted' });
      await issueMyToken(ivan);
      const fresh = await myIdentity(ivan);
      expect(fresh).toMatch(/^8:acs:/);
      expect(fresh).not.toBe(oldIdentity);
    },
  );

  it.skipIf(store.skip)('keeps the mapping across a restart', async () => {
    const judy = await signIn('judy');
    await issueMyToken(judy);
    const before = await myIdentity(judy);
    await harness.close();
    harness = await openHarness(transport, { ...store.options(location), dev: true, adminKeys: [key] });
    // A restarted gateway has a new development signing key: sign in again.
    const again = await signIn('judy');
    expect(await myIdentity(again)).toBe(before);
    const token = await issueMyToken(again);
    expect((await verify(token.token)).identity).toBe(before);
  });
});

describe('several gateway instances on one PostgreSQL database', () => {
  it.skipIf(databaseUrl === undefined)(
    'give a user one identity whichever instance their first calls reach',
    async () => {
      const schema = uniqueSchema('gw_multi');
      schemas.push(schema);
      const options = { dev: true, databaseUrl: databaseUrl ?? '', databaseSchema: schema };
      const instances = [
        await openHarness('port', { ...options, dataDir: tempDir() }),
        await openHarness('port', { ...options, dataDir: tempDir() }),
      ];
      try {
        const signInAt = async (harness: Harness) => {
          const response = await harness.fetcher(new URL('dev/sign-in', harness.base).toString(), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ user: 'zoe' }),
          });
          const { token } = (await response.json()) as { token: string };
          secrets.push(token);
          return token;
        };
        const tokens = await Promise.all(instances.map(signInAt));
        const issued = await Promise.all(
          Array.from({ length: 6 }, (_, i) => {
            const harness = instances[i % 2] as Harness;
            return graphql(
              harness.fetcher,
              harness.base,
              'mutation { issueMyToken(scopes: [CHAT]) { token } }',
              {
                auth: tokens[i % 2] ?? '',
              },
            );
          }),
        );
        const accessTokens = issued.map((r) => dataOf<{ token: string }>(r, 'issueMyToken').token);
        secrets.push(...accessTokens);
        const identities = new Set(
          await Promise.all(accessTokens.map(async (t) => (await verify(t)).identity)),
        );
        expect(identities.size).toBe(1);
      } finally {
        for (const instance of instances) await instance.close();
      }
    },
  );
});
