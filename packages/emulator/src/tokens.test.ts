import { describe, expect, it } from 'vitest';
import { decodeToken, issueInstantSec, revocationSecond } from './tokens.js';

const identity = { id: '8:acs:r_1', createdAtMs: 0, revokedBeforeSec: null, deletedAtMs: null };

describe('revocation instants', () => {
  it('revokes every token issued up to the current second', () => {
    expect(revocationSecond(10_000)).toBe(11);
    expect(revocationSecond(10_999)).toBe(11);
  });

  it('issues tokens after a revoke with an iat that the revoke does not cover', () => {
    const revoked = { ...identity, revokedBeforeSec: revocationSecond(10_400) };
    expect(issueInstantSec(10_500, revoked)).toBe(11);
    expect(issueInstantSec(12_500, revoked)).toBe(12);
    expect(issueInstantSec(12_500, identity)).toBe(12);
  });
});

describe('decodeToken', () => {
  it('returns undefined for anything that is not a compact JWS with JSON parts', () => {
    expect(decodeToken('a.b')).toBeUndefined();
    expect(decodeToken(42)).toBeUndefined();
    expect(decodeToken(`${Buffer.from('"x"').toString('base64url')}.e30.sig`)).toBeUndefined();
    expect(decodeToken(`e30.${Buffer.from('{"exp":1}').toString('base64url')}.c2ln`)).toMatchObject({
      claims: { exp: 1 },
    });
  });
});
