import { describe, expect, it } from 'vitest';
import { assertCustomId, assertReadableUserId, exchangeKindOf } from './access-input.js';

function token(aud: unknown): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part({ aud, exp: 2_000_000_000 })}.c2ln`;
}

describe('exchangeKindOf', () => {
  it('reads Teams Extension from the auth.msft audience, public and GCCH, any trailing slash', () => {
    expect(exchangeKindOf(token('https://auth.msft.communication.azure.com'))).toBe('teamsExtension');
    expect(exchangeKindOf(token('https://auth.msft.communication.azure.us/'))).toBe('teamsExtension');
  });

  it('reads Entra users from the Clients application URI or id, also in an audience list', () => {
    expect(exchangeKindOf(token('https://communication.azure.com/clients'))).toBe('entra');
    expect(exchangeKindOf(token(['x', '2a04943b-b6a7-4f65-8786-2bb6131b59f6']))).toBe('entra');
  });

  it('refuses another audience, naming kind, and a token that is no JWT', () => {
    expect(() => exchangeKindOf(token('https://communication.azure.com'))).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', target: 'kind' }),
    );
    expect(() => exchangeKindOf('not-a-jwt')).toThrowError(expect.objectContaining({ target: 'token' }));
  });
});

describe('assertCustomId and assertReadableUserId', () => {
  it('takes 1 to 256 characters as given', () => {
    expect(assertCustomId(' a ')).toBe(' a ');
    expect(assertCustomId('x'.repeat(256))).toHaveLength(256);
    for (const bad of ['', 'x'.repeat(257), 5, null]) {
      expect(() => assertCustomId(bad)).toThrowError(expect.objectContaining({ target: 'customId' }));
    }
  });

  it('reads communication users, Entra users and Teams extension users; not Teams users', () => {
    const r = 'bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd';
    for (const id of [`8:acs:${r}_1`, `8:acs:${r}_wf_t_o`, `8:acs:${r}_t_o`])
      expect(assertReadableUserId(id)).toBe(id);
    for (const bad of ['8:orgid:x', '', ' 8:acs:x', 4]) {
      expect(() => assertReadableUserId(bad)).toThrowError(expect.objectContaining({ target: 'userId' }));
    }
  });
});
