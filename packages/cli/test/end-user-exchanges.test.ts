/**
 * The assignments of both kinds and the exchanges of end users' Entra ID tokens, through the built bin against a real
 * emulator, the tokens minted by `emulator entra token`: every command, and every refusal with its exit code and the
 * service's message.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraAssignmentSet, teamsAssignmentSet } from './assignment-args.js';
import { type LocalEmulator, startLocalEmulator } from './local-emulator.js';
import { type CliRun, json, runCli } from './run-cli.js';

let local: LocalEmulator;
beforeAll(async () => {
  local = await startLocalEmulator('acs-cli-exchanges');
});
afterAll(async () => {
  await local?.close();
});

/** Runs the CLI in the folder of the emulator's data, quiet on stderr but for errors (and what --verbose adds). */
const cli = (args: readonly string[]) => runCli([...args, '--only-show-errors'], { cwd: local.workDir });
const verbose = (args: readonly string[]) => runCli([...args, '--verbose'], { cwd: local.workDir });

/** A token of the emulator's local Entra issuer, as `emulator entra token` prints it. */
async function mint(args: readonly string[]): Promise<{ accessToken: string; expiresOn: string }> {
  const run = await runCli(['emulator', 'entra', 'token', ...args], { cwd: local.workDir });
  return json<{ accessToken: string; expiresOn: string }>(run);
}

function expectRefused(run: CliRun, exitCode: number, line: RegExp): void {
  expect(run.code).toBe(exitCode);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim()).toMatch(line);
}

interface Exchanged {
  user_id: string;
  token: string;
  expires_on: string;
}

describe.concurrent('teams-extension assignment show | set | delete', () => {
  it("sets, replaces, shows and deletes an assignment, in the service's field names", async () => {
    const [tenant, objectId, app, other] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const key = ['--tenant', tenant, '--object-id', objectId];
    const created = await verbose(teamsAssignmentSet(tenant, objectId, app));
    expect(json(created)).toEqual({ objectId, tenantId: tenant, principalType: 'user', clientIds: [app] });
    expect(created.stderr).toContain(`INFO: Created the Teams Extension assignment of ${objectId}.`);
    const replaced = await verbose(teamsAssignmentSet(tenant, objectId, `${app},${other}`));
    expect(json(replaced)).toMatchObject({ clientIds: [app, other] });
    expect(replaced.stderr).toContain(`INFO: Replaced the Teams Extension assignment of ${objectId}.`);
    expect(json(await cli(['teams-extension', 'assignment', 'show', ...key]))).toEqual({
      objectId,
      tenantId: tenant,
      principalType: 'user',
      clientIds: [app, other],
    });
    expectRefused(
      await cli(['teams-extension', 'assignment', 'delete', ...key]),
      2,
      /^ERROR \[CONFIRMATION_REQUIRED\] Delete the Teams Extension assignment of /,
    );
    const deleted = await cli(['teams-extension', 'assignment', 'delete', ...key, '--yes']);
    expect(deleted).toMatchObject({ code: 0, stdout: '' });
    expectRefused(
      await cli(['teams-extension', 'assignment', 'show', ...key]),
      3,
      /^ERROR \[NOT_FOUND\] There is no assignment for object .+ \(HTTP 404 AssignmentNotFound\)/,
    );
  });

  it("takes a resource account's consent without client ids", async () => {
    const [tenant, account] = [randomUUID(), randomUUID()];
    const consent = await cli([
      ...teamsAssignmentSet(tenant, account),
      '--principal-type',
      'resourceAccount',
    ]);
    expect(json(consent)).toEqual({ objectId: account, tenantId: tenant, principalType: 'resourceAccount' });
  });

  it('refuses an id that is no GUID and an api-version without Teams Extension, before any request (exit 2)', async () => {
    const where = { cwd: local.emptyDir };
    expectRefused(
      await runCli(
        ['teams-extension', 'assignment', 'show', '--tenant', 'contoso', '--object-id', randomUUID()],
        where,
      ),
      2,
      /^ERROR \[USAGE\] --tenant: "contoso" is not valid; expected a GUID/,
    );
    expectRefused(
      await runCli(
        [
          'teams-extension',
          'assignment',
          'show',
          '--tenant',
          randomUUID(),
          '--object-id',
          randomUUID(),
          '--api-version',
          '2023-10-01',
        ],
        where,
      ),
      2,
      /^ERROR \[USAGE\] teams-extension assignment show needs an api-version with Teams Phone extensibility \(Teams Extension\): 2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23; --api-version 2023-10-01 has none\./,
    );
  });
});

describe.concurrent('token get-for-teams-extension-user', () => {
  /** An assigned user of a new tenant, and its application. */
  async function assignedUser() {
    const [tenant, oid, app] = [randomUUID(), randomUUID(), randomUUID()];
    const set = await cli(teamsAssignmentSet(tenant, oid, app));
    expect(set.code).toBe(0);
    const user = ['--teams-extension-user', oid, '--app', app, '--tenant', tenant];
    return { tenant, oid, app, user };
  }

  it("exchanges an assigned user's token for the ACS token of the Teams extension user, expiring with it", async () => {
    const { tenant, oid, user } = await assignedUser();
    const entra = await mint(user);
    const run = await cli(['token', 'get-for-teams-extension-user', '--entra-token', entra.accessToken]);
    const exchanged = json<Exchanged>(run);
    expect(exchanged.user_id).toBe(`8:acs:${local.emulator.resourceId}_${tenant}_${oid}`);
    expect(exchanged.expires_on).toBe(entra.expiresOn);
    expect(json(await cli(['identifier', 'parse', exchanged.user_id]))).toMatchObject({
      kind: 'teamsExtensionUser',
    });
    expect(json(await cli(['token', 'decode', exchanged.token]))).toMatchObject({
      user_id: exchanged.user_id,
    });
    const shown = json(await cli(['user', 'show', '--user', exchanged.user_id]));
    expect(shown).toMatchObject({ rawId: exchanged.user_id, lastTokenIssuedAt: expect.any(String) });
  });

  it('refuses an unassigned user (FORBIDDEN, exit 1) and says how to assign it', async () => {
    const entra = await mint(['--teams-extension-user', randomUUID(), '--app', randomUUID()]);
    expectRefused(
      await cli(['token', 'get-for-teams-extension-user', '--entra-token', entra.accessToken]),
      1,
      /^ERROR \[FORBIDDEN\] The user [0-9a-f-]+ of tenant [0-9a-f-]+ has no Teams Phone extensibility assignment on this resource\..* \(HTTP 403 Forbidden\) Hint: .*acs-identity teams-extension assignment set --tenant <tid> --object-id <oid> --client-ids <appid>/,
    );
  });

  it('refuses an application that is not among the clientIds (FORBIDDEN, exit 1)', async () => {
    const { oid, tenant } = await assignedUser();
    const stranger = randomUUID();
    const entra = await mint(['--teams-extension-user', oid, '--app', stranger, '--tenant', tenant]);
    expectRefused(
      await cli(['token', 'get-for-teams-extension-user', '--entra-token', entra.accessToken]),
      1,
      new RegExp(
        `^ERROR \\[FORBIDDEN\\] The application ${stranger} is not among the clientIds of the Teams Phone extensibility assignment of user ${oid}\\. \\(HTTP 403 Forbidden\\)`,
      ),
    );
  });

  it('refuses an expired token (UNAUTHENTICATED, exit 1), saying when it expired', async () => {
    const { user } = await assignedUser();
    const entra = await mint([...user, '--expires-in', '0']);
    expectRefused(
      await cli(['token', 'get-for-teams-extension-user', '--entra-token', entra.accessToken]),
      1,
      new RegExp(
        `^ERROR \\[UNAUTHENTICATED\\] Provided access token is not valid\\. The Entra ID token given with --entra-token expired at ${entra.expiresOn.replace(/\./g, '\\.')}\\. \\(HTTP 401 InvalidAccessToken\\) Hint: Get a new Entra ID access token`,
      ),
    );
  });

  it('refuses a token without TeamsExtension.ManageCalls, for another audience, or for the other exchange (exit 1)', async () => {
    const { user, oid, app, tenant } = await assignedUser();
    const tokens = [
      await mint([...user, '--omit-scope', 'TeamsExtension.ManageCalls']),
      await mint([...user, '--audience', 'https://graph.microsoft.com']),
      await mint(['--entra-user', oid, '--app', app, '--tenant', tenant]),
    ];
    for (const entra of tokens) {
      expectRefused(
        await cli(['token', 'get-for-teams-extension-user', '--entra-token', entra.accessToken]),
        1,
        /^ERROR \[UNAUTHENTICATED\] Provided access token is not valid\. \(HTTP 401 InvalidAccessToken\) Hint: Check --entra-token: a Teams Extension user's Entra ID access token/,
      );
    }
  });
});

describe.concurrent('entra assignment list | show | set | update | delete', () => {
  it("manages a group's assignment, in the service's field names", async () => {
    const [tenant, group, app, other] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const set = await verbose(entraAssignmentSet(group, tenant, 'group', app));
    const assignment = { objectId: group, tenantId: tenant, principalType: 'group', clientIds: [app] };
    expect(json(set)).toEqual(assignment);
    expect(set.stderr).toContain(`INFO: Created the Entra assignment of ${group}.`);
    const listed = json<unknown[]>(await cli(['entra', 'assignment', 'list']));
    expect(listed).toContainEqual(assignment);
    const updated = await cli([
      'entra',
      'assignment',
      'update',
      '--object-id',
      group,
      '--client-ids',
      app,
      other,
    ]);
    expect(json(updated)).toEqual({ ...assignment, clientIds: [app, other] });
    expect(json(await cli(['entra', 'assignment', 'show', '--object-id', group]))).toEqual({
      ...assignment,
      clientIds: [app, other],
    });
    expectRefused(
      await cli(['entra', 'assignment', 'update', '--object-id', group]),
      2,
      /^ERROR \[USAGE\] entra assignment update needs something to change\./,
    );
    expect((await cli(['entra', 'assignment', 'delete', '--object-id', group, '--yes'])).code).toBe(0);
    expectRefused(
      await cli(['entra', 'assignment', 'show', '--object-id', group]),
      3,
      /^ERROR \[NOT_FOUND\] .+ \(HTTP 404 AssignmentNotFound\)/,
    );
    expect(json<unknown[]>(await cli(['entra', 'assignment', 'list']))).not.toContainEqual(
      expect.objectContaining({ objectId: group }),
    );
  });

  it('refuses an api-version without Entra ID users, before any request (exit 2)', async () => {
    expectRefused(
      await runCli(['entra', 'assignment', 'list', '--api-version', '2025-06-30'], { cwd: local.emptyDir }),
      2,
      /^ERROR \[USAGE\] entra assignment list needs an api-version with Entra ID users: 2025-03-02-preview; --api-version 2025-06-30 has none\./,
    );
  });
});

describe.concurrent('token get-for-entra-user', () => {
  /** A user of a new tenant whose whole tenant is assigned for one application. */
  async function tenantAssigned() {
    const [tenant, oid, app] = [randomUUID(), randomUUID(), randomUUID()];
    const set = await cli(entraAssignmentSet(tenant, tenant, 'tenant', app));
    expect(set.code).toBe(0);
    return { tenant, oid, app, user: ['--entra-user', oid, '--app', app, '--tenant', tenant] };
  }

  it("exchanges an assigned user's token for an ACS token with its permissions' scopes", async () => {
    const { tenant, oid, user } = await tenantAssigned();
    const entra = await mint([...user, '--scope', 'VoIP', 'VoIP.Join']);
    const exchanged = json<Exchanged>(
      await cli(['token', 'get-for-entra-user', '--entra-token', entra.accessToken]),
    );
    expect(exchanged.user_id).toBe(`8:acs:${local.emulator.resourceId}_wf_${tenant}_${oid}`);
    expect(exchanged.expires_on).toBe(entra.expiresOn);
    expect(json(await cli(['token', 'decode', exchanged.token]))).toMatchObject({
      user_id: exchanged.user_id,
      scopes: ['voip', 'voip.join'],
    });
  });

  it('exchanges through a group assignment, the groups claim minted with --group', async () => {
    const [tenant, group, app] = [randomUUID(), randomUUID(), randomUUID()];
    await cli(entraAssignmentSet(group, tenant, 'group', app));
    const member = await mint([
      '--entra-user',
      randomUUID(),
      '--app',
      app,
      '--tenant',
      tenant,
      '--group',
      group,
    ]);
    expect((await cli(['token', 'get-for-entra-user', '--entra-token', member.accessToken])).code).toBe(0);
    const outsider = await mint(['--entra-user', randomUUID(), '--app', app, '--tenant', tenant]);
    expectRefused(
      await cli(['token', 'get-for-entra-user', '--entra-token', outsider.accessToken]),
      1,
      /^ERROR \[FORBIDDEN\] The user .+ has no Entra ID assignment on this resource .+ Hint: The user needs an Entra assignment .+`acs-identity entra assignment set --object-id <oid> --tenant <tid> --client-ids <appid>`\.$/,
    );
  });

  it('refuses an application that is not among the clientIds (FORBIDDEN, exit 1)', async () => {
    const { oid, tenant } = await tenantAssigned();
    const stranger = randomUUID();
    const entra = await mint(['--entra-user', oid, '--app', stranger, '--tenant', tenant]);
    expectRefused(
      await cli(['token', 'get-for-entra-user', '--entra-token', entra.accessToken]),
      1,
      new RegExp(`^ERROR \\[FORBIDDEN\\] The application ${stranger} is not among the clientIds`),
    );
  });

  it('refuses an expired token, one without a Clients permission, and a Teams Extension token (exit 1)', async () => {
    const { user, oid, app, tenant } = await tenantAssigned();
    const expired = await mint([...user, '--expires-in', '-60']);
    expectRefused(
      await cli(['token', 'get-for-entra-user', '--entra-token', expired.accessToken]),
      1,
      /^ERROR \[UNAUTHENTICATED\] Provided access token is not valid\. The Entra ID token given with --entra-token expired at .+ \(HTTP 401 InvalidAccessToken\)/,
    );
    const others = [
      await mint([...user, '--scope', 'User.Read']),
      await mint(['--teams-extension-user', oid, '--app', app, '--tenant', tenant]),
    ];
    for (const entra of others) {
      expectRefused(
        await cli(['token', 'get-for-entra-user', '--entra-token', entra.accessToken]),
        1,
        /^ERROR \[UNAUTHENTICATED\] Provided access token is not valid\. \(HTTP 401 InvalidAccessToken\) Hint: Check --entra-token: an Entra ID user's access token/,
      );
    }
  });
});

describe.concurrent('emulator entra token for end users', () => {
  it('mints each kind with its audience, scopes and groups', async () => {
    const [oid, app, group] = [randomUUID(), randomUUID(), randomUUID()];
    const claims = async (args: string[]) =>
      json<{ claims: Record<string, unknown> }>(
        await cli(['token', 'decode', (await mint(args)).accessToken]),
      ).claims;
    expect(await claims(['--teams-extension-user', oid, '--app', app])).toMatchObject({
      aud: 'https://auth.msft.communication.azure.com',
      scp: 'TeamsExtension.ManageCalls',
      oid,
      appid: app,
    });
    expect(
      await claims(['--entra-user', oid, '--app', app, '--scope', 'VoIP,Chat', '--group', group]),
    ).toMatchObject({
      aud: 'https://communication.azure.com/clients',
      scp: 'VoIP Chat',
      groups: [group],
    });
  });

  it('refuses contradictory or incomplete requests as usage errors (exit 2)', async () => {
    const oid = randomUUID();
    const refusals: [string[], RegExp][] = [
      [
        ['--entra-user', oid, '--teams-extension-user', oid, '--app', oid],
        /Give exactly one of --teams-user, --teams-extension-user, --entra-user/,
      ],
      [['--teams-extension-user', oid], /--teams-extension-user needs --app <appid>/],
      [['--principal', oid, '--scope', 'VoIP'], /--scope applies to user tokens only\./],
      [
        ['--teams-extension-user', oid, '--app', oid, '--group', oid],
        /--group applies to Entra ID user tokens \(--entra-user\) only\./,
      ],
      [
        ['--entra-user', oid, '--app', oid, '--omit-scope', 'TeamsExtension.ManageCalls'],
        /--omit-scope applies to Teams and Teams Extension user tokens only\./,
      ],
    ];
    for (const [args, message] of refusals) {
      const run = await runCli(['emulator', 'entra', 'token', ...args], { cwd: local.workDir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
