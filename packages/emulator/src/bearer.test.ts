import { describe, expect, it } from 'vitest';
import { acceptableBearerToken } from './bearer.js';

const now = 1_800_000_000_000;
const jwt = (claims: Record<string, unknown>) =>
  `Bearer ${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('basic bearer token check', () => {
  it('accepts an unexpired token for the ACS audience, with or without trailing slashes', () => {
    for (const aud of [
      'https://communication.azure.com',
      'https://communication.azure.com/',
      ['x', 'https://communication.azure.com//'],
    ]) {
      expect(acceptableBearerToken(jwt({ aud, exp: now / 1000 + 60 }), now, 300_000)).toBe(true);
    }
  });

  it('rejects another audience, an expired or not-yet-valid token, and garbage', () => {
    expect(
      acceptableBearerToken(jwt({ aud: 'https://graph.microsoft.com', exp: now / 1000 + 60 }), now, 0),
    ).toBe(false);
    expect(
      acceptableBearerToken(jwt({ aud: 'https://communication.azure.com', exp: now / 1000 - 1 }), now, 0),
    ).toBe(false);
    expect(
      acceptableBearerToken(
        jwt({ aud: 'https://communication.azure.com', exp: now / 1000 + 60, nbf: now / 1000 + 30 }),
        now,
        0,
      ),
    ).toBe(false);
    expect(acceptableBearerToken('Bearer nope', now, 0)).toBe(false);
  });
});
