import type { OptionDefinition, OptionTable } from '@acs-identity/core';
import { EMULATOR_OPTIONS } from '@acs-identity/emulator/options';
import { GATEWAY_OPTIONS } from '@acs-identity/graphql/options';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../command-line.js';
import { BUILTIN_OPTIONS, GLOBAL_OPTIONS } from '../global-options.js';
import type { CommandSpec } from '../spec.js';
import {
  EMULATOR_ENTRA_TOKEN,
  EMULATOR_ROLE_ASSIGN,
  EMULATOR_ROLE_LIST,
  EMULATOR_ROLE_REMOVE,
  EMULATOR_ROTATE_KEY,
  EMULATOR_START,
} from './emulator.js';
import { GATEWAY_START } from './gateway.js';

const flagged = <O>(table: OptionTable<O>) =>
  Object.entries<OptionDefinition<unknown>>(table).filter(
    (entry): entry is [string, OptionDefinition<unknown> & { flag: string }] => entry[1].flag !== undefined,
  );

describe.each([
  ['emulator start', EMULATOR_START as CommandSpec, EMULATOR_OPTIONS as OptionTable<unknown>],
  ['gateway start', GATEWAY_START as CommandSpec, GATEWAY_OPTIONS as OptionTable<unknown>],
])('%s', (_, spec, table) => {
  it("declares exactly the flags of the package's table, with its variables, defaults and parsers", () => {
    expect(Object.keys(spec.options)).toEqual(flagged(table).map(([, d]) => d.flag));
    for (const [key, d] of flagged(table)) {
      const option = spec.options[d.flag];
      expect(option, d.flag).toMatchObject({ key, description: d.description, env: d.env });
      expect(option?.parse, d.flag).toBe(d.parse);
      expect(option?.alias, d.flag).toEqual(d.alias);
      if (typeof d.default !== 'object' && typeof d.default !== 'function') {
        expect(option?.default, d.flag).toBe(d.default);
      }
    }
  });

  it('leaves the options without a flag (callbacks, objects, admin keys) to the API and the environment', () => {
    const flagless = Object.keys(table).filter((key) => !flagged(table).some(([k]) => k === key));
    expect(flagless.length).toBeGreaterThan(0);
    for (const key of flagless) {
      expect(Object.values(spec.options).some((option) => option.key === key)).toBe(false);
    }
  });

  it('has no flag or short flag that a global option has', () => {
    const taken = Object.entries({ ...GLOBAL_OPTIONS, ...BUILTIN_OPTIONS }).flatMap(([name, o]) => [
      name,
      ...('alias' in o ? o.alias : []),
    ]);
    const own = Object.entries(spec.options).flatMap(([name, o]) => [name, ...(o.alias ?? [])]);
    expect(own.filter((name) => taken.includes(name))).toEqual([]);
  });
});

describe('the commands that work on the emulator’s state', () => {
  it.each([
    EMULATOR_ROTATE_KEY,
    EMULATOR_ENTRA_TOKEN,
    EMULATOR_ROLE_ASSIGN,
    EMULATOR_ROLE_REMOVE,
    EMULATOR_ROLE_LIST,
  ])("take --data-dir, --database-url and --database-schema from the emulator's table", (spec) => {
    for (const key of ['dataDir', 'databaseUrl', 'databaseSchema'] as const) {
      const d = EMULATOR_OPTIONS[key];
      expect((spec.options as CommandSpec['options'])[d.flag ?? '']).toMatchObject({ key, env: d.env });
    }
  });
});

describe('old spellings', () => {
  it('reads --http as --no-tls, with the warning az gives for a renamed flag', async () => {
    const outcome = await parseCommandLine(['emulator', 'start', '--http'], () => '1');
    expect(outcome).toMatchObject({ kind: 'command', args: { tls: false }, sources: { tls: 'option' } });
    expect(outcome.kind === 'command' && outcome.warnings).toEqual([
      "Option '--http' has been deprecated and will be removed in a future release. Use '--no-tls' instead.",
    ]);
    expect(await parseCommandLine(['emulator', 'start', '--no-tls'], () => '1')).toMatchObject({
      args: { tls: false },
      warnings: [],
    });
    expect(await parseCommandLine(['emulator', 'start', '--port', '0'], () => '1')).toMatchObject({
      args: { tls: true },
      sources: { tls: 'default' },
    });
  });

  it.each([
    [['emulator', 'start'], 'DATABASE_URL', 'EMULATOR_DATABASE_URL', 'database-url', 'postgres://h/db'],
    [['emulator', 'rotate-key'], 'DATABASE_URL', 'EMULATOR_DATABASE_URL', 'database-url', 'postgres://h/db'],
    [['gateway', 'start'], 'GATEWAY_DATA_DIR', 'ACS_IDENTITY_DATA_DIR', 'data-dir', 'state'],
  ])(
    '%j still reads %s, with a deprecation warning, unless %s is set',
    async (words, old, current, flag, value) => {
      const withOld = await parseCommandLine(words, () => '1', 80, { [old]: value });
      expect(withOld).toMatchObject({ kind: 'command', args: { [flag]: value }, sources: { [flag]: 'env' } });
      expect(withOld.kind === 'command' && withOld.warnings).toEqual([
        `Environment variable '${old}' has been deprecated and will be removed in a future release. Use '${current}' instead.`,
      ]);
      const withBoth = await parseCommandLine(words, () => '1', 80, { [old]: 'ignored', [current]: value });
      expect(withBoth).toMatchObject({ args: { [flag]: value }, warnings: [] });
    },
  );
});
