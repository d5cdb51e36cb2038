import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { RunningEmulator } from '@acs-identity/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEmulator, startLocalEmulator } from './local-emulator.js';
import { BIN, type CliRun, json, runCli, runCommand } from './run-cli.js';

let emulator: RunningEmulator;
let workDir: string;
let emptyDir: string;
/** The emulator's connection string and CA, given explicitly. */
let explicit: string[];

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ACS_USER = /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/;

/** Runs the CLI in the folder holding the emulator's data, so it is found through emulator.json. */
const cli = (args: readonly string[], input?: string) =>
  runCli(args, { cwd: workDir, ...(input === undefined ? {} : { input }) });

async function newUser(): Promise<string> {
  const run = await cli(['user', 'create', '--query', 'rawId', '-o', 'tsv']);
  expect(run.code).toBe(0);
  return run.stdout.trim();
}

/** Asks the emulator whether a token is still valid (its documented verification endpoint). */
function verifyToken(token: string): Promise<{ valid: boolean; reason?: string }> {
  const url = new URL('emulator/verify-token', emulator.info.endpoint);
  const ca = readFileSync(emulator.info.caCertFile ?? '');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve(JSON.parse(body) as { valid: boolean; reason?: string }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ token }));
  });
}

function expectOneErrorLine(run: CliRun, code: string): void {
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('WARNING: '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^ERROR \\[${code}\\] .+ Hint: .+`));
}

let local: LocalEmulator | undefined;

beforeAll(async () => {
  local = await startLocalEmulator('acs-cli', false);
  ({ emulator, workDir, emptyDir, explicit } = local);
});

afterAll(async () => {
  await local?.close();
});

describe.concurrent('connection', () => {
  it('uses the local emulator found in .acs-identity/emulator.json and says so on stderr', async () => {
    const run = await cli(['user', 'create']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Using the local emulator at ${emulator.info.endpoint}`);
  });

  it('uses --connection-string with --ca-cert from any folder, without the emulator notice', async () => {
    const run = await runCli(['user', 'create', ...explicit], { cwd: emptyDir });
    expect(run.code).toBe(0);
    expect(json(run).rawId).toMatch(ACS_USER);
    expect(run.stderr).toBe('');
  });

  it('reads AZURE_COMMUNICATION_CONNECTION_STRING and ACS_IDENTITY_CA_CERT_FILE', async () => {
    const run = await runCli(['user', 'create', '--query', 'rawId', '-o', 'tsv'], {
      cwd: emptyDir,
      env: {
        AZURE_COMMUNICATION_CONNECTION_STRING: emulator.info.connectionString,
        ACS_IDENTITY_CA_CERT_FILE: emulator.info.caCertFile ?? '',
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(ACS_USER);
  });

  it('uses Entra ID for --endpoint and says how to sign in when no credential is available (exit 2)', async () => {
    const run = await runCli(['user', 'create', '--endpoint', emulator.info.endpoint], { cwd: emptyDir });
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'NOT_CONFIGURED');
    expect(run.stderr).toContain('az login');
  });

  it('explains how to configure a connection when there is none (exit 2)', async () => {
    const run = await runCli(['user', 'create'], { cwd: emptyDir });
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'NOT_CONFIGURED');
    expect(run.stderr).toContain('--connection-string');
    expect(run.stderr).toContain('AZURE_COMMUNICATION_ENDPOINT');
    expect(run.stderr).toContain('acs-identity emulator start');
  });

  it('reports a wrong access key as UNAUTHENTICATED (exit 1) without printing the key', async () => {
    const wrongKey = Buffer.from('definitely-not-the-emulator-key-0123456789').toString('base64');
    const connectionString = `endpoint=${emulator.info.endpoint};accesskey=${wrongKey}`;
    const run = await runCli(
      [
        'user',
        'create',
        '--connection-string',
        connectionString,
        '--ca-cert',
        emulator.info.caCertFile ?? '',
      ],
      { cwd: emptyDir },
    );
    expect(run.code).toBe(1);
    expectOneErrorLine(run, 'UNAUTHENTICATED');
    expect(run.stderr).not.toContain(wrongKey);
  });

  it('reports a malformed connection string as invalid input (exit 2) without echoing it', async () => {
    const run = await runCli(
      ['user', 'create', '--connection-string', 'endpoint=nope;accesskey=c2VjcmV0LXZhbHVl'],
      {
        cwd: emptyDir,
      },
    );
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'INVALID_INPUT');
    expect(run.stderr).not.toContain('c2VjcmV0LXZhbHVl');
  });
});

describe.concurrent('user create', () => {
  it("prints az's {properties:{id}, rawId}", async () => {
    const run = await cli(['user', 'create']);
    const out = json(run);
    expect(Object.keys(out)).toEqual(['properties', 'rawId']);
    expect(out.rawId).toMatch(ACS_USER);
    expect(out.properties).toEqual({ id: out.rawId });
  });

  it('issues a token in the same request with --scope, usable with --query token', async () => {
    const run = await cli(['user', 'create', '--scope', 'chat', 'voip', '--query', 'token', '-o', 'tsv']);
    expect(run.code).toBe(0);
    const decoded = json(await cli(['token', 'decode', run.stdout.trim()]));
    expect(decoded.scopes).toEqual(['chat', 'voip']);
  });

  it('adds token and expires_on (ISO-8601 UTC) with --scope and --expires-in-minutes', async () => {
    const before = Date.now();
    const out = json(await cli(['user', 'create', '--scope', 'CHAT_JOIN', '--expires-in-minutes', '60']));
    expect(Object.keys(out).sort()).toEqual(['expires_on', 'properties', 'rawId', 'token']);
    expect(out.expires_on).toMatch(ISO_UTC);
    const expires = Date.parse(String(out.expires_on));
    expect(expires).toBeGreaterThan(before + 59 * 60_000);
    expect(expires).toBeLessThan(Date.now() + 61 * 60_000);
  });

  it('creates many users with --count and --concurrency, with a summary on stderr and no progress bar off a terminal', async () => {
    const run = await cli(['user', 'create', '--count', '5', '--concurrency', '2', '--query', '[].rawId']);
    expect(run.code).toBe(0);
    const ids = json<string[]>(run);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(run.stderr).toMatch(/Created 5 of 5 users in [\d.]+ s/);
    expect(run.stderr).not.toContain('\r');
  });

  it('rejects --count 0 as a usage error', async () => {
    const run = await cli(['user', 'create', '--count', '0']);
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'USAGE');
  });
});

describe.concurrent('token issue', () => {
  it("creates a user too when --user is absent and prints az's {expires_on, token, user_id}", async () => {
    const before = Date.now();
    const run = await cli(['token', 'issue', '--scope', 'chat', 'voip']);
    expect(run.code).toBe(0);
    const out = json(run);
    expect(Object.keys(out)).toEqual(['expires_on', 'token', 'user_id']);
    expect(out.user_id).toMatch(ACS_USER);
    expect(out.expires_on).toMatch(ISO_UTC);
    expect(Date.parse(String(out.expires_on))).toBeGreaterThan(before + 1439 * 60_000);
    expect(await verifyToken(String(out.token))).toMatchObject({ valid: true });
  });

  it('issues for an existing --user with a lifetime of 60 minutes', async () => {
    const user = await newUser();
    const out = json(
      await cli(['token', 'issue', '--scope', 'voip.join', '--user', user, '--expires-in-minutes', '60']),
    );
    expect(out.user_id).toBe(user);
    const decoded = json(await cli(['token', 'decode', String(out.token)]));
    expect(decoded).toMatchObject({ user_id: user, scopes: ['voip.join'] });
    expect(Number(decoded.seconds_left)).toBeLessThanOrEqual(3600);
  });

  it.each([
    ['user_id', ACS_USER],
    ['token', /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/],
    ['expires_on', ISO_UTC],
  ])('prints the bare value with --query %s -o tsv', async (query, pattern) => {
    const run = await cli(['token', 'issue', '--scope', 'chat', '--query', query, '-o', 'tsv']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\n$/);
    expect(run.stdout.trim()).toMatch(pattern);
  });

  it.each([
    [
      'json',
      (out: string) => expect(Object.keys(JSON.parse(out))).toEqual(['expires_on', 'token', 'user_id']),
    ],
    ['jsonc', (out: string) => expect(out).toContain('\u001b[94m"user_id"\u001b[0m: \u001b[32m"8:acs:')],
    ['yaml', (out: string) => expect(out).toMatch(/^expires_on: .+Z\ntoken: eyJ.+\nuser_id: 8:acs:.+\n$/)],
    ['yamlc', (out: string) => expect(out).toContain('\u001b[94muser_id\u001b[0m: 8:acs:')],
    ['tsv', (out: string) => expect(out).toMatch(/^\S+Z\teyJ\S+\t8:acs:\S+\n$/)],
    [
      'table',
      (out: string) => {
        const [header, rule, row] = out.split('\n');
        expect(header).toMatch(/^Expires_on\s+Token\s+User_id$/);
        expect(rule).toMatch(/^-+ {2}-+ {2}-+$/);
        expect(row).toMatch(/^\S+Z {2}eyJ\S+ {2}8:acs:\S+$/);
      },
    ],
    ['none', (out: string) => expect(out).toBe('')],
  ])('renders -o %s', async (format, check) => {
    const run = await cli(['token', 'issue', '--scope', 'chat', '-o', format]);
    expect(run.code).toBe(0);
    check(run.stdout);
  });

  it('rejects an unknown scope before calling the service (exit 2)', async () => {
    const run = await cli(['token', 'issue', '--scope', 'chat', 'video']);
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'INVALID_INPUT');
    expect(run.stderr).toContain('"video"');
  });

  it("rejects a lifetime of 59 minutes with the service's wording (exit 2)", async () => {
    const run = await cli(['token', 'issue', '--scope', 'chat', '--expires-in-minutes', '59']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.',
    );
  });

  it('reports a user of another resource as not found (exit 3)', async () => {
    const foreign = '8:acs:00000000-0000-0000-0000-000000000000_11111111-1111-1111-1111-111111111111';
    const run = await cli(['token', 'issue', '--scope', 'chat', '--user', foreign]);
    expect(run.code).toBe(3);
    expectOneErrorLine(run, 'IDENTITY_NOT_OWNED');
  });
});

describe.concurrent('--api-version', () => {
  it.each([
    [
      ['token', 'issue', '--scope', 'chat', '--expires-in-minutes', '60', '--api-version', '2021-03-07'],
      'lifetime',
    ],
    [['token', 'issue', '--scope', 'chat.join', '--api-version', '2022-10-01'], 'chat.join'],
  ])('refuses what the chosen api-version lacks before calling the service: %j', async (args, word) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'INVALID_INPUT');
    expect(run.stderr).toContain(word);
  });

  it('calls the service with the chosen api-version', async () => {
    const run = await cli(['user', 'create', '--api-version', '2021-03-07', '--verbose']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /INFO: POST https:\/\/127\.0\.0\.1:\d+\/identities\?api-version=2021-03-07 -> 201 in \d+ ms\n/,
    );
    expect(run.stderr).toMatch(/INFO: Command ran in \d+\.\d{3} seconds\./);
  });

  it('reads ACS_IDENTITY_API_VERSION when --api-version is not given, and the flag wins over it', async () => {
    const env = { ACS_IDENTITY_API_VERSION: '2022-06-01' };
    const fromEnv = await runCli(['user', 'create', '--verbose'], { cwd: workDir, env });
    expect(fromEnv.stderr).toMatch(
      /INFO: POST https:\/\/127\.0\.0\.1:\d+\/identities\?api-version=2022-06-01 -> 201/,
    );
    const fromFlag = await runCli(['user', 'create', '--verbose', '--api-version', '2021-03-07'], {
      cwd: workDir,
      env,
    });
    expect(fromFlag.stderr).toMatch(/api-version=2021-03-07 -> 201/);
  });
});

describe.concurrent('user delete and token revoke', () => {
  it('refuses to delete without --yes when stdin is not a terminal (exit 2, nothing deleted)', async () => {
    const user = await newUser();
    const run = await cli(['user', 'delete', '--user', user]);
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'CONFIRMATION_REQUIRED');
    expect((await cli(['token', 'issue', '--scope', 'chat', '--user', user])).code).toBe(0);
  });

  it('deletes with --yes, prints nothing, and the user is then not found (exit 3)', async () => {
    const user = await newUser();
    const run = await cli(['user', 'delete', '--user', user, '--yes']);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    const after = await cli(['token', 'issue', '--scope', 'chat', '--user', user]);
    expect(after.code).toBe(3);
    expectOneErrorLine(after, 'NOT_FOUND');
  });

  it('refuses to revoke without --yes when stdin is not a terminal', async () => {
    const run = await cli(['token', 'revoke', '--user', await newUser()]);
    expect(run.code).toBe(2);
    expectOneErrorLine(run, 'CONFIRMATION_REQUIRED');
  });

  it('revokes with -y: the earlier token is no longer valid', async () => {
    const issued = json(await cli(['token', 'issue', '--scope', 'chat']));
    const run = await cli(['token', 'revoke', '--user', String(issued.user_id), '-y']);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(await verifyToken(String(issued.token))).toMatchObject({ valid: false, reason: 'revoked' });
  });

  it.each([
    ['token', 'revoke'],
    ['user', 'delete'],
  ])(
    '%s %s rejects a malformed --user before asking or calling the service (exit 2)',
    async (group, command) => {
      const run = await cli([group, command, '--user', 'bob']);
      expect(run.code).toBe(2);
      expectOneErrorLine(run, 'INVALID_INPUT');
      expect(run.stderr).toContain('--user');
    },
  );
});

/** Runs the CLI on a pseudo-terminal through util-linux `script`, typing `input`. */
function onTerminal(args: readonly string[], input: string): Promise<CliRun> {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return runCommand('script', ['-qec', command, '/dev/null'], { cwd: workDir, input });
}

describe.concurrent('confirmation on a terminal', () => {
  it('deletes after the user answers y', async () => {
    const user = await newUser();
    const run = await onTerminal(['user', 'delete', '--user', user], 'y\n');
    expect(run.stdout).toContain(`Delete the user ${user} and revoke its tokens? [y/N]`);
    expect(run.code).toBe(0);
    expect((await cli(['token', 'issue', '--scope', 'chat', '--user', user])).code).toBe(3);
  });

  it('draws a progress bar on a terminal while creating many users', async () => {
    const run = await onTerminal(['user', 'create', '--count', '4', '--concurrency', '2', '-o', 'none'], '');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('] 4/4');
    expect(run.stdout).toContain('\r[');
    expect(run.stdout).toMatch(/Created 4 of 4 users/);
  });

  it('changes nothing when the user answers n (exit 1, CANCELLED)', async () => {
    const user = await newUser();
    const run = await onTerminal(['token', 'revoke', '--user', user], 'n\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[CANCELLED]');
  });
});

describe.concurrent('token get-for-teams-user', () => {
  it('sends the exchange to the service and reports its answer as one error line, never echoing the Entra token', async () => {
    const aadToken = `eyJhbGciOiJub25lIn0.${Buffer.from('{"oid":"x"}').toString('base64url')}.entra-secret-part`;
    const run = await cli([
      'token',
      'get-for-teams-user',
      '--aad-token',
      aadToken,
      '--client',
      '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11',
      '--aad-user',
      '6f1e2d3c-1111-4222-8333-944455566677',
      '--debug',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /POST https:\/\/127\.0\.0\.1:\d+\/teamsUser\/:exchangeAccessToken\?api-version=2023-10-01 -> \d{3}/,
    );
    expect(run.stderr).toMatch(/^ERROR \[[A-Z_]+\] /m);
    expect(run.stderr).not.toContain('entra-secret-part');
    expect(run.stdout).toBe('');
  });
});

describe('--debug', () => {
  it('logs the requests but never the access key, connection string, signature or tokens', async () => {
    const key = emulator.info.connectionString.split(/accesskey=/i)[1] ?? '';
    expect(key.length).toBeGreaterThan(10);
    const run = await runCli(['token', 'issue', '--scope', 'chat', ...explicit, '--debug'], {
      cwd: emptyDir,
    });
    expect(run.code).toBe(0);
    const { token } = json(run);
    expect(run.stderr).toMatch(
      /DEBUG: POST https:\/\/127\.0\.0\.1:\d+\/identities\?api-version=2023-10-01 -> 201/,
    );
    for (const secret of [key, emulator.info.connectionString, String(token), String(token).split('.')[2]]) {
      expect(run.stderr).not.toContain(secret);
    }
    expect(run.stderr).not.toMatch(/Signature=[^*]/);
    expect(run.stderr).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('shows the stack of a service error with secrets redacted', async () => {
    const wrongKey = Buffer.from('another-wrong-key-for-the-debug-test').toString('base64');
    const run = await runCli(
      [
        'user',
        'create',
        '--connection-string',
        `endpoint=${emulator.info.endpoint};accesskey=${wrongKey}`,
        '--ca-cert',
        emulator.info.caCertFile ?? '',
        '--debug',
      ],
      { cwd: emptyDir },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n(DEBUG: )?\s*at /);
    expect(run.stderr).not.toContain(wrongKey);
  });
});
