import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runCli } from './run-cli.js';

let emulator: RunningEmulator;
let workDir: string;
const cli = (args: readonly string[], env?: Record<string, string>) =>
  runCli(args, { cwd: workDir, ...(env ? { env } : {}) });

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'acs-cli-entra-'));
  emulator = await startEmulator({
    port: 0,
    dataDir: join(workDir, '.acs-identity'),
    logger: false,
    rateLimits: false,
  });
});
afterAll(async () => {
  await emulator?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const appId = randomUUID();
const oid = randomUUID();

describe('emulator entra token + token get-for-teams-user', () => {
  it('mints a Teams user token that the exchange turns into an ACS token expiring with it', async () => {
    const minted = await cli(['emulator', 'entra', 'token', '--teams-user', oid, '--app', appId]);
    expect(minted.code).toBe(0);
    const entra = json<{ accessToken: string; expiresOn: string; issuer: string; tokenType: string }>(minted);
    expect(entra).toMatchObject({ tokenType: 'Bearer', issuer: emulator.info.entraIssuer });
    const exchanged = await cli([
      'token',
      'get-for-teams-user',
      '--aad-token',
      entra.accessToken,
      '--client',
      appId,
      '--aad-user',
      oid,
    ]);
    expect(exchanged.code).toBe(0);
    const acs = json<{ expires_on: string; token: string }>(exchanged);
    expect(acs.expires_on).toBe(entra.expiresOn);
    const decoded = await cli(['token', 'decode', acs.token]);
    expect(json(decoded)).toMatchObject({ claims: { skypeid: `orgid:${oid}` } });
  });

  it('reports a missing scope as UNAUTHENTICATED and a wrong client as INVALID_INPUT', async () => {
    const withoutChats = json<{ accessToken: string }>(
      await cli([
        'emulator',
        'entra',
        'token',
        '--teams-user',
        oid,
        '--app',
        appId,
        '--omit-scope',
        'Teams.ManageChats',
      ]),
    );
    const refused = await cli([
      'token',
      'get-for-teams-user',
      '--aad-token',
      withoutChats.accessToken,
      '--client',
      appId,
      '--aad-user',
      oid,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERROR \[UNAUTHENTICATED\] Provided access token is not valid\./m);
    const good = json<{ accessToken: string }>(
      await cli(['emulator', 'entra', 'token', '--teams-user', oid, '--app', appId]),
    );
    const wrongApp = await cli([
      'token',
      'get-for-teams-user',
      '--aad-token',
      good.accessToken,
      '--client',
      randomUUID(),
      '--aad-user',
      oid,
    ]);
    expect(wrongApp.code).toBe(2);
    expect(wrongApp.stderr).toMatch(/AAD application is not the expected one\./);
  });

  it('refuses contradictory or incomplete requests as usage errors', async () => {
    expect((await cli(['emulator', 'entra', 'token', '--teams-user', oid])).code).toBe(2);
    expect(
      (await cli(['emulator', 'entra', 'token', '--principal', oid, '--teams-user', oid, '--app', appId]))
        .code,
    ).toBe(2);
    const notGuid = await cli(['emulator', 'entra', 'token', '--principal', 'alice']);
    expect(notGuid.code).toBe(2);
    expect(notGuid.stderr).toMatch(/GUID/);
  });
});

describe('emulator role + --endpoint with a managed identity (no key anywhere)', () => {
  it('answers 403 before the grant, works after it, and again 403 after role remove', async () => {
    const env = {
      NODE_EXTRA_CA_CERTS: emulator.info.caCertFile ?? '',
      IDENTITY_ENDPOINT: emulator.info.identityEndpoint ?? '',
      IDENTITY_HEADER: emulator.info.identityHeader ?? '',
    };
    const endpoint = ['--endpoint', emulator.info.endpoint];
    const before = await cli(['user', 'create', ...endpoint], env);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/^ERROR \[FORBIDDEN\] /m);
    const principal = emulator.info.systemAssignedPrincipalId ?? '';
    const assigned = await cli(['emulator', 'role', 'assign', '--principal', principal]);
    expect(json(assigned)).toMatchObject({ principalId: principal, role: 'Contributor' });
    expect(json<unknown[]>(await cli(['emulator', 'role', 'list']))).toEqual([
      expect.objectContaining({ principalId: principal }),
    ]);
    const created = await cli(['user', 'create', ...endpoint], env);
    expect(created.code).toBe(0);
    expect(json(created)).toMatchObject({ rawId: expect.stringMatching(/^8:acs:/) });
    expect((await cli(['emulator', 'role', 'remove', '--principal', principal])).code).toBe(0);
    expect((await cli(['emulator', 'role', 'remove', '--principal', principal])).code).toBe(3);
    expect((await cli(['user', 'create', ...endpoint], env)).code).toBe(1);
  });
});

describe('resource identity assign | remove | show against the local emulator (az flags)', () => {
  const uami = (n: string) =>
    `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`;
  const where = ['-n', 'acs', '-g', 'rg'];

  it('assigns the system identity, adds and removes user-assigned ones, and shows the result', async () => {
    // A fresh emulator has no resource yet: show answers ARM's 404 for the name (a typo too), no made-up identity.
    const before = await cli(['resource', 'identity', 'show', ...where]);
    expect(before.code).toBe(3);
    expect(before.stdout).toBe('');
    expect(before.stderr).toContain("communicationServices/acs' under resource group 'rg' was not found");
    expect(before.stderr).toContain(
      'A local emulator has no resource until the first `acs-identity resource identity assign`',
    );
    expect(before.stderr).not.toMatch(/\n\s+at /);
    const system = json(await cli(['resource', 'identity', 'assign', ...where, '--system-assigned']));
    expect(system).toMatchObject({ type: 'SystemAssigned', principalId: expect.any(String) });
    const both = json(
      await cli(['resource', 'identity', 'assign', ...where, '--user-assigned', uami('a'), uami('b')]),
    );
    expect(both).toMatchObject({ type: 'SystemAssigned,UserAssigned', principalId: system.principalId });
    expect(Object.keys(both.userAssignedIdentities as object)).toEqual([uami('a'), uami('b')]);
    const oneLeft = json(
      await cli(['resource', 'identity', 'remove', ...where, '--user-assigned', uami('a')]),
    );
    expect(Object.keys(oneLeft.userAssignedIdentities as object)).toEqual([uami('b')]);
    const userOnly = json(await cli(['resource', 'identity', 'remove', ...where, '--system-assigned']));
    expect(userOnly).toMatchObject({ type: 'UserAssigned' });
    expect(userOnly.principalId).toBeUndefined();
    const none = json(await cli(['resource', 'identity', 'remove', ...where, '--user-assigned']));
    expect(none).toEqual({ type: 'None' });
    expect(json(await cli(['resource', 'identity', 'show', ...where]))).toEqual({ type: 'None' });
    const typo = await cli(['resource', 'identity', 'show', '-n', 'acz', '-g', 'rg']);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain("communicationServices/acz' under resource group 'rg' was not found");
  });

  it('needs a flag to assign, and reports a malformed identity id as INVALID_INPUT', async () => {
    expect((await cli(['resource', 'identity', 'assign', ...where])).code).toBe(2);
    const bad = await cli(['resource', 'identity', 'assign', ...where, '--user-assigned', 'not-an-id']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ERROR \[INVALID_INPUT\] .*user-assigned identity id/m);
  });
});
