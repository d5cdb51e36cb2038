import { join } from 'node:path';
import type { EmulatorLogEntry, RunningEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEmulator, startLocalEmulator } from './local-emulator.js';
import { type CliRun, json, runCli } from './run-cli.js';

let emulator: RunningEmulator;
let workDir: string;
let emptyDir: string;
/** The emulator's connection string and CA, given explicitly (no notice about the local emulator on stderr). */
let explicit: string[];
const requests: EmulatorLogEntry[] = [];

const ACS_USER = /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Runs the CLI in the folder holding the emulator's data, so it is found through emulator.json. */
const cli = (args: readonly string[], env?: Record<string, string>) =>
  runCli(args, { cwd: workDir, ...(env ? { env } : {}) });

function errorLine(run: CliRun): string {
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('WARNING: '));
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

async function newUser(): Promise<string> {
  const run = await runCli(['user', 'create', '--query', 'rawId', '-o', 'tsv', ...explicit], {
    cwd: emptyDir,
  });
  expect(run.code).toBe(0);
  return run.stdout.trim();
}

let local: LocalEmulator | undefined;

beforeAll(async () => {
  local = await startLocalEmulator('acs-cli-az', (entry) => {
    if (entry.method) requests.push(entry);
  });
  ({ emulator, workDir, emptyDir, explicit } = local);
});

afterAll(async () => {
  await local?.close();
});

describe('an invalid --query (item 1)', () => {
  it.each([
    [['token', 'issue', '--scope', 'chat', '--query', 'foo[']],
    [['user', 'create', '--count', '5', '--query', 'foo[']],
  ])('is refused before anything is done: %j', async (args) => {
    const before = requests.length;
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(
      /^ERROR \[USAGE\] Invalid --query "foo\[": .+ Hint: Write a JMESPath expression/,
    );
    expect(run.stdout).toBe('');
    expect(requests.slice(before)).toEqual([]);
  });
});

describe.concurrent('-o tsv with a {...} query (item 2)', () => {
  it("keeps the query's column order, as -o table does", async () => {
    const query = '{User: user_id, Expires: expires_on}';
    const tsv = await cli(['token', 'issue', '--scope', 'chat', '--query', query, '-o', 'tsv']);
    expect(tsv.code).toBe(0);
    const [user, expires] = tsv.stdout.trimEnd().split('\t');
    expect(user).toMatch(ACS_USER);
    expect(expires).toMatch(ISO_UTC);
    const table = await cli(['token', 'issue', '--scope', 'chat', '--query', query, '-o', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^User\s+Expires$/);
  });

  it('still prints the keys of a plain result sorted', async () => {
    const run = await cli(['token', 'issue', '--scope', 'chat', '-o', 'tsv']);
    expect(run.stdout).toMatch(/^\S+Z\teyJ\S+\t8:acs:\S+\n$/);
  });
});

describe.concurrent("the local emulator's connection string, the az quickstart way (item 3)", () => {
  it('works from AZURE_COMMUNICATION_CONNECTION_STRING in the folder of its emulator.json, trusting its CA', async () => {
    const run = await cli(['token', 'issue', '--scope', 'chat'], {
      AZURE_COMMUNICATION_CONNECTION_STRING: emulator.info.connectionString,
    });
    expect(run.code).toBe(0);
    expect(json(run).user_id).toMatch(ACS_USER);
  });

  it('works from --connection-string, and from anywhere with ACS_IDENTITY_DATA_DIR', async () => {
    const flag = await cli(['user', 'create', '--connection-string', emulator.info.connectionString]);
    expect(flag.code).toBe(0);
    const elsewhere = await runCli(['token', 'issue', '--scope', 'chat'], {
      cwd: emptyDir,
      env: {
        AZURE_COMMUNICATION_CONNECTION_STRING: emulator.info.connectionString,
        ACS_IDENTITY_DATA_DIR: join(workDir, '.acs-identity'),
      },
    });
    expect(elsewhere.code).toBe(0);
  });

  it('says how to trust the CA, naming --ca-cert and ACS_IDENTITY_CA_CERT_FILE, where no emulator.json is found', async () => {
    const run = await runCli(['token', 'issue', '--scope', 'chat'], {
      cwd: emptyDir,
      env: { AZURE_COMMUNICATION_CONNECTION_STRING: emulator.info.connectionString },
    });
    expect(run.code).toBe(2);
    const line = errorLine(run);
    expect(line).toMatch(
      /^ERROR \[NOT_CONFIGURED\] The TLS certificate of the service at https:\/\/127\.0\.0\.1:\d+ is not trusted/,
    );
    expect(line).toContain(
      "Hint: Trust the service's CA with --ca-cert <file> (or ACS_IDENTITY_CA_CERT_FILE)",
    );
    expect(line).not.toContain('Pass --connection-string');
    expect(line).not.toContain('(caCertFile)');
  });
});

describe.concurrent("az's deprecated issue-access-token and --userid (item 4)", () => {
  it('runs issue-access-token as token issue, warning that it is deprecated', async () => {
    const run = await runCli(['issue-access-token', '--scope', 'chat', ...explicit], { cwd: emptyDir });
    expect(run.code).toBe(0);
    expect(json(run).user_id).toMatch(ACS_USER);
    expect(run.stderr).toBe(
      "WARNING: This command has been deprecated and will be removed in a future release. Use 'acs-identity token issue' instead.\n",
    );
  });

  it('takes --userid (and az’s -s, -u) for --user, warning that it is deprecated', async () => {
    const user = await newUser();
    const run = await runCli(['issue-access-token', '-s', 'chat', '--userid', user, ...explicit], {
      cwd: emptyDir,
    });
    expect(run.code).toBe(0);
    expect(json(run).user_id).toBe(user);
    expect(run.stderr).toContain(
      "WARNING: Option '--userid' has been deprecated and will be removed in a future release. Use '--user' instead.",
    );
    const short = await runCli(['token', 'issue', '--scope', 'voip', '-u', user, ...explicit], {
      cwd: emptyDir,
    });
    expect(json(short).user_id).toBe(user);
    expect(short.stderr).toContain("Option '-u' has been deprecated");
  });
});

describe.concurrent('typos (item 5)', () => {
  it.each([
    [
      ['tokn', 'issue', '--scope', 'chat'],
      "'tokn' is misspelled or not recognized by the system. Did you mean 'token'?",
    ],
    [
      ['token', 'isue', '--scope', 'chat'],
      "'isue' is misspelled or not recognized by the system. Did you mean 'issue'?",
    ],
    [['token', 'issue', '--scpoe', 'chat'], "Unknown argument: --scpoe. Did you mean '--scope'?"],
  ])(
    '%j says what is misspelled and what was meant, calling no valid option unknown',
    async (args, message) => {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(errorLine(run).startsWith(`ERROR [USAGE] ${message} Hint: See \`acs-identity`)).toBe(true);
      expect(run.stderr).not.toContain('Unknown arguments');
    },
  );
});

describe.concurrent('hints that say what is wrong (item 7)', () => {
  const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
  const oid = '6f1e2d3c-1111-4222-8333-944455566677';

  async function entraToken(extra: readonly string[] = []): Promise<string> {
    const run = await cli([
      'emulator',
      'entra',
      'token',
      '--teams-user',
      oid,
      '--app',
      appId,
      ...extra,
      '--query',
      'accessToken',
      '-o',
      'tsv',
    ]);
    expect(run.code).toBe(0);
    return run.stdout.trim();
  }

  const exchange = (token: string) =>
    cli(['token', 'get-for-teams-user', '--aad-token', token, '--client', appId, '--aad-user', oid]);

  it('says an expired --aad-token expired, and how to get a new one', async () => {
    const run = await exchange(await entraToken(['--expires-in', '-120']));
    expect(run.code).toBe(1);
    const line = errorLine(run);
    expect(line).toMatch(
      /^ERROR \[UNAUTHENTICATED\] Provided access token is not valid\. The Entra ID token given with --aad-token expired at \d{4}-.+Z\. \(HTTP 401 InvalidAccessToken\) Hint: Get a new Entra ID access token/,
    );
    expect(line).toContain('acs-identity emulator entra token --teams-user <oid> --app <appid>');
    expect(line).not.toContain('access key');
  });

  it('points a refused --aad-token at the Entra ID token, not at the connection string', async () => {
    const run = await exchange(await entraToken(['--audience', 'https://example.com']));
    expect(run.code).toBe(1);
    const line = errorLine(run);
    expect(line).toMatch(
      /^ERROR \[UNAUTHENTICATED\] Provided access token is not valid\. \(HTTP 401 InvalidAccessToken\) Hint: Check --aad-token/,
    );
    expect(line).not.toContain('expired');
    expect(line).not.toContain('access key');
  });

  it('shows the example connection string of an error unmasked', async () => {
    const run = await cli([
      'user',
      'create',
      '--connection-string',
      'endpoint=nope;accesskey=c2VjcmV0LXZhbHVl',
    ]);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toContain('accesskey=<base64 key>');
    expect(run.stderr).not.toContain('*** key>');
    expect(run.stderr).not.toContain('c2VjcmV0LXZhbHVl');
  });

  it.each([
    [
      ['token', 'issue', '--scope', 'chat', '--expires-in-minutes', 'abc'],
      '--expires-in-minutes must be a number, got "abc".',
    ],
    [['user', 'create', '--count', 'abc'], '--count must be a number, got "abc".'],
    [['user', 'create', '--count', '2.5'], '--count must be a whole number from 1 to 100000, got 2.5.'],
  ])('echoes the number typed: %j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(
      new RegExp(`^ERROR \\[USAGE\\] ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} Hint: `),
    );
    expect(run.stderr).not.toContain('NaN');
  });
});

describe.concurrent('what az does without arguments (item 8)', () => {
  it('prints the welcome and the top-level help for a bare acs-identity, exit 0', async () => {
    const run = await runCli([], { cwd: emptyDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Welcome to acs-identity!/);
    expect(run.stdout).toContain('Commands:\n  acs-identity user');
    expect(run.stderr).toBe('');
  });

  it('says identifier parse needs its raw id', async () => {
    const run = await runCli(['identifier', 'parse'], { cwd: emptyDir });
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(
      /^ERROR \[USAGE\] identifier parse needs its argument <raw-id>: .+ Hint: Usage: acs-identity identifier parse <raw-id>/,
    );
    expect(run.stderr).not.toContain('Not enough non-option arguments');
  });

  it('says token decode needs a token when the piped input is empty, as on a terminal', async () => {
    const run = await runCli(['token', 'decode'], { cwd: emptyDir, input: '\n' });
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(
      /^ERROR \[USAGE\] token decode needs a token: give it as an argument or pipe it into stdin \(stdin was empty\) Hint: /,
    );
    expect(run.stderr).not.toContain('not a JWT');
  });
});

// The emulator answers 204 to both, as for a live user; the service's 404 (and what --verbose says then) is tested in
// src/cli.test.ts against a server answering 404.
describe.concurrent('a deleted user (item 9)', () => {
  it('is deleted again and its tokens revoked again with the same outcome, whatever the service answers', async () => {
    const user = await newUser();
    expect(
      (await runCli(['user', 'delete', '--user', user, '--yes', ...explicit], { cwd: emptyDir })).code,
    ).toBe(0);
    const again = await runCli(['user', 'delete', '--user', user, '--yes', ...explicit], { cwd: emptyDir });
    const revoke = await runCli(['token', 'revoke', '--user', user, '--yes', ...explicit], { cwd: emptyDir });
    expect({ code: revoke.code, stdout: revoke.stdout, stderr: revoke.stderr }).toEqual({
      code: again.code,
      stdout: again.stdout,
      stderr: again.stderr,
    });
    expect(revoke).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});
