import { describe, expect, it } from 'vitest';
import { helpTarget, helpWidth, renderHelp, wantsHelp, wantsVersion, wrap } from './help.js';
import {
  COMMAND_GROUPS,
  COMMAND_SUBGROUPS,
  COMMANDS,
  CONNECTION_OPTIONS,
  GLOBAL_OPTIONS,
} from './options.js';

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('wantsHelp and wantsVersion', () => {
  it('see --help and -h anywhere before --, as yargs does', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['token', 'issue', '--scope', 'chat', '-h'])).toBe(true);
    expect(wantsHelp(['token', 'decode', '--', '--help'])).toBe(false);
    expect(wantsHelp(['token', 'issue'])).toBe(false);
    expect(wantsVersion(['token', '--version'])).toBe(true);
    expect(wantsVersion(['identifier', 'parse', '--', '--version'])).toBe(false);
  });
});

describe('helpTarget', () => {
  it('walks the leading words to the deepest known command or group', () => {
    expect(helpTarget(['--help'])).toEqual({ kind: 'root' });
    expect(helpTarget(['frobnicate', '--help'])).toEqual({ kind: 'root' });
    expect(helpTarget(['token', '--help'])).toEqual({ kind: 'group', path: ['token'] });
    expect(helpTarget(['token', 'frobnicate', '--help'])).toEqual({ kind: 'group', path: ['token'] });
    expect(helpTarget(['emulator', 'role', '-h'])).toEqual({ kind: 'group', path: ['emulator', 'role'] });
    expect(helpTarget(['emulator', 'role', 'assign', '--help'])).toMatchObject({
      kind: 'command',
      spec: { path: ['emulator', 'role', 'assign'] },
    });
    expect(helpTarget(['token', 'issue', '--scope', 'chat', '--help'])).toMatchObject({
      kind: 'command',
      spec: { path: ['token', 'issue'] },
    });
  });
});

describe('renderHelp', () => {
  it.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))(
    'of %s shows its usage, every option with what the parser enforces, and its examples',
    (id, spec) => {
      const text = renderHelp({ kind: 'command', spec }, 100);
      expect(text.startsWith(`acs-identity ${id}`)).toBe(true);
      const options = {
        ...spec.options,
        ...((spec.groups as readonly string[]).includes('connection') ? CONNECTION_OPTIONS : {}),
        ...GLOBAL_OPTIONS,
      };
      for (const [name, option] of Object.entries(options)) {
        expect(text).toContain(`--${name}`);
        expect(flat(text)).toContain(flat(option.description));
        if ('env' in option && option.env) expect(flat(text)).toContain(`Env: ${option.env}.`);
      }
      for (const [example] of spec.examples) expect(text).toContain(example);
      expect(text).toContain('-h, --help');
    },
  );

  it('marks required options and lists choices and defaults', () => {
    const issue = COMMANDS.find((c) => c.path.join(' ') === 'token issue');
    const text = flat(renderHelp({ kind: 'command', spec: issue as (typeof COMMANDS)[number] }, 100));
    expect(text).toMatch(/--scope <scope\.\.\.> .*\[required\]/);
    expect(text).toContain('[choices: json, jsonc, table, tsv, yaml, yamlc, none] [default: json]');
  });

  it('lists the api-versions of a command of newer operations, and of an option that needs one', () => {
    const spec = (id: string) => COMMANDS.find((c) => c.path.join(' ') === id) as (typeof COMMANDS)[number];
    const teams = flat(
      renderHelp({ kind: 'command', spec: spec('token get-for-teams-extension-user') }, 100),
    );
    expect(teams).toContain(
      'api-versions with Teams Phone extensibility (Teams Extension): 2025-03-02-preview, 2025-06-30 (default), 2026-07-22, 2026-09-23.',
    );
    const create = flat(renderHelp({ kind: 'command', spec: spec('user create') }, 100));
    expect(create).toMatch(/--custom-id <id> .*\[api-versions: 2025-03-02-preview \(default\)\]/);
    expect(create).not.toContain('api-versions with');
  });

  it('lists every group at the top and every command of a group', () => {
    const root = renderHelp({ kind: 'root' }, 100);
    for (const group of [...Object.keys(COMMAND_GROUPS), 'completion']) {
      expect(root).toContain(`acs-identity ${group} `);
    }
    const token = renderHelp({ kind: 'group', path: ['token'] }, 100);
    for (const spec of COMMANDS.filter((c) => c.path[0] === 'token')) {
      expect(token).toContain(`acs-identity ${spec.path.join(' ')}`);
    }
    const emulator = renderHelp({ kind: 'group', path: ['emulator'] }, 100);
    for (const sub of Object.keys(COMMAND_SUBGROUPS).filter((s) => s.startsWith('emulator '))) {
      expect(emulator).toContain(`acs-identity ${sub} `);
    }
    const entra = renderHelp({ kind: 'group', path: ['entra', 'assignment'] }, 100);
    for (const verb of ['list', 'show', 'set', 'update', 'delete']) {
      expect(entra).toContain(`acs-identity entra assignment ${verb} `);
    }
  });

  it.each([40, 60, 80, 100, 120])('keeps every line above the examples within %i columns', (width) => {
    for (const spec of COMMANDS) {
      const text = renderHelp({ kind: 'command', spec }, width).split('\nExamples:')[0] ?? '';
      for (const line of text.split('\n')) {
        // A single word longer than the column (a URL, a long flag) may overflow; nothing else does.
        if (line.length > width) expect(line.trim()).not.toContain(' ');
      }
    }
  });
});

describe('wrap and helpWidth', () => {
  it('packs words into lines and gives an over-long word its own line', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('a averyveryverylongword b', 5)).toEqual(['a', 'averyveryverylongword', 'b']);
    expect(wrap('  ', 10)).toEqual([]);
  });

  it('uses the terminal width up to 120 columns, and 100 when not on a terminal', () => {
    expect(helpWidth(undefined)).toBe(100);
    expect(helpWidth(80)).toBe(80);
    expect(helpWidth(200)).toBe(120);
  });
});
