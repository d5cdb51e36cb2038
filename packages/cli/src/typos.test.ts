import { describe, expect, it, vi } from 'vitest';

// The yargs parser must not be loaded to answer a typo: loading it fails this file.
vi.mock('./parser.js', () => {
  throw new Error('the yargs parser was loaded');
});

const { parseCommandLine } = await import('./command-line.js');

describe('typos, answered without yargs', () => {
  it.each([
    [['tokn', 'issue', '--scope', 'chat'], "Did you mean 'token'?"],
    [['token', 'isue', '--scope', 'chat'], "Did you mean 'issue'?"],
    [['token', 'issue', '--scpoe', 'chat'], "Did you mean '--scope'?"],
    [['identifier', 'parse', '-o', 'tsv'], 'needs its argument <raw-id>'],
    [['user', 'shwo', '--user', 'x'], "Did you mean 'show'?"],
    [['user', 'create', '--custom-di', 'x'], "Did you mean '--custom-id'?"],
    [['teams-extention', 'assignment', 'show'], "Did you mean 'teams-extension'?"],
    [['entra', 'asignment', 'list'], "Did you mean 'assignment'?"],
    [['entra', 'assignment', 'updte', '--object-id', 'x'], "Did you mean 'update'?"],
    [['token', 'get-for-entra-usr', '--entra-token', 'x'], "Did you mean 'get-for-entra-user'?"],
    [['token', 'get-for-entra-user', '--entra-tokn', 'x'], "Did you mean '--entra-token'?"],
    [['emulator', 'entra', 'token', '--entra-usr', 'x'], "Did you mean '--entra-user'?"],
  ])('%j', async (argv, message) => {
    await expect(parseCommandLine(argv, () => '1')).resolves.toMatchObject({
      kind: 'error',
      message: expect.stringContaining(message),
    });
  });

  it('and yargs is what this file stops loading', async () => {
    await expect(parseCommandLine(['token', 'issue', '--scope', 'chat'], () => '1')).rejects.toThrow();
  });
});
