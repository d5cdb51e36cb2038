import { describe, expect, it } from 'vitest';
import type { RawCommand } from './parsed.js';
import { resolveArgs, resolveCommand } from './resolve.js';

const raw = (id: RawCommand['id'], args: Record<string, unknown> = {}): RawCommand => ({
  kind: 'command',
  id,
  args: { _: id.split(' '), $0: 'acs-identity', ...args },
});

describe('resolveCommand', () => {
  it('takes the value given, else the documented variable, else the default, and says which', () => {
    const outcome = resolveCommand(
      raw('emulator rotate-key', { key: 'secondary' }),
      { ACS_IDENTITY_DATA_DIR: ' state ', DATABASE_URL: '' },
      [],
    );
    expect(outcome).toMatchObject({
      kind: 'command',
      args: { key: 'secondary', 'data-dir': 'state', output: 'json' },
      sources: { key: 'option', 'data-dir': 'env', output: 'default' },
    });
    expect(outcome.kind === 'command' && 'database-url' in outcome.args).toBe(false);
  });

  it('fills connection and global options from their variables', () => {
    const outcome = resolveCommand(
      raw('user create'),
      {
        AZURE_COMMUNICATION_CONNECTION_STRING: 'endpoint=https://x/;accesskey=a2V5',
        ACS_IDENTITY_API_VERSION: '2021-03-07',
      },
      ['a warning'],
    );
    expect(outcome).toMatchObject({
      args: {
        'connection-string': 'endpoint=https://x/;accesskey=a2V5',
        'api-version': '2021-03-07',
        count: 1,
      },
      sources: { 'connection-string': 'env', 'api-version': 'env', count: 'default' },
      warnings: ['a warning'],
    });
  });

  it('echoes what was typed for a number, and checks whole-number bounds', () => {
    expect(resolveCommand(raw('user create', { count: 'abc' }), {}, [])).toEqual({
      kind: 'error',
      message: '--count must be a number, got "abc".',
    });
    expect(resolveCommand(raw('user create', { count: '0' }), {}, [])).toEqual({
      kind: 'error',
      message: '--count must be a whole number from 1 to 100000, got 0.',
    });
    expect(
      resolveCommand(raw('token issue', { scope: ['chat'], 'expires-in-minutes': '1e3' }), {}, []),
    ).toMatchObject({
      args: { 'expires-in-minutes': 1000 },
    });
    expect(resolveCommand(raw('emulator entra token', { 'expires-in': '1.5' }), {}, [])).toEqual({
      kind: 'error',
      message: '--expires-in must be a whole number, got 1.5.',
    });
  });

  it('checks values from variables as strictly as flags, naming the variable', () => {
    expect(resolveCommand(raw('gateway start'), { GATEWAY_PORT: '99999' }, [])).toEqual({
      kind: 'error',
      code: 'INVALID_OPTIONS',
      message: 'GATEWAY_PORT: "99999" is not valid; expected a whole number from 0 to 65535.',
    });
    expect(resolveCommand(raw('user create'), { ACS_IDENTITY_API_VERSION: '1999-01-01' }, [])).toEqual({
      kind: 'error',
      code: 'INVALID_OPTIONS',
      message:
        'ACS_IDENTITY_API_VERSION: "1999-01-01" is not one of 2021-03-07, 2022-06-01, 2022-10-01, 2023-10-01.',
    });
    expect(resolveCommand(raw('gateway start'), { GATEWAY_DEV: 'maybe' }, [])).toEqual({
      kind: 'error',
      code: 'INVALID_OPTIONS',
      message: 'GATEWAY_DEV: "maybe" is not valid; expected true or false.',
    });
    expect(resolveCommand(raw('gateway start'), { GATEWAY_DEV: 'yes' }, [])).toMatchObject({
      args: { dev: true },
    });
  });

  it('names the required options without a value', () => {
    expect(resolveCommand(raw('token get-for-teams-user', { client: 'c' }), {}, [])).toEqual({
      kind: 'error',
      message: 'Missing required arguments: aad-token, aad-user',
    });
  });
});

describe('old spellings (deprecated names kept for scripts)', () => {
  const options = {
    tls: { type: 'boolean', default: true, description: 'TLS.', deprecatedNegation: ['http'] },
    url: { type: 'string', env: 'NEW_URL', deprecatedEnv: ['OLD_URL', 'OLDER_URL'], description: 'URL.' },
  } as const;

  it('turns around an old flag that meant --no-<name>, and lets the option itself win', () => {
    expect(resolveArgs(options, { http: true }, {})).toMatchObject({
      args: { tls: false },
      sources: { tls: 'option' },
    });
    expect(resolveArgs(options, { http: false }, {})).toMatchObject({ args: { tls: true } });
    expect(resolveArgs(options, { http: true, tls: true }, {})).toMatchObject({ args: { tls: true } });
  });

  it('reads the first old variable that is set, with a warning, when the current one is not', () => {
    expect(resolveArgs(options, {}, { OLDER_URL: 'b', OLD_URL: ' ' })).toEqual({
      kind: 'resolved',
      args: { tls: true, url: 'b' },
      sources: { tls: 'default', url: 'env' },
      warnings: [
        "Environment variable 'OLDER_URL' has been deprecated and will be removed in a future release. Use 'NEW_URL' instead.",
      ],
    });
    expect(resolveArgs(options, {}, { NEW_URL: 'a', OLD_URL: 'b' })).toEqual({
      kind: 'resolved',
      args: { tls: true, url: 'a' },
      sources: { tls: 'default', url: 'env' },
    });
  });

  it('names the old variable when its value does not fit', () => {
    const strict = { n: { type: 'number', env: 'N', deprecatedEnv: ['OLD_N'], description: 'N.' } } as const;
    expect(resolveArgs(strict, {}, { OLD_N: 'x' })).toEqual({
      kind: 'error',
      code: 'INVALID_OPTIONS',
      message: 'OLD_N must be a number, got "x".',
    });
  });
});
