import { API_VERSIONS } from '@acs-identity/core';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './command-line.js';
import { COMMANDS, GLOBAL_OPTIONS } from './options.js';

describe('options', () => {
  it("offers exactly core's api-versions", () => {
    expect([...GLOBAL_OPTIONS['api-version'].choices]).toEqual([...API_VERSIONS]);
  });

  it('keeps az flag names for the az commands', () => {
    const flags = Object.fromEntries(COMMANDS.map((c) => [c.path.join(' '), Object.keys(c.options)]));
    expect(flags['user delete']).toEqual(['user', 'yes']);
    expect(flags['token issue']).toEqual(expect.arrayContaining(['scope', 'user']));
    expect(flags['token revoke']).toEqual(['user', 'yes']);
    expect(flags['token get-for-teams-user']).toEqual(['aad-token', 'client', 'aad-user']);
    for (const verb of ['assign', 'remove']) {
      expect(flags[`resource identity ${verb}`]).toEqual(
        expect.arrayContaining(['system-assigned', 'user-assigned', 'name', 'resource-group']),
      );
    }
  });

  it('parses three-word commands with az short flags', async () => {
    expect(
      await parseCommandLine(['resource', 'identity', 'show', '-n', 'acs', '-g', 'rg'], () => '1'),
    ).toMatchObject({
      kind: 'command',
      id: 'resource identity show',
      args: { name: 'acs', 'resource-group': 'rg' },
    });
    expect(await parseCommandLine(['emulator', 'role'], () => '1')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('emulator role assign'),
    });
  });
});

describe('help text', () => {
  it.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))(
    'of %s lists every option with its description',
    async (_, command) => {
      const outcome = await parseCommandLine([...command.path, '--help'], () => '1');
      expect(outcome.kind).toBe('text');
      const text = outcome.kind === 'text' ? outcome.text.replace(/\s+/g, ' ') : '';
      expect(text).toContain(command.summary);
      for (const [name, spec] of Object.entries(command.options)) {
        expect(text).toContain(`--${name}`);
        expect(text).toContain(spec.description.slice(0, 30).replace(/\s+/g, ' '));
      }
    },
  );
});

describe('parseCommandLine', () => {
  it('collects space separated scopes like az', async () => {
    const outcome = await parseCommandLine(
      ['token', 'issue', '--scope', 'chat', 'voip', '--user', '8:acs:x'],
      () => '1',
    );
    expect(outcome).toMatchObject({
      kind: 'command',
      id: 'token issue',
      args: { scope: ['chat', 'voip'], user: '8:acs:x' },
    });
  });

  it('refuses an option given twice', async () => {
    expect(await parseCommandLine(['user', 'delete', '--user', 'a', '--user', 'b'], () => '1')).toEqual({
      kind: 'error',
      message: '--user was given more than once; give it once',
    });
  });

  it('keeps raw ids that look like numbers as strings', async () => {
    expect(await parseCommandLine(['identifier', 'parse', '4:+1234'], () => '1')).toMatchObject({
      args: { 'raw-id': '4:+1234' },
    });
  });

  it('defaults the output to json', async () => {
    expect(await parseCommandLine(['identifier', 'parse', 'x'], () => '1')).toMatchObject({
      args: { output: 'json' },
    });
  });
});
