import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseWithoutOptions } from './command-line.js';
import { COMMANDS } from './options.js';
import { parseWithYargs } from './parser.js';

const sampleArgv = (spec: (typeof COMMANDS)[number]): string[] => [
  ...spec.path,
  ...('positional' in spec ? ['8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_45ab2481'] : []),
];

describe('parseWithoutOptions', () => {
  it.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))(
    'gives what yargs gives for `%s` with no option, or leaves it to yargs',
    (_, spec) => {
      const argv = sampleArgv(spec);
      const direct = parseWithoutOptions(argv);
      const yargs = parseWithYargs(argv);
      if (direct === undefined) {
        // Only commands with a required option are left to yargs, which then reports the missing option.
        expect(yargs).toMatchObject({ kind: 'error', message: expect.stringContaining('Missing required') });
        return;
      }
      expect(yargs.kind).toBe('command');
      expect(direct).toEqual(yargs);
    },
  );

  it.each([
    [['identifier', 'parse', '4:+1234']],
    [['identifier', 'parse', '42']],
    [['token', 'decode']],
    [['emulator', 'role', 'list']],
  ])('keeps `%s` equal to yargs, numbers as strings included', (argv) => {
    expect(parseWithoutOptions(argv)).toEqual(parseWithYargs(argv));
  });

  it.each([
    [['identifier', 'parse', 'x', '-o', 'tsv'], 'an option'],
    [['identifier', 'parse', ''], 'an empty word'],
    [['identifier', 'parse'], 'a missing positional'],
    [['identifier', 'parse', 'a', 'b'], 'an extra word'],
    [['user', 'frobnicate'], 'an unknown command'],
    [['token'], 'a group without a command'],
    [['user', 'delete'], 'a missing required option'],
    [[], 'nothing'],
  ])('leaves %s to yargs (%s)', (argv) => {
    expect(parseWithoutOptions(argv)).toBeUndefined();
  });
});

describe('parseCommandLine', () => {
  it('answers help and the version without parsing', async () => {
    await expect(parseCommandLine(['token', 'issue', '--help'], () => '9.9.9')).resolves.toMatchObject({
      kind: 'text',
      text: expect.stringContaining('acs-identity token issue'),
    });
    await expect(parseCommandLine(['--version'], () => '9.9.9')).resolves.toEqual({
      kind: 'text',
      text: '9.9.9',
    });
  });

  it('reports yargs errors for everything else', async () => {
    await expect(parseCommandLine(['identifier', 'parse', 'a', 'b'], () => '1')).resolves.toEqual({
      kind: 'error',
      message: 'Unknown argument: b',
    });
  });

  it('says a misspelled command word is not recognized, without yargs (issue 18 item 5)', async () => {
    await expect(parseCommandLine(['user', 'frobnicate'], () => '1')).resolves.toEqual({
      kind: 'error',
      message: "'frobnicate' is misspelled or not recognized by the system.",
      hint: 'See `acs-identity user --help` for the commands.',
    });
  });
});

describe('the bundled bin', () => {
  /** The files the entry imports statically, transitively (dynamic imports are loaded only when reached). */
  function staticGraph(file: URL, seen = new Set<string>()): Set<string> {
    if (seen.has(file.href)) return seen;
    seen.add(file.href);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:^|[;\s])import\s*(?:[^'"()]*?from\s*)?["'](\.\/[^"']+)["']/g)) {
      staticGraph(new URL(match[1] as string, file), seen);
    }
    return seen;
  }

  it('loads neither yargs nor the Azure SDK for help, the version or an option-free command line', () => {
    const entry = new URL('../dist/bundle/main.js', import.meta.url);
    const loaded = [...staticGraph(entry)].map((href) => readFileSync(new URL(href), 'utf8')).join('\n');
    expect(loaded).toContain('acs-identity');
    expect(loaded).not.toContain('YargsInstance');
    expect(loaded).not.toContain('CommunicationIdentityClient');
  });

  it("reads the entry's own modules from one chunk besides the entry file (build.mjs: one-entry-chunk)", () => {
    expect(staticGraph(new URL('../dist/bundle/main.js', import.meta.url)).size).toBeLessThanOrEqual(2);
  });
});
