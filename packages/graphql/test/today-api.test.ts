// Today's ACS Identity API through the gateway, against the real emulator over HTTPS with a listening gateway: custom
// ids and identity details, the Teams Extension and Entra ID user assignments, and the exchange of an end user's Entra
// token (both routes) with who may exchange what; with end users mapped through the store and through custom ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityMappingChoice } from '../src/options.js';
import {
  type Answer,
  codeOf,
  findSecrets,
  objectIdOf,
  type Stack,
  startStack,
  verifyToken,
} from './support-reliability.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
const OTHER_APP = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e12';

/** `data[name]` of an answer; throws with the body when it is missing. */
function dataOf<T>(answer: Answer, name: string): T {
  const value = (answer.json as { data?: Record<string, unknown> | null } | undefined)?.data?.[name];
  if (value === undefined) throw new Error(`No ${name} in ${answer.text}`);
  return value as T;
}

/** The errors of an answer as code, field and message. */
function errorsOf(answer: Answer) {
  const errors = (answer.json as { errors?: { message: string; extensions?: Record<string, unknown> }[] })
    .errors;
  return (errors ?? []).map((e) => ({
    code: e.extensions?.code,
    ...(e.extensions?.field === undefined ? {} : { field: e.extensions.field }),
    message: e.message,
  }));
}

/** A GUID of its own for each call, so tests never share an assignment. */
let guids = 0;
const guid = () => `${(++guids).toString(16).padStart(8, '0')}-2222-4333-8444-555566667777`;

describe('the administrators’ operations of today’s API', () => {
  let stack: Stack;
  const admin = (query: string, variables: Record<string, unknown> = {}) =>
    stack.graphql(query, variables, stack.adminKey);

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    const logs = JSON.stringify(stack.gatewayLogs);
    await stack?.close();
    expect(findSecrets(logs, stack.secrets())).toEqual([]);
  });

  it('creates the identity of a custom id once, and tells its details by id', async () => {
    const create = 'mutation($c: String) { createUser(customId: $c) { rawId customId lastTokenIssuedAt } }';
    const first = dataOf<{ rawId: string }>(await admin(create, { c: 'alice@contoso.com' }), 'createUser');
    const again = dataOf<{ rawId: string }>(await admin(create, { c: 'alice@contoso.com' }), 'createUser');
    expect(again).toEqual(first);
    expect(first).toMatchObject({ customId: 'alice@contoso.com', lastTokenIssuedAt: null });
    const withToken = await admin(
      'mutation($c: String) { createUserAndToken(scopes: [VOIP], expiresInMinutes: 60, customId: $c) { user { rawId customId lastTokenIssuedAt } accessToken { token scopes } } }',
      { c: 'alice@contoso.com' },
    );
    const created = dataOf<{
      user: { rawId: string; customId: string; lastTokenIssuedAt: string };
      accessToken: { token: string; scopes: string[] };
    }>(withToken, 'createUserAndToken');
    expect(created.user).toMatchObject({ rawId: first.rawId, customId: 'alice@contoso.com' });
    expect(await verifyToken(stack.emulator, created.accessToken.token)).toMatchObject({ valid: true });
    const user = await admin(
      'query($id: ID!) { user(id: $id) { rawId communicationUserId customId lastTokenIssuedAt } }',
      {
        id: first.rawId,
      },
    );
    expect(dataOf(user, 'user')).toEqual({
      rawId: first.rawId,
      communicationUserId: first.rawId,
      customId: 'alice@contoso.com',
      lastTokenIssuedAt: created.user.lastTokenIssuedAt,
    });
  });

  it('tells an identity without a custom id, and when its token was issued, read from the service', async () => {
    const plain = dataOf<{ user: { rawId: string; lastTokenIssuedAt: string | null } }>(
      await admin(
        'mutation { createUserAndToken(scopes: [CHAT]) { user { rawId customId lastTokenIssuedAt } } }',
      ),
      'createUserAndToken',
    );
    expect(plain.user).toMatchObject({ customId: null, lastTokenIssuedAt: expect.any(String) });
    const fresh = dataOf<{ rawId: string }>(await admin('mutation { createUser { rawId } }'), 'createUser');
    const read = await admin('query($id: ID!) { user(id: $id) { customId lastTokenIssuedAt } }', {
      id: fresh.rawId,
    });
    expect(dataOf(read, 'user')).toEqual({ customId: null, lastTokenIssuedAt: null });
  });

  it('answers a bad custom id or an unknown identity with the field at fault', async () => {
    const answers = {
      empty: await admin('mutation { createUser(customId: "") { rawId } }'),
      long: await admin('mutation($c: String) { createUser(customId: $c) { rawId } }', {
        c: 'x'.repeat(257),
      }),
      notAnId: await admin('{ user(id: "alice") { rawId } }'),
      unknown: await admin(
        `{ user(id: "8:acs:${stack.emulator.resourceId}_00000000-0000-0000-0000-000000000000") { rawId } }`,
      ),
    };
    const shown = (a: Answer) =>
      errorsOf(a).map((e) => ({ ...e, message: e.message.replace(stack.emulator.resourceId, '<resource>') }));
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, shown(a)]))).toMatchInlineSnapshot(`
      {
        "empty": [
          {
            "code": "BAD_USER_INPUT",
            "field": "customId",
            "message": "customId must be a string of 1 to 256 characters; got "".",
          },
        ],
        "long": [
          {
            "code": "BAD_USER_INPUT",
            "field": "customId",
            "message": "customId must be a string of 1 to 256 characters; got "<redacted>".",
          },
        ],
        "notAnId": [
          {
            "code": "BAD_USER_INPUT",
            "field": "id",
            "message": ""alice" is not a Communication Services user id (userId). Expected a raw id such as "8:acs:<resource-id>_<user-id>".",
          },
        ],
        "unknown": [
          {
            "code": "NOT_FOUND",
            "field": "id",
            "message": "Identity '8:acs:<resource>_00000000-0000-0000-0000-000000000000' does not exist in this resource.",
          },
        ],
      }
    `);
  });

  it('sets, shows and removes a Teams Extension assignment', async () => {
    const objectId = guid();
    const show = () =>
      admin(
        'query($t: ID!, $o: ID!) { teamsExtensionAssignment(tenantId: $t, objectId: $o) { tenantId objectId principalType clientIds } }',
        {
          t: TENANT,
          o: objectId,
        },
      );
    expect(dataOf(await show(), 'teamsExtensionAssignment')).toBeNull();
    const set = (principalType: string, clientIds?: string[]) =>
      admin(
        'mutation($a: TeamsExtensionAssignmentInput!) { setTeamsExtensionAssignment(assignment: $a) { created assignment { tenantId objectId principalType clientIds } } }',
        { a: { tenantId: TENANT, objectId, principalType, ...(clientIds ? { clientIds } : {}) } },
      );
    const assignment = { tenantId: TENANT, objectId, principalType: 'USER', clientIds: [APP] };
    expect(dataOf(await set('USER', [APP]), 'setTeamsExtensionAssignment')).toEqual({
      created: true,
      assignment,
    });
    expect(dataOf(await set('USER', [APP]), 'setTeamsExtensionAssignment')).toEqual({
      created: false,
      assignment,
    });
    expect(dataOf(await show(), 'teamsExtensionAssignment')).toEqual(assignment);
    expect(dataOf(await set('RESOURCE_ACCOUNT'), 'setTeamsExtensionAssignment')).toEqual({
      created: false,
      assignment: { tenantId: TENANT, objectId, principalType: 'RESOURCE_ACCOUNT', clientIds: null },
    });
    expect(errorsOf(await set('USER', ['not-a-guid'])).map((e) => [e.code, e.field])).toEqual([
      ['BAD_USER_INPUT', 'clientIds'],
    ]);
    const remove =
      'mutation($t: ID!, $o: ID!) { deleteTeamsExtensionAssignment(tenantId: $t, objectId: $o) }';
    expect(dataOf(await admin(remove, { t: TENANT, o: objectId }), 'deleteTeamsExtensionAssignment')).toBe(
      true,
    );
    expect(dataOf(await show(), 'teamsExtensionAssignment')).toBeNull();
    // Removing what is not there is no error, as the service has it.
    expect(dataOf(await admin(remove, { t: TENANT, o: objectId }), 'deleteTeamsExtensionAssignment')).toBe(
      true,
    );
  });

  it('sets, lists, changes several at once and removes Entra ID user assignments', async () => {
    const [user, group] = [guid(), guid()];
    const fields = 'objectId tenantId principalType clientIds';
    const set = await admin(
      `mutation($a: EntraAssignmentInput!) { setEntraAssignment(assignment: $a) { created assignment { ${fields} } } }`,
      {
        a: { objectId: user, tenantId: TENANT, principalType: 'USER', clientIds: [APP] },
      },
    );
    expect(dataOf(set, 'setEntraAssignment')).toEqual({
      created: true,
      assignment: { objectId: user, tenantId: TENANT, principalType: 'USER', clientIds: [APP] },
    });
    const update = (changes: unknown[]) =>
      admin(`mutation($c: [EntraAssignmentChange!]!) { updateEntraAssignments(changes: $c) { ${fields} } }`, {
        c: changes,
      });
    const changed = await update([
      { objectId: user, clientIds: [APP, OTHER_APP] },
      { objectId: group, tenantId: TENANT, principalType: 'GROUP', clientIds: [APP] },
    ]);
    expect(dataOf(changed, 'updateEntraAssignments')).toEqual([
      { objectId: user, tenantId: TENANT, principalType: 'USER', clientIds: [APP, OTHER_APP] },
      { objectId: group, tenantId: TENANT, principalType: 'GROUP', clientIds: [APP] },
    ]);
    const list = async () =>
      dataOf<{ objectId: string }[]>(await admin(`{ entraAssignments { ${fields} } }`), 'entraAssignments')
        .map((a) => a.objectId)
        .filter((id) => id === user || id === group)
        .sort();
    expect(await list()).toEqual([user, group].sort());
    const refused = {
      twice: await update([
        { objectId: user, remove: true },
        { objectId: user, clientIds: [APP] },
      ]),
      removeWithFields: await update([{ objectId: user, remove: true, clientIds: [APP] }]),
      newWithoutFields: await update([{ objectId: guid(), clientIds: [APP] }]),
    };
    expect(
      Object.fromEntries(
        Object.entries(refused).map(([k, a]) => [k, errorsOf(a).map((e) => [e.code, e.field])]),
      ),
    ).toEqual({
      twice: [['BAD_USER_INPUT', 'changes']],
      removeWithFields: [['BAD_USER_INPUT', 'changes']],
      newWithoutFields: [['BAD_USER_INPUT', 'changes']],
    });
    expect(dataOf(await update([{ objectId: group, remove: true }]), 'updateEntraAssignments')).toEqual([]);
    const one = `query($o: ID!) { entraAssignment(objectId: $o) { ${fields} } }`;
    expect(dataOf(await admin(one, { o: group }), 'entraAssignment')).toBeNull();
    expect(
      dataOf(
        await admin('mutation($o: ID!) { deleteEntraAssignment(objectId: $o) }', { o: user }),
        'deleteEntraAssignment',
      ),
    ).toBe(true);
    expect(await list()).toEqual([]);
  });

  it('keeps end users out of the identities and assignments of the resource', async () => {
    const eve = await stack.issuer.sign('eve');
    const attempts = [
      '{ user(id: "8:acs:x_y") { rawId } }',
      `{ teamsExtensionAssignment(tenantId: "${TENANT}", objectId: "${TENANT}") { objectId } }`,
      '{ entraAssignments { objectId } }',
      `{ entraAssignment(objectId: "${TENANT}") { objectId } }`,
      'mutation { createUser(customId: "eve") { rawId } }',
      `mutation { setTeamsExtensionAssignment(assignment: { tenantId: "${TENANT}", objectId: "${TENANT}", principalType: USER }) { created } }`,
      `mutation { deleteTeamsExtensionAssignment(tenantId: "${TENANT}", objectId: "${TENANT}") }`,
      `mutation { setEntraAssignment(assignment: { objectId: "${TENANT}", tenantId: "${TENANT}", principalType: TENANT, clientIds: [] }) { created } }`,
      `mutation { updateEntraAssignments(changes: [{ objectId: "${TENANT}", remove: true }]) { objectId } }`,
      `mutation { deleteEntraAssignment(objectId: "${TENANT}") }`,
    ];
    for (const query of attempts) {
      const answer = await stack.graphql(query, {}, eve);
      expect(
        errorsOf(answer).map((e) => e.code),
        query,
      ).toEqual(['FORBIDDEN']);
      expect((await stack.graphql(query)).status, query).toBe(401);
    }
  });
});

describe.each(['store', 'customId'] as const satisfies readonly IdentityMappingChoice[])(
  'the Entra token exchange, end users mapped through %s',
  (identityMapping) => {
    let stack: Stack;
    const admin = (query: string, variables: Record<string, unknown> = {}) =>
      stack.graphql(query, variables, stack.adminKey);
    const EXCHANGE =
      'mutation($t: String!, $k: EntraTokenKind) { exchangeEntraToken(entraToken: $t, kind: $k) { identity { kind rawId tenantId userId resourceId } accessToken { token scopes expiresOn } } }';
    const exchange = (entraToken: string, auth: string, kind?: string) =>
      stack.graphql(EXCHANGE, { t: entraToken, ...(kind ? { k: kind } : {}) }, auth);

    beforeAll(async () => {
      stack = await startStack({ identityMapping });
      await admin('mutation($a: EntraAssignmentInput!) { setEntraAssignment(assignment: $a) { created } }', {
        a: { objectId: TENANT, tenantId: TENANT, principalType: 'TENANT', clientIds: [APP] },
      });
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('exchanges a Teams Extension token of an assigned user for a token of that Teams extension user', async () => {
      const oid = guid();
      await admin(
        'mutation($a: TeamsExtensionAssignmentInput!) { setTeamsExtensionAssignment(assignment: $a) { created } }',
        {
          a: { tenantId: TENANT, objectId: oid, principalType: 'USER', clientIds: [APP] },
        },
      );
      const entra = stack.emulator.mintEntraToken({ teamsExtensionUser: oid, tenantId: TENANT, appId: APP });
      const answer = dataOf<{
        identity: Record<string, string>;
        accessToken: { token: string; expiresOn: string };
      }>(await exchange(entra.token, stack.adminKey), 'exchangeEntraToken');
      expect(answer.identity).toEqual({
        kind: 'TEAMS_EXTENSION_USER',
        rawId: `8:acs:${stack.emulator.resourceId}_${TENANT}_${oid}`,
        tenantId: TENANT,
        userId: oid,
        resourceId: stack.emulator.resourceId,
      });
      expect(Date.parse(answer.accessToken.expiresOn)).toBe(entra.expiresOn.getTime());
      expect(await verifyToken(stack.emulator, answer.accessToken.token)).toMatchObject({ valid: true });
      // The exchange is an issue: the identity's last issue time is now set.
      const user = await admin('query($id: ID!) { user(id: $id) { lastTokenIssuedAt } }', {
        id: answer.identity.rawId,
      });
      expect(dataOf<{ lastTokenIssuedAt: string | null }>(user, 'user').lastTokenIssuedAt).not.toBeNull();
    });

    it("lets an end user exchange their own Entra token, with the token's permissions as scopes", async () => {
      const sub = `ann-${identityMapping}`;
      const signIn = await stack.issuer.sign(sub, { claims: { tid: TENANT } });
      const entra = stack.emulator.mintEntraToken({
        entraUser: objectIdOf(sub),
        tenantId: TENANT,
        appId: APP,
        scopes: ['VoIP', 'VoIP.Join'],
      });
      const answer = dataOf<{ identity: { kind: string; rawId: string }; accessToken: { scopes: string[] } }>(
        await exchange(entra.token, signIn, 'ENTRA'),
        'exchangeEntraToken',
      );
      expect(answer.identity).toMatchObject({
        kind: 'COMMUNICATION_USER',
        rawId: `8:acs:${stack.emulator.resourceId}_wf_${TENANT}_${objectIdOf(sub)}`,
      });
      expect(answer.accessToken.scopes).toEqual(['VOIP', 'VOIP_JOIN']);
    });

    it("refuses an end user someone else's Entra token, or one of another tenant", async () => {
      const sub = `bo-${identityMapping}`;
      const signIn = await stack.issuer.sign(sub, { claims: { tid: TENANT } });
      const someoneElse = stack.emulator.mintEntraToken({ entraUser: guid(), tenantId: TENANT, appId: APP });
      const otherTenant = stack.emulator.mintEntraToken({
        entraUser: objectIdOf(sub),
        tenantId: guid(),
        appId: APP,
      });
      const refusals = [await exchange(someoneElse.token, signIn), await exchange(otherTenant.token, signIn)];
      for (const answer of refusals) {
        expect(errorsOf(answer)).toEqual([
          {
            code: 'FORBIDDEN',
            field: 'entraToken',
            message:
              'End users may exchange only their own Entra token: its "oid" (and "tid") must equal the "oid" (and "tid") claim of your sign-in token.',
          },
        ]);
      }
    });

    it('passes on what the service refuses: no assignment, another application, a token for the other route', async () => {
      const unassigned = stack.emulator.mintEntraToken({
        teamsExtensionUser: guid(),
        tenantId: TENANT,
        appId: APP,
      });
      const otherApp = stack.emulator.mintEntraToken({
        entraUser: guid(),
        tenantId: TENANT,
        appId: OTHER_APP,
      });
      const teamsExtension = stack.emulator.mintEntraToken({
        teamsExtensionUser: guid(),
        tenantId: TENANT,
        appId: APP,
      });
      const answers = {
        unassigned: await exchange(unassigned.token, stack.adminKey),
        otherApp: await exchange(otherApp.token, stack.adminKey),
        wrongRoute: await exchange(teamsExtension.token, stack.adminKey, 'ENTRA'),
        notAJwt: await exchange('garbage', stack.adminKey),
      };
      const summary = Object.fromEntries(
        Object.entries(answers).map(([name, a]) => [name, errorsOf(a).map((e) => [e.code, e.field])]),
      );
      expect(summary).toEqual({
        unassigned: [['FORBIDDEN', 'entraToken']],
        otherApp: [['FORBIDDEN', 'entraToken']],
        wrongRoute: [['BAD_USER_INPUT', 'entraToken']],
        notAJwt: [['BAD_USER_INPUT', 'entraToken']],
      });
      expect(errorsOf(answers.unassigned)[0]?.message).toMatch(/has no Teams Phone extensibility assignment/);
      for (const answer of Object.values(answers)) expect(answer.status).toBe(200);
      expect(codeOf(await stack.graphql(EXCHANGE, { t: unassigned.token }))).toBe('UNAUTHENTICATED');
    });

    it("shows an end user's identity with its custom id and last issue time", async () => {
      const sub = `cy-${identityMapping}`;
      const signIn = await stack.issuer.sign(sub);
      await stack.graphql('mutation { issueMyToken(scopes: [CHAT]) { token } }', {}, signIn);
      const me = dataOf<{ identity: { rawId: string; customId: string | null; lastTokenIssuedAt: string } }>(
        await stack.graphql('{ me { identity { rawId customId lastTokenIssuedAt } } }', {}, signIn),
        'me',
      );
      expect(me.identity.customId === null).toBe(identityMapping === 'store');
      if (identityMapping === 'customId') expect(me.identity.customId).toContain(encodeURIComponent(sub));
      expect(Date.now() - Date.parse(me.identity.lastTokenIssuedAt)).toBeLessThan(60_000);
    });
  },
);
