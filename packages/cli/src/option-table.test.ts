import { type OptionTable, parsers } from '@acs-identity/core';
import { describe, expect, it } from 'vitest';
import { renderHelp } from './help.js';
import { optionFromDefinition, optionsFromTable, pickTable, tableValues, unreadEnv } from './option-table.js';
import { resolveArgs } from './resolve.js';
import type { CommandSpec } from './spec.js';

/** A sample surface, declared as a package declares its options. */
interface SampleOptions {
  port: number;
  host: string;
  verbose: boolean;
  scopes: string[];
  apiKey: string;
  onReady: () => void;
}

const SAMPLE: OptionTable<SampleOptions> = {
  port: {
    description: 'TCP port.',
    kind: 'number',
    flag: 'port',
    alias: ['p'],
    env: 'SAMPLE_PORT',
    default: 4000,
    placeholder: '<port>',
    parse: parsers.integer(0, 65_535),
  },
  host: {
    description: 'Interface.',
    kind: 'string',
    flag: 'host',
    default: '127.0.0.1',
    choices: ['127.0.0.1', '0.0.0.0'],
    parse: parsers.oneOf(['127.0.0.1', '0.0.0.0']),
  },
  verbose: {
    description: 'Say more.',
    kind: 'boolean',
    flag: 'verbose',
    hidden: true,
    parse: parsers.boolean(),
  },
  scopes: {
    description: 'Scopes.',
    kind: 'list',
    flag: 'scope',
    env: 'SAMPLE_SCOPES',
    defaultText: 'every scope',
    parse: parsers.list(parsers.text()),
  },
  apiKey: { description: 'Key.', kind: 'string', flag: 'api-key', secret: true, parse: parsers.text() },
  onReady: { description: 'Called when ready.', kind: 'string', parse: () => () => undefined },
};

const options = optionsFromTable(SAMPLE);

describe('optionsFromTable', () => {
  it('declares every option with a flag, keyed by its flag, as the table says', () => {
    expect(Object.keys(options)).toEqual(['port', 'host', 'verbose', 'scope', 'api-key']);
    expect(options.port).toMatchObject({
      type: 'number',
      description: 'TCP port.',
      alias: ['p'],
      env: 'SAMPLE_PORT',
      default: 4000,
      placeholder: '<port>',
      key: 'port',
    });
    expect(options.scope).toMatchObject({ type: 'array', defaultText: 'every scope', key: 'scopes' });
    expect(options.host?.choices).toEqual(['127.0.0.1', '0.0.0.0']);
    expect(options['api-key']?.secret).toBe(true);
    expect(optionFromDefinition('verbose', SAMPLE.verbose)).toMatchObject({ type: 'boolean', hidden: true });
  });

  const command = {
    path: ['sample', 'start'],
    summary: 'Start the sample.',
    options,
    groups: [],
    examples: [],
  } as unknown as CommandSpec;

  it("resolves flags and variables through the table's own parsers and defaults", () => {
    expect(resolveArgs(options, { port: '8080', scope: ['chat', 'voip'] }, {})).toEqual({
      kind: 'resolved',
      args: { port: 8080, scope: ['chat', 'voip'], host: '127.0.0.1' },
      sources: { port: 'option', scope: 'option', host: 'default' },
    });
    expect(resolveArgs(options, {}, { SAMPLE_PORT: '9000', SAMPLE_SCOPES: 'chat, voip' })).toMatchObject({
      args: { port: 9000, scope: ['chat', 'voip'] },
      sources: { port: 'env', scope: 'env' },
    });
    expect(resolveArgs(options, { port: '70000' }, {})).toEqual({
      kind: 'error',
      message: '--port: "70000" is not valid; expected a whole number from 0 to 65535.',
    });
    expect(resolveArgs(options, {}, { SAMPLE_PORT: 'x' })).toEqual({
      kind: 'error',
      code: 'INVALID_OPTIONS',
      message: 'SAMPLE_PORT: "x" is not valid; expected a whole number from 0 to 65535.',
    });
    expect(resolveArgs(options, { 'api-key': ' ' }, {})).toEqual({
      kind: 'error',
      message: '--api-key: the value given is not valid; expected a non-empty value.',
    });
  });

  it('gives the resolved arguments back under the table keys', () => {
    expect(
      tableValues(SAMPLE, { port: 8080, scope: ['chat', 'voip'], 'api-key': 'k', output: 'json' }),
    ).toEqual({
      port: 8080,
      scopes: ['chat', 'voip'],
      apiKey: 'k',
    });
  });

  it('leaves out the values that are only defaults when given where each came from', () => {
    const args = { port: 4000, host: '0.0.0.0', scope: ['chat'] };
    expect(tableValues(SAMPLE, args, { port: 'default', host: 'env', scope: 'option' })).toEqual({
      host: '0.0.0.0',
      scopes: ['chat'],
    });
  });

  it('adds the old spellings the CLI keeps, by table key, and picks part of a table', () => {
    const withOld = optionsFromTable(SAMPLE, {
      port: { deprecatedEnv: ['OLD_PORT'], deprecatedAlias: ['listen-port'] },
      verbose: { deprecatedNegation: ['quiet'] },
    });
    expect(withOld.port).toMatchObject({ env: 'SAMPLE_PORT', deprecatedEnv: ['OLD_PORT'] });
    expect(withOld.verbose?.deprecatedNegation).toEqual(['quiet']);
    const part = pickTable(SAMPLE, ['port', 'apiKey']);
    expect(Object.keys(optionsFromTable(part))).toEqual(['port', 'api-key']);
    expect(tableValues(part, { port: 1, host: 'h', 'api-key': 'k' })).toEqual({ port: 1, apiKey: 'k' });
  });

  it('hands a package the variables the CLI did not read', () => {
    const withOld = optionsFromTable(SAMPLE, { port: { deprecatedEnv: ['OLD_PORT'] } });
    expect(
      unreadEnv({ SAMPLE_PORT: '1', OLD_PORT: '2', SAMPLE_SCOPES: 'chat', SAMPLE_KEY: 'k' }, withOld),
    ).toEqual({
      SAMPLE_KEY: 'k',
    });
  });

  it('shows the table in help: default text, hidden options left out', () => {
    const help = renderHelp({ kind: 'command', spec: command }, 120);
    expect(help).toContain('--scope <value>...');
    expect(help).toContain('[default: every scope]');
    expect(help).toContain('Env: SAMPLE_PORT.');
    expect(help).not.toContain('Say more.');
  });
});
