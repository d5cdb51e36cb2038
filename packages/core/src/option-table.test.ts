import { describe, expect, it } from 'vitest';
import { isAcsIdentityError } from './errors.js';
import { type OptionTable, optionsMarkdownTable, parsers, resolveOptions } from './option-table.js';

interface DemoOptions {
  port?: number;
  host?: string;
  dev?: boolean;
  keys?: string[];
  onLog?: (line: string) => void;
}

const table: OptionTable<DemoOptions> = {
  port: {
    description: 'Port to listen on.',
    kind: 'number',
    flag: 'port',
    env: 'DEMO_PORT',
    default: 4000,
    placeholder: '<port>',
    parse: parsers.integer(0, 65535),
  },
  host: {
    description: 'Interface.',
    kind: 'string',
    flag: 'host',
    default: '127.0.0.1',
    parse: parsers.text(),
  },
  dev: {
    description: 'Development mode.',
    kind: 'boolean',
    flag: 'dev',
    env: 'DEMO_DEV',
    parse: parsers.boolean(),
  },
  keys: {
    description: 'Keys.',
    kind: 'list',
    env: 'DEMO_KEYS',
    secret: true,
    parse: parsers.list(parsers.text()),
  },
  onLog: {
    description: 'Log callback.',
    kind: 'string',
    parse: () => {
      throw new Error('a function');
    },
  },
};

function invalid(fn: () => unknown): { code: string; message: string; target: string | undefined } {
  try {
    fn();
  } catch (e) {
    if (isAcsIdentityError(e)) return { code: e.code, message: e.message, target: e.target };
    throw e;
  }
  throw new Error('did not throw');
}

describe('resolveOptions', () => {
  it('takes the given value, then the environment, then the default', () => {
    expect(resolveOptions(table, { port: 1 }, { DEMO_PORT: '2' }).port).toBe(1);
    expect(resolveOptions(table, {}, { DEMO_PORT: '2' }).port).toBe(2);
    expect(resolveOptions(table, {}, { DEMO_PORT: '  ' }).port).toBe(4000);
    expect(resolveOptions(table, {}, {}).dev).toBeUndefined();
  });

  it('parses text from a command line like the environment', () => {
    expect(resolveOptions(table, { port: '8443', dev: 'yes' })).toMatchObject({ port: 8443, dev: true });
  });

  it('passes functions through untouched', () => {
    const onLog = () => undefined;
    expect(resolveOptions(table, { onLog }).onLog).toBe(onLog);
  });

  it('names the variable, the value and what is accepted when the environment is wrong', () => {
    expect(invalid(() => resolveOptions(table, {}, { DEMO_PORT: 'abc' }))).toEqual({
      code: 'INVALID_OPTIONS',
      message: 'DEMO_PORT: "abc" is not valid; expected a whole number from 0 to 65535.',
      target: 'DEMO_PORT',
    });
  });

  it('checks a value a program gives with the same parser', () => {
    expect(invalid(() => resolveOptions(table, { port: 70000 })).message).toBe(
      '--port: "70000" is not valid; expected a whole number from 0 to 65535.',
    );
  });

  it('never echoes a secret value', () => {
    const table2: OptionTable<{ key?: string }> = {
      key: {
        description: 'Key.',
        kind: 'string',
        env: 'K',
        secret: true,
        parse: parsers.integer(0, 1) as never,
      },
    };
    expect(invalid(() => resolveOptions(table2, {}, { K: 'super-secret' })).message).not.toContain(
      'super-secret',
    );
  });
});

describe('optionsMarkdownTable', () => {
  it('has one row per option with flag, variable and default', () => {
    const markdown = optionsMarkdownTable(table);
    expect(markdown.split('\n')).toHaveLength(2 + 5);
    expect(markdown).toContain('| `--port <port>` | `DEMO_PORT` | `4000` | Port to listen on. |');
    expect(markdown).toContain('| `onLog` (API only) |  |  | Log callback. |');
  });

  it('names each option as code passes it too, when asked', () => {
    const markdown = optionsMarkdownTable(table, { keys: true });
    expect(markdown).toContain('| `--port <port>`, `port` | `DEMO_PORT` | `4000` | Port to listen on. |');
    expect(markdown).toContain('| `onLog` (API only) |  |  | Log callback. |');
  });
});

describe('parsers', () => {
  it('reads booleans, choices, lists and URLs', () => {
    expect(parsers.boolean()('OFF')).toBe(false);
    expect(parsers.oneOf(['json', 'table'])('TABLE')).toBe('table');
    expect(parsers.list(parsers.integer(0, 9))('1, 2,,3')).toEqual([1, 2, 3]);
    expect(parsers.url(['https:'])('https://a.example/')).toBe('https://a.example/');
    expect(() => parsers.url(['https:'])('http://a.example/')).toThrow('an absolute https URL');
    expect(() => parsers.integer(1, 2)('1.5')).toThrow('a whole number from 1 to 2');
  });
});
