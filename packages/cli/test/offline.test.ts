import { describe, expect, it } from 'vitest';
import { json, runCli } from './run-cli.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token shaped like an ACS token (decode never verifies). */
function fakeAcsToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`;
}

const USER = '8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481-1c1c-4005-be24-0ffb879b1130';

describe('acs-identity (offline)', () => {
  it('prints help listing every command group and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const group of ['user', 'token', 'identifier', 'emulator', 'gateway', 'completion']) {
      expect(run.stdout).toContain(`acs-identity ${group}`);
    }
    expect(run.stderr).toBe('');
  });

  it('prints the version', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('rejects an unknown command with one error line and exit code 2', async () => {
    const run = await runCli(['user', 'frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    // Issue 18 item 5: az's wording for a command word it does not know (was yargs' "Unknown argument: frobnicate").
    expect(run.stderr).toMatch(
      /^ERROR \[USAGE\] 'frobnicate' is misspelled or not recognized by the system\. Hint: /,
    );
  });

  it('rejects a missing required option with exit code 2', async () => {
    const run = await runCli(['user', 'delete']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ERROR [USAGE] Missing required argument: user');
  });

  it('rejects an output format az does not have', async () => {
    const run = await runCli(['identifier', 'parse', USER, '-o', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[USAGE] Invalid values');
  });

  it('refuses a bad value of a documented variable as INVALID_OPTIONS, naming the variable', async () => {
    const run = await runCli(['identifier', 'parse', USER], {
      env: { ACS_IDENTITY_API_VERSION: '1999-01-01' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ERROR \[INVALID_OPTIONS\] ACS_IDENTITY_API_VERSION: "1999-01-01" is not one of 2021-03-07, /,
    );
  });

  it('rejects a non-numeric --count before doing anything', async () => {
    const run = await runCli(['user', 'create', '--count', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--count must be a number');
  });

  it('parses a communication user id', async () => {
    const run = await runCli(['identifier', 'parse', USER]);
    expect(run.code).toBe(0);
    expect(json(run)).toEqual({ communicationUserId: USER, kind: 'communicationUser', rawId: USER });
  });

  it.each([
    [
      '8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130',
      { kind: 'microsoftTeamsUser', cloud: 'public', isAnonymous: false },
    ],
    [
      '8:teamsvisitor:45ab2481-1c1c-4005-be24-0ffb879b1130',
      { kind: 'microsoftTeamsUser', isAnonymous: true },
    ],
    ['28:gcch:01234567-89ab-cdef-0123-456789abcdef', { kind: 'microsoftTeamsApp', cloud: 'gcch' }],
    ['4:+112345556789', { kind: 'phoneNumber', phoneNumber: '+112345556789', isAnonymous: false }],
    ['4:anonymous', { kind: 'phoneNumber', isAnonymous: true }],
    ['48:something', { kind: 'unknown', id: '48:something' }],
  ])('parses %s with its kind and fields', async (rawId, expected) => {
    const run = await runCli(['identifier', 'parse', rawId]);
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({ ...expected, rawId });
  });

  it('prints a bare value with --query rawId -o tsv, as scripts use it', async () => {
    const run = await runCli(['identifier', 'parse', USER, '--query', 'rawId', '-o', 'tsv']);
    expect(run).toMatchObject({ code: 0, stdout: `${USER}\n`, stderr: '' });
  });

  it('prints a JSON string for --query with the default output', async () => {
    const run = await runCli(['identifier', 'parse', USER, '--query', 'kind']);
    expect(run.stdout).toBe('"communicationUser"\n');
  });

  it('reports an invalid JMESPath expression as a usage error', async () => {
    const run = await runCli(['identifier', 'parse', USER, '--query', '[']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ERROR [USAGE] Invalid --query "["');
  });

  it.each([
    ['json', (out: string) => expect(JSON.parse(out)).toMatchObject({ kind: 'phoneNumber' })],
    [
      'jsonc',
      (out: string) => expect(out).toContain('\u001b[94m"kind"\u001b[0m: \u001b[32m"phoneNumber"\u001b[0m'),
    ],
    ['yaml', (out: string) => expect(out).toContain('kind: phoneNumber\n')],
    ['yamlc', (out: string) => expect(out).toContain('\u001b[94mkind\u001b[0m: phoneNumber')],
    ['tsv', (out: string) => expect(out).toBe('false\tphoneNumber\t+112345556789\t4:+112345556789\n')],
    [
      'table',
      (out: string) =>
        expect(out.split('\n').slice(0, 2)).toEqual([
          'IsAnonymous  Kind         PhoneNumber    RawId',
          '-----------  -----------  -------------  ---------------',
        ]),
    ],
    ['none', (out: string) => expect(out).toBe('')],
  ])('renders -o %s', async (format, check) => {
    const run = await runCli(['identifier', 'parse', '4:+112345556789', '-o', format]);
    expect(run.code).toBe(0);
    check(run.stdout);
  });

  it('decodes a token without claiming to verify it', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const token = fakeAcsToken({ skypeid: USER.slice(2), acsScope: 'chat,voip', iat, exp: iat + 3600 });
    const run = await runCli(['token', 'decode', token]);
    expect(run.code).toBe(0);
    const out = json(run);
    expect(out).toMatchObject({
      user_id: USER,
      scopes: ['chat', 'voip'],
      verified: false,
      expired: false,
      expires_on: new Date((iat + 3600) * 1000).toISOString(),
      issued_at: new Date(iat * 1000).toISOString(),
      header: { alg: 'RS256', kid: 'k1', typ: 'JWT' },
    });
    expect(out.seconds_left).toBeGreaterThan(3500);
  });

  it('reads the token from stdin with -, one tsv line per list item', async () => {
    const token = fakeAcsToken({ skypeid: USER.slice(2), exp: 1_000 });
    const run = await runCli(['token', 'decode', '-', '--query', '[user_id, expired]', '-o', 'tsv'], {
      input: `${token}\n`,
    });
    expect(run).toMatchObject({ code: 0, stdout: `${USER}\ntrue\n` });
  });

  it('reads the token from stdin when no argument is given', async () => {
    const token = fakeAcsToken({ skypeid: USER.slice(2), exp: 1_000 });
    const run = await runCli(['token', 'decode', '--query', '[[user_id, expired]]', '-o', 'tsv'], {
      input: token,
    });
    expect(run).toMatchObject({ code: 0, stdout: `${USER}\ttrue\n` });
  });

  it('rejects something that is not a JWT as invalid input (exit 2) without echoing it', async () => {
    const run = await runCli(['token', 'decode', 'not-a-token-secret-value']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERROR \[INVALID_INPUT\] /);
    expect(run.stderr).not.toContain('not-a-token-secret-value');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the stack of an error only with --debug', async () => {
    const run = await runCli(['token', 'decode', 'garbage', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n(DEBUG: )?\s*at /);
  });

  it('prints a bash completion script', async () => {
    const run = await runCli(['completion']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'complete -o bashdefault -o default -F _acs-identity_yargs_completions acs-identity',
    );
  });

  it('completes sub-commands', async () => {
    const run = await runCli(['--get-yargs-completions', 'acs-identity', 'token', '']);
    expect(run.stdout.split('\n')).toEqual(
      expect.arrayContaining(['issue', 'revoke', 'get-for-teams-user', 'decode']),
    );
  });
});
