/**
 * `user create --custom-id`, `token issue --custom-id` and `user show` through the built bin against a real emulator
 * (api-version 2025-03-02-preview, chosen by core), with their refusals.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEmulator, startLocalEmulator } from './local-emulator.js';
import { type CliRun, json, runCli } from './run-cli.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let local: LocalEmulator;
beforeAll(async () => {
  local = await startLocalEmulator('acs-cli-custom-ids');
});
afterAll(async () => {
  await local?.close();
});

/** Runs the CLI in the folder of the emulator's data (found through emulator.json), quiet on stderr but for errors. */
const cli = (args: readonly string[], env?: Record<string, string>) =>
  runCli([...args, '--only-show-errors'], { cwd: local.workDir, ...(env ? { env } : {}) });

/** Runs the CLI where no emulator and no connection is configured. */
const unconfigured = (args: readonly string[]) => runCli(args, { cwd: local.emptyDir });

function expectRefused(run: CliRun, exitCode: number, line: RegExp): void {
  expect(run.code).toBe(exitCode);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim()).toMatch(line);
}

interface UserJson {
  properties: { id: string };
  rawId: string;
  customId?: string | null;
  lastTokenIssuedAt?: string | null;
  token?: string;
  expires_on?: string;
}

describe.concurrent('user create --custom-id', () => {
  it('gives the same identity twice for the same custom id, echoing it, and a new token when asked', async () => {
    const customId = `alice-${randomUUID()}@contoso.com`;
    const first = json<UserJson>(await cli(['user', 'create', '--custom-id', customId]));
    expect(first).toEqual({ properties: { id: first.rawId }, rawId: first.rawId, customId });
    const again = json<UserJson>(await cli(['user', 'create', '--custom-id', customId, '--scope', 'voip']));
    expect(again).toMatchObject({ rawId: first.rawId, customId, token: expect.any(String) });
    expect(again.expires_on).toMatch(ISO_UTC);
    const other = json<UserJson>(await cli(['user', 'create', '--custom-id', `${customId}.other`]));
    expect(other.rawId).not.toBe(first.rawId);
  });

  it('takes 256 characters, and refuses 257 before any request (exit 2)', async () => {
    const longest = 'x'.repeat(255) + randomUUID().slice(0, 1);
    const created = await cli(['user', 'create', '--custom-id', longest]);
    expect(json<UserJson>(created).customId).toBe(longest);
    // Where nothing is configured: the usage error comes before any connection is looked for.
    expectRefused(
      await unconfigured(['user', 'create', '--custom-id', 'x'.repeat(257)]),
      2,
      /^ERROR \[USAGE\] --custom-id: "x{57}\.\.\." is not valid; expected 1 to 256 characters, got 257\. Hint: /,
    );
  });

  it('refuses --count with a custom id (exit 2)', async () => {
    expectRefused(
      await unconfigured(['user', 'create', '--custom-id', 'alice', '--count', '2']),
      2,
      /^ERROR \[USAGE\] --count and --custom-id do not go together: a custom id names one user, the same identity every time\. Hint: /,
    );
  });

  it('refuses an api-version without custom ids, naming the one that has them (exit 2)', async () => {
    expectRefused(
      await unconfigured(['user', 'create', '--custom-id', 'alice', '--api-version', '2025-06-30']),
      2,
      /^ERROR \[USAGE\] --custom-id needs an api-version with custom ids: 2025-03-02-preview; --api-version 2025-06-30 has none\. Hint: Leave out --api-version \(acs-identity then calls 2025-03-02-preview\)/,
    );
    const atPreview = await cli([
      'user',
      'create',
      '--custom-id',
      'bob',
      '--api-version',
      '2025-03-02-preview',
    ]);
    expect(json<UserJson>(atPreview).customId).toBe('bob');
  });
});

describe.concurrent('token issue --custom-id', () => {
  it('issues for the identity of the custom id, created on first use, the same one every time', async () => {
    const customId = `carol-${randomUUID()}`;
    const issued = json<{ user_id: string; token: string }>(
      await cli(['token', 'issue', '--scope', 'chat', '--custom-id', customId]),
    );
    const created = json<UserJson>(await cli(['user', 'create', '--custom-id', customId]));
    expect(created.rawId).toBe(issued.user_id);
    const decoded = json(await cli(['token', 'decode', issued.token]));
    expect(decoded).toMatchObject({ user_id: issued.user_id, scopes: ['chat'] });
  });

  it('refuses --user with --custom-id (exit 2)', async () => {
    expectRefused(
      await unconfigured(['token', 'issue', '--scope', 'chat', '--custom-id', 'a', '--user', '8:acs:x_y']),
      2,
      /^ERROR \[USAGE\] --user and --custom-id do not go together/,
    );
  });
});

describe.concurrent('user show', () => {
  it('shows the custom id and when a token was last issued, in ISO-8601 UTC', async () => {
    const customId = `dave-${randomUUID()}`;
    const before = Date.now();
    const created = json<UserJson>(await cli(['user', 'create', '--custom-id', customId, '--scope', 'voip']));
    const shown = json<UserJson>(await cli(['user', 'show', '--user', created.rawId]));
    expect(shown).toEqual({
      properties: { id: created.rawId },
      rawId: created.rawId,
      customId,
      lastTokenIssuedAt: expect.stringMatching(ISO_UTC),
    });
    // Milliseconds of the service's seven digits: the issue instant, within this test's time.
    const issuedAt = Date.parse(shown.lastTokenIssuedAt ?? '');
    expect(issuedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(issuedAt).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('shows null for a user without a custom id and before its first token', async () => {
    const { rawId } = json<UserJson>(await cli(['user', 'create']));
    expect(json<UserJson>(await cli(['user', 'show', '--user', rawId]))).toEqual({
      properties: { id: rawId },
      rawId,
      customId: null,
      lastTokenIssuedAt: null,
    });
    await cli(['token', 'issue', '--scope', 'chat', '--user', rawId]);
    const shown = await cli(['user', 'show', '--user', rawId, '--query', 'lastTokenIssuedAt', '-o', 'tsv']);
    expect(shown.stdout.trim()).toMatch(ISO_UTC);
  });

  it("exits 3 with the service's message for a user that was deleted", async () => {
    const { rawId } = json<UserJson>(await cli(['user', 'create']));
    expect((await cli(['user', 'delete', '--user', rawId, '--yes'])).code).toBe(0);
    const run = await cli(['user', 'show', '--user', rawId]);
    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toMatch(
      /^ERROR \[NOT_FOUND\] Identity '8:acs:[^']+' .+ \(HTTP 404 IdentityNotFound\) Hint: /,
    );
  });

  it('refuses an api-version without identity details, from the variable too (exit 2)', async () => {
    expectRefused(
      await runCli(['user', 'show', '--user', '8:acs:x_y'], {
        cwd: local.emptyDir,
        env: { ACS_IDENTITY_API_VERSION: '2023-10-01' },
      }),
      2,
      /^ERROR \[USAGE\] user show needs an api-version with identity details \(GET \/identities\/\{id\}\): 2025-03-02-preview; ACS_IDENTITY_API_VERSION=2023-10-01 has none\./,
    );
  });
});
