import { API_VERSIONS } from '@acs-identity/core/vocabulary';
import { describe, expect, it } from 'vitest';
import type { RawCommand } from './parsed.js';
import { resolveArgs, resolveCommand } from './resolve.js';

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';

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
      message: `ACS_IDENTITY_API_VERSION: "1999-01-01" is not one of ${API_VERSIONS.join(', ')}.`,
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

  it('refuses an api-version given that lacks the command, naming the versions that have it', () => {
    expect(resolveCommand(raw('entra assignment list', { 'api-version': '2025-06-30' }), {}, [])).toEqual({
      kind: 'error',
      message:
        'entra assignment list needs an api-version with Entra ID users: 2025-03-02-preview; --api-version 2025-06-30 has none.',
      hint: 'Leave out --api-version (acs-identity then calls 2025-03-02-preview), or give one of those.',
    });
    expect(
      resolveCommand(
        raw('token get-for-teams-extension-user', { 'entra-token': 'x' }),
        {
          ACS_IDENTITY_API_VERSION: '2023-10-01',
        },
        [],
      ),
    ).toEqual({
      kind: 'error',
      message:
        'token get-for-teams-extension-user needs an api-version with Teams Phone extensibility (Teams Extension): 2025-03-02-preview, 2025-06-30, 2026-07-22, 2026-09-23; ACS_IDENTITY_API_VERSION=2023-10-01 has none.',
      hint: 'Leave out --api-version and ACS_IDENTITY_API_VERSION (acs-identity then calls 2025-06-30), or give one of those.',
    });
  });

  it('refuses an option whose feature the api-version given lacks, and lets versions with it pass', () => {
    expect(
      resolveCommand(raw('user create', { 'custom-id': 'a', 'api-version': '2026-09-23' }), {}, []),
    ).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(
        /^--custom-id needs an api-version with custom ids: 2025-03-02-preview; /,
      ),
    });
    expect(resolveCommand(raw('user create', { 'api-version': '2026-09-23' }), {}, [])).toMatchObject({
      kind: 'command',
    });
    expect(
      resolveCommand(raw('user create', { 'custom-id': 'a', 'api-version': '2025-03-02-preview' }), {}, []),
    ).toMatchObject({ kind: 'command', args: { 'custom-id': 'a' } });
    expect(
      resolveCommand(raw('teams-extension assignment show', { tenant: GUID, 'object-id': GUID }), {}, []),
    ).toMatchObject({ kind: 'command' });
  });

  it('checks custom ids and GUIDs as they are typed, before any request', () => {
    expect(resolveCommand(raw('user create', { 'custom-id': 'x'.repeat(257) }), {}, [])).toEqual({
      kind: 'error',
      message: `--custom-id: "${'x'.repeat(57)}..." is not valid; expected 1 to 256 characters, got 257.`,
    });
    expect(resolveCommand(raw('user create', { 'custom-id': 'x'.repeat(256) }), {}, [])).toMatchObject({
      kind: 'command',
    });
    expect(resolveCommand(raw('entra assignment show', { 'object-id': 'alice' }), {}, [])).toEqual({
      kind: 'error',
      message:
        '--object-id: "alice" is not valid; expected a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47.',
    });
    expect(
      resolveCommand(
        raw('entra assignment set', {
          'object-id': GUID,
          tenant: GUID,
          'client-ids': [GUID, 'nope'],
        }),
        {},
        [],
      ),
    ).toEqual({
      kind: 'error',
      message: `--client-ids: "${GUID},nope" is not valid; expected GUIDs such as 72f988bf-86f1-41af-91ab-2d7cd011db47 ("nope" is not one).`,
    });
    expect(
      resolveCommand(
        raw('entra assignment set', { 'object-id': GUID, tenant: GUID, 'client-ids': [`${GUID},${OTHER}`] }),
        {},
        [],
      ),
    ).toMatchObject({ args: { 'client-ids': [GUID, OTHER], 'principal-type': 'user' } });
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
