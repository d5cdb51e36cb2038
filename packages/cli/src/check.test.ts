import { describe, expect, it } from 'vitest';
import { checkCommandLine, isFlag } from './check.js';
import { replaceDeprecatedCommand } from './deprecated.js';
import { DEPRECATED_COMMANDS } from './options.js';

describe('checkCommandLine', () => {
  it('says a misspelled command word is not recognized and suggests the right one, as az does', () => {
    expect(checkCommandLine(['tokn', 'issue', '--scope', 'chat'])).toEqual({
      kind: 'error',
      message: "'tokn' is misspelled or not recognized by the system. Did you mean 'token'?",
      hint: 'See `acs-identity --help` for the commands.',
    });
    expect(checkCommandLine(['token', 'isue', '--scope', 'chat'])).toMatchObject({
      message: "'isue' is misspelled or not recognized by the system. Did you mean 'issue'?",
      hint: 'See `acs-identity token --help` for the commands.',
    });
    expect(checkCommandLine(['emulator', 'role', 'asign'])).toMatchObject({
      message: expect.stringContaining("Did you mean 'assign'?"),
    });
  });

  it('names an unknown option and the one it most likely meant', () => {
    expect(checkCommandLine(['token', 'issue', '--scpoe', 'chat'])).toEqual({
      kind: 'error',
      message: "Unknown argument: --scpoe. Did you mean '--scope'?",
      hint: 'See `acs-identity token issue --help` for the options.',
    });
    expect(checkCommandLine(['user', 'create', '--outptu=json'])).toMatchObject({
      message: "Unknown argument: --outptu. Did you mean '--output'?",
    });
    expect(checkCommandLine(['--frobnicate'])).toMatchObject({ message: 'Unknown argument: --frobnicate.' });
    expect(checkCommandLine(['--frob', 'token', 'issue', '--scope', 'chat'])).toMatchObject({
      message: 'Unknown argument: --frob.',
    });
  });

  it('accepts what the command declares: aliases, --no- booleans, values of any shape, words after --', () => {
    const fine = { kind: 'checked', warnings: [] };
    expect(
      checkCommandLine(['token', 'issue', '--scope', 'chat', 'voip', '-o', 'tsv', '--query=token']),
    ).toEqual(fine);
    expect(checkCommandLine(['emulator', 'start', '--no-rate-limits', '--workers', '-1'])).toEqual(fine);
    expect(checkCommandLine(['resource', 'identity', 'show', '-n', 'acs', '-g', 'rg'])).toEqual(fine);
    expect(checkCommandLine(['-o', 'json', 'identifier', 'parse', 'x'])).toEqual(fine);
    expect(checkCommandLine(['token', 'decode', '--', '--not-an-option'])).toEqual(fine);
    expect(checkCommandLine(['token', 'revoke', '-y', '--user', 'u'])).toEqual(fine);
  });

  it('leaves to the parser what only it decides: a missing command, completion', () => {
    expect(checkCommandLine(['token'])).toEqual({ kind: 'checked', warnings: [] });
    expect(checkCommandLine(['completion'])).toEqual({ kind: 'checked', warnings: [] });
    expect(checkCommandLine(['--get-yargs-completions', 'acs-identity', 'tok'])).toEqual({
      kind: 'checked',
      warnings: [],
    });
  });

  it('says which argument is missing', () => {
    expect(checkCommandLine(['identifier', 'parse', '-o', 'tsv'])).toEqual({
      kind: 'error',
      message:
        'identifier parse needs its argument <raw-id>: A raw id, e.g. 8:acs:..., 8:orgid:..., 28:orgid:..., 4:+1...',
      hint: 'Usage: acs-identity identifier parse <raw-id> [options], e.g. acs-identity identifier parse 4:+112345556789.',
    });
    expect(checkCommandLine(['token', 'decode'])).toEqual({ kind: 'checked', warnings: [] });
  });

  it("warns about az's deprecated flag names", () => {
    expect(checkCommandLine(['token', 'issue', '-s', 'chat', '--userid', '8:acs:x'])).toEqual({
      kind: 'checked',
      warnings: [
        "Option '-s' has been deprecated and will be removed in a future release. Use '--scope' instead.",
        "Option '--userid' has been deprecated and will be removed in a future release. Use '--user' instead.",
      ],
    });
  });

  it('warns about an old flag that meant the negation of a renamed one, naming what it means now', () => {
    expect(checkCommandLine(['emulator', 'start', '--http', '--port', '0'])).toEqual({
      kind: 'checked',
      warnings: [
        "Option '--http' has been deprecated and will be removed in a future release. Use '--no-tls' instead.",
      ],
    });
    expect(checkCommandLine(['emulator', 'start', '--no-http'])).toMatchObject({
      warnings: [
        "Option '--no-http' has been deprecated and will be removed in a future release. Use '--tls' instead.",
      ],
    });
  });
});

describe('replaceDeprecatedCommand', () => {
  it("runs az's deprecated issue-access-token as token issue, with az's warning", () => {
    expect(replaceDeprecatedCommand(['issue-access-token', '--scope', 'chat'], DEPRECATED_COMMANDS)).toEqual({
      argv: ['token', 'issue', '--scope', 'chat'],
      warnings: [
        "This command has been deprecated and will be removed in a future release. Use 'acs-identity token issue' instead.",
      ],
    });
    expect(replaceDeprecatedCommand(['token', 'issue'], DEPRECATED_COMMANDS)).toEqual({
      argv: ['token', 'issue'],
      warnings: [],
    });
  });
});

describe('isFlag', () => {
  it('tells options from values: - and negative numbers are values', () => {
    expect(['-o', '--output', '--output=json', '-yo'].map(isFlag)).toEqual([true, true, true, true]);
    expect(['-', '-1', '-0.5', 'chat'].map(isFlag)).toEqual([false, false, false, false]);
  });
});
