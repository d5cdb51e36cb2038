import { describe, expect, it } from 'vitest';
import {
  apiVersionFeatures,
  apiVersionFor,
  apiVersionsWith,
  isApiVersion,
  isPreviewApiVersion,
} from './api-versions.js';
import { isTokenScope, parseScope, parseScopes, SCOPE_DETAILS } from './scopes.js';
import { API_VERSIONS, DEFAULT_API_VERSION, TOKEN_SCOPES } from './vocabulary.js';

describe('parseScope', () => {
  it.each([
    ['chat', 'chat'],
    ['CHAT', 'chat'],
    ['voip', 'voip'],
    ['VOIP', 'voip'],
    ['chat.join', 'chat.join'],
    ['CHAT_JOIN', 'chat.join'],
    ['Chat.Join.Limited', 'chat.join.limited'],
    ['CHAT_JOIN_LIMITED', 'chat.join.limited'],
    [' voip.join ', 'voip.join'],
    ['VOIP_JOIN', 'voip.join'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseScope(input)).toBe(expected);
  });

  it('rejects an unknown scope naming it and listing the valid ones', () => {
    expect(() => parseScope('chat.admin')).toThrowError(
      'Unknown scope "chat.admin". Valid scopes: chat, voip, chat.join, chat.join.limited, voip.join.',
    );
    try {
      parseScope('x');
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_INPUT', target: 'scopes' });
    }
  });

  it('accepts every enum name of SCOPE_DETAILS', () => {
    for (const scope of TOKEN_SCOPES) expect(parseScope(SCOPE_DETAILS[scope].enumName)).toBe(scope);
  });
});

describe('parseScopes', () => {
  it('splits comma lists, trims and dedupes keeping order', () => {
    expect(parseScopes(['voip, CHAT', 'chat', 'chat_join,'])).toEqual(['voip', 'chat', 'chat.join']);
  });

  it.each([[[]], [['']], [[' , ']]])('rejects %j with the service text', (input) => {
    expect(() => parseScopes(input)).toThrowError('Invalid scopes - Scopes field is required.');
    expect(() => parseScopes(input)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', target: 'scopes' }),
    );
  });

  it('rejects something that is not a list', () => {
    expect(() => parseScopes('chat' as unknown as string[])).toThrow(/list of scope names/);
  });

  it('rejects a list with an unknown scope', () => {
    expect(() => parseScopes(['chat', 'sms'])).toThrow(/Unknown scope "sms"/);
  });
});

describe('api-versions', () => {
  it('lists the nine versions oldest first with 2023-10-01 as default', () => {
    expect(API_VERSIONS).toEqual([
      '2021-03-07',
      '2022-06-01',
      '2022-10-01',
      '2023-10-01',
      '2025-03-02-preview',
      '2025-04-01-preview',
      '2025-06-30',
      '2026-07-22',
      '2026-09-23',
    ]);
    expect(DEFAULT_API_VERSION).toBe('2023-10-01');
    expect(isApiVersion('2022-10-01')).toBe(true);
    expect(isApiVersion('2025-03-02-preview')).toBe(true);
    expect(isApiVersion('2024-01-01')).toBe(false);
    expect(isApiVersion('2025-03-31-preview')).toBe(false);
  });

  it('knows what each version adds', () => {
    const none = { customId: false, getIdentity: false, teamsExtension: false, entraUsers: false };
    expect(apiVersionFeatures('2021-03-07')).toEqual({
      scopes: ['chat', 'voip'],
      expiresInMinutes: false,
      teamsExchange: false,
      ...none,
    });
    expect(apiVersionFeatures('2022-06-01')).toEqual({
      scopes: ['chat', 'voip'],
      expiresInMinutes: false,
      teamsExchange: true,
      ...none,
    });
    expect(apiVersionFeatures('2022-10-01')).toEqual({
      scopes: ['chat', 'voip'],
      expiresInMinutes: true,
      teamsExchange: true,
      ...none,
    });
    const classic = { scopes: [...TOKEN_SCOPES], expiresInMinutes: true, teamsExchange: true };
    expect(apiVersionFeatures('2023-10-01')).toEqual({ ...classic, ...none });
    expect(apiVersionFeatures('2025-04-01-preview')).toEqual({ ...classic, ...none });
    expect(apiVersionFeatures('2025-03-02-preview')).toEqual({
      ...classic,
      customId: true,
      getIdentity: true,
      teamsExtension: true,
      entraUsers: true,
    });
    for (const version of ['2025-06-30', '2026-07-22', '2026-09-23'] as const) {
      expect(apiVersionFeatures(version)).toEqual({ ...classic, ...none, teamsExtension: true });
    }
  });

  it('lists the versions of a feature and picks the one to call: the given one, else the oldest stable', () => {
    expect(apiVersionsWith('teamsExtension')).toEqual([
      '2025-03-02-preview',
      '2025-06-30',
      '2026-07-22',
      '2026-09-23',
    ]);
    expect(apiVersionsWith('entraUsers')).toEqual(['2025-03-02-preview']);
    expect(apiVersionFor('teamsExtension')).toBe('2025-06-30');
    expect(apiVersionFor('teamsExtension', '2026-09-23')).toBe('2026-09-23');
    expect(apiVersionFor('teamsExtension', '2023-10-01')).toBe('2025-06-30');
    expect(apiVersionFor('customId')).toBe('2025-03-02-preview');
    expect(apiVersionFor('entraUsers', '2025-06-30')).toBe('2025-03-02-preview');
    expect(apiVersionFor('teamsExchange')).toBe('2022-06-01');
    expect(isPreviewApiVersion('2025-03-02-preview')).toBe(true);
    expect(isPreviewApiVersion('2025-06-30')).toBe(false);
  });

  it('agrees with the since of every scope', () => {
    for (const version of API_VERSIONS) {
      for (const scope of TOKEN_SCOPES) {
        expect(apiVersionFeatures(version).scopes.includes(scope)).toBe(
          SCOPE_DETAILS[scope].since <= version,
        );
      }
    }
    expect(isTokenScope('chat')).toBe(true);
    expect(isTokenScope('CHAT')).toBe(false);
  });
});
