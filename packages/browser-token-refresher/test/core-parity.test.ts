/**
 * `src/core.ts` keeps small local copies of `@acs-identity/core` rules (bundling core's isomorphic entry would take
 * the built file past its 4 KB budget). These tests keep the copies in step with core.
 */
import { decodeAccessToken, SCOPE_DETAILS, TOKEN_SCOPES, validateTokenLifetime } from '@acs-identity/core';
import { describe, expect, it } from 'vitest';
import { readTokenExpiry, toScopeEnumNames, validateLifetime } from '../src/core.js';

const throws = (f: () => unknown) => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

describe('local copies of core rules', () => {
  it('maps every scope of core, written either way, to core’s enum name', () => {
    for (const scope of TOKEN_SCOPES) {
      const { enumName } = SCOPE_DETAILS[scope];
      expect(toScopeEnumNames([scope])).toEqual([enumName]);
      expect(toScopeEnumNames([enumName])).toEqual([enumName]);
    }
  });

  it('accepts exactly the numeric lifetimes core accepts', () => {
    // (Core also takes numeric strings from command lines; the option here is typed as a number.)
    for (const minutes of [-1, 0, 59, 59.5, 60, 61, 720, 1439, 1440, 1441, 60.5, Number.NaN, Infinity]) {
      expect(
        throws(() => validateLifetime(minutes)),
        String(minutes),
      ).toBe(throws(() => validateTokenLifetime(minutes)));
    }
  });

  it('reads the same expiry from a token as core', () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const claims of [
      { exp: 1767261600 },
      { exp: 1767261600, skypeid: 'acs:é~?>', acsScope: 'chat,voip' },
    ]) {
      const token = `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}.c2ln`;
      expect(readTokenExpiry(token)).toBe(decodeAccessToken(token).expiresOnTimestamp);
    }
  });
});
