import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * The files a module imports statically, transitively (dynamic imports are loaded only when reached), following
 * relative paths and packages (resolved as Node does); Node's built-ins are left out.
 */
function staticGraph(file: URL, seen = new Set<string>()): Set<string> {
  if (seen.has(file.href)) return seen;
  seen.add(file.href);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/(?:^|[;\s}])import\s*(?:[^'"()]*?from\s*)?["']([^"']+)["']/g)) {
    const specifier = match[1] as string;
    if (specifier.startsWith('node:') || isBuiltin(specifier)) continue;
    const next = specifier.startsWith('.')
      ? new URL(specifier, file)
      : pathToFileURL(createRequire(file).resolve(specifier));
    staticGraph(next, seen);
  }
  return seen;
}

const entry = new URL('../dist/bundle/main.js', import.meta.url);

/** What a fast-path command line must not load: parsers, SDKs, servers, databases. */
const HEAVY = {
  files: [
    /[\\/]packages[\\/](emulator|graphql)[\\/]dist[\\/]index\.js$/,
    /[\\/]node_modules[\\/](yargs|@azure|graphql-yoga|graphql|better-sqlite3|pg|jose|@peculiar)[\\/]/,
  ],
  markers: ['YargsInstance', 'CommunicationIdentityClient', 'createYoga', 'GraphQLSchema', 'better-sqlite3'],
};

describe('the bundled bin', () => {
  it('loads neither yargs nor the Azure SDK for help, the version or an option-free command line', () => {
    const loaded = [...staticGraph(entry)].map((href) => readFileSync(new URL(href), 'utf8')).join('\n');
    expect(loaded).toContain('acs-identity');
    expect(loaded).not.toContain('YargsInstance');
    expect(loaded).not.toContain('CommunicationIdentityClient');
  });

  it("reads the emulator's and the gateway's option tables without their packages' main entries or servers", () => {
    const files = [...staticGraph(entry)].map((href) => fileURLToPath(href));
    const loaded = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    // The tables are there (help and the parser need them)...
    expect(loaded).toContain('EMULATOR_DATABASE_URL');
    expect(loaded).toContain('GATEWAY_OIDC_ISSUER');
    // ...and nothing heavy came with them.
    expect(files.filter((file) => HEAVY.files.some((heavy) => heavy.test(file)))).toEqual([]);
    expect(HEAVY.markers.filter((marker) => loaded.includes(marker))).toEqual([]);
    expect(loaded).not.toMatch(/from\s*["']@acs-identity\/(emulator|graphql)["']/);
  });

  it("reads the entry's own modules from one chunk besides the entry file (build.mjs: one-entry-chunk)", () => {
    expect(staticGraph(entry).size).toBeLessThanOrEqual(2);
  });
});

describe('the light /options subpaths of the emulator and the gateway', () => {
  it.each(['@acs-identity/emulator/options', '@acs-identity/graphql/options'])(
    '%s loads only its table, its parsers and core',
    (subpath) => {
      const file = pathToFileURL(createRequire(import.meta.url).resolve(subpath));
      const files = [...staticGraph(file)].map((href) => fileURLToPath(href));
      expect(files.filter((f) => !/[\\/]packages[\\/](core|emulator|graphql)[\\/]dist[\\/]/.test(f))).toEqual(
        [],
      );
      expect(files.filter((f) => HEAVY.files.some((heavy) => heavy.test(f)))).toEqual([]);
      expect(files.length).toBeLessThan(20);
    },
  );
});
