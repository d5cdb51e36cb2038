import { SCOPE_SERVICE_NAMES, TOKEN_LIFETIME, TOKEN_SCOPES } from '@acs-identity/core/vocabulary';
import { describe, expect, it } from 'vitest';
import type { TokenRefresherError } from './errors.js';
import { normalizeOptions, type TokenRefresherOptions } from './options.js';
import { toHeldToken } from './token.js';

function message(options: unknown): string {
  try {
    normalizeOptions(options as TokenRefresherOptions);
  } catch (e) {
    expect((e as TokenRefresherError).code).toBe('INVALID_OPTIONS');
    return (e as Error).message;
  }
  throw new Error('expected normalizeOptions to throw');
}

describe('normalizeOptions', () => {
  it('resolves the documented defaults', () => {
    const o = normalizeOptions({ url: '/graphql', environment: { BroadcastChannel: undefined } });
    expect(o).toMatchObject({
      refreshBeforeMs: 600_000,
      minValidityMs: 120_000,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      leaderTimeoutMs: 5000,
      jitter: 0.05,
      scopes: ['CHAT', 'VOIP'],
      channel: undefined,
    });
  });

  it('turns scopes as users write them into the GraphQL enum names, without duplicates', () => {
    const o = normalizeOptions({
      url: '/graphql',
      scopes: ['chat.join', 'VOIP_JOIN', 'Chat.Join.Limited', 'chat.join'],
    });
    expect(o.scopes).toEqual(['CHAT_JOIN', 'VOIP_JOIN', 'CHAT_JOIN_LIMITED']);
  });

  it('accepts every scope of the vocabulary, written either way, and asks for it by its service name', () => {
    for (const scope of TOKEN_SCOPES) {
      const name = SCOPE_SERVICE_NAMES[scope];
      expect(normalizeOptions({ url: '/graphql', scopes: [scope] }).scopes).toEqual([name]);
      expect(normalizeOptions({ url: '/graphql', scopes: [name.toLowerCase()] }).scopes).toEqual([name]);
    }
  });

  it('accepts exactly the whole-number lifetimes the service allows', () => {
    const { minMinutes: min, maxMinutes: max } = TOKEN_LIFETIME;
    const accepted = (minutes: number) => {
      try {
        normalizeOptions({ url: '/graphql', expiresInMinutes: minutes });
        return true;
      } catch {
        return false;
      }
    };
    expect([min - 1, min, min + 1, 720, max - 1, max, max + 1].map(accepted)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    for (const minutes of [-1, 0, 59.5, 60.5, Number.NaN, Infinity])
      expect(accepted(minutes), String(minutes)).toBe(false);
  });

  it('derives the tab-sharing channel from the gateway URL, scopes and lifetime', () => {
    class Channel {
      onmessage = null;
      postMessage() {}
      close() {}
    }
    const env = { environment: { BroadcastChannel: Channel } };
    expect(normalizeOptions({ url: '/graphql', expiresInMinutes: 60, ...env }).channel).toBe(
      'acs-token-refresher:/graphql|CHAT,VOIP|60',
    );
    expect(normalizeOptions({ fetchToken: async () => 'x', ...env }).channel).toBe(
      'acs-token-refresher:custom',
    );
    expect(normalizeOptions({ fetchToken: async () => 'x', channelName: 'me', ...env }).channel).toBe(
      'acs-token-refresher:me',
    );
    expect(
      normalizeOptions({ fetchToken: async () => 'x', channelName: false, ...env }).channel,
    ).toBeUndefined();
  });

  it('says what to fix for wrong options', () => {
    const f = async () => 'x';
    expect(message(undefined)).toMatchInlineSnapshot(
      `"createTokenRefresher: pass either { url } (the gateway GraphQL endpoint) or { fetchToken } (an async function)."`,
    );
    expect(message({ url: '/graphql', fetchToken: f })).toMatchInlineSnapshot(
      `"createTokenRefresher: pass either { url } (the gateway GraphQL endpoint) or { fetchToken } (an async function)."`,
    );
    expect(message({ url: '/graphql', scopes: ['chat', 'email'] })).toMatchInlineSnapshot(
      `"createTokenRefresher: unknown scope "email" (valid: chat, voip, chat.join, chat.join.limited, voip.join)."`,
    );
    expect(message({ url: '/graphql', scopes: [] })).toMatchInlineSnapshot(
      `"createTokenRefresher: at least one scope is required."`,
    );
    expect(message({ url: '/graphql', expiresInMinutes: 59 })).toMatchInlineSnapshot(
      `"createTokenRefresher: expiresInMinutes must be a whole number in [60, 1440], got 59."`,
    );
    expect(message({ fetchToken: f, refreshBeforeMs: -1 })).toMatchInlineSnapshot(
      `"createTokenRefresher: refreshBeforeMs must be a number of milliseconds >= 0, got -1."`,
    );
    expect(message({ fetchToken: f, minValidityMs: 600_000 })).toMatchInlineSnapshot(
      `"createTokenRefresher: minValidityMs must be less than refreshBeforeMs."`,
    );
    expect(message({ fetchToken: f, retryBaseMs: 0 })).toMatchInlineSnapshot(
      `"createTokenRefresher: retryBaseMs must be more than 0 and at most retryMaxMs."`,
    );
    expect(message({ fetchToken: f, jitter: 1 })).toMatchInlineSnapshot(
      `"createTokenRefresher: jitter must be in [0, 1), got 1."`,
    );
  });
});

describe('toHeldToken', () => {
  it('accepts dates, ISO strings and epoch milliseconds', () => {
    const exp = Date.UTC(2026, 0, 1, 10);
    for (const expiresOn of [new Date(exp), new Date(exp).toISOString(), exp]) {
      expect(toHeldToken({ token: 't', expiresOn, serverTime: exp - 3600_000 })).toEqual({
        token: 't',
        exp,
        srv: exp - 3600_000,
      });
    }
  });

  it('reads the expiry from the token itself, also when its claims hold non-ASCII text', () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const claims of [
      { exp: 1767261600 },
      { exp: 1767261600, skypeid: 'acs:é~?>', acsScope: 'chat,voip' },
    ]) {
      const token = `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}.c2ln`;
      expect(toHeldToken(token)).toEqual({ token, exp: 1767261600_000, srv: undefined });
    }
  });

  it('rejects what is not a usable token without echoing it', () => {
    for (const bad of ['not-a-jwt', { token: '' }, { token: 'secret', expiresOn: 'soon' }, null]) {
      expect(() => toHeldToken(bad as never)).toThrowErrorMatchingInlineSnapshot(
        `[TokenRefresherError: The token source returned no usable token (expected a JWT, or { token, expiresOn }).]`,
      );
    }
  });
});
