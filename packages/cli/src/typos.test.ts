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
