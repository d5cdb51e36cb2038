import { describe, expect, it } from 'vitest';
import { decodeAccessToken, formatServiceTimestamp } from './tokens.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'k1' },
) => `${b64url(header)}.${b64url(claims)}.c2lnbmF0dXJl`;

describe('decodeAccessToken', () => {
  it('reads exp, iat, acsScope and skypeid of an ACS token', () => {
    const token = jwt({
      skypeid: 'acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_00000001',
      scp: 1792,
      csi: '1697729661',
      iat: 1697729661,
      exp: 1697816061,
      acsScope: 'chat,voip',
      resourceId: 'bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd',
    });
    const decoded = decodeAccessToken(token);
    expect(decoded.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
    expect(decoded.expiresOnTimestamp).toBe(1697816061000);
    expect(decoded.expiresOn.toISOString()).toBe('2023-10-20T15:34:21.000Z');
    expect(decoded.issuedAt?.toISOString()).toBe('2023-10-19T15:34:21.000Z');
    expect(decoded.scopes).toEqual(['chat', 'voip']);
    expect(decoded.rawId).toBe('8:acs:bbbcbc1e-9f06-482a-b5d8-20e3f26ef0cd_00000001');
    expect(decoded.claims.scp).toBe(1792);
  });

  it('decodes UTF-8 and base64url characters in claims', () => {
    expect(decodeAccessToken(jwt({ exp: 1, name: 'Zoë ~~~ ???' })).claims.name).toBe('Zoë ~~~ ???');
  });

  it('leaves optional fields out when the claims lack them', () => {
    const decoded = decodeAccessToken(jwt({ exp: 1 }));
    expect(decoded).not.toHaveProperty('scopes');
    expect(decoded).not.toHaveProperty('rawId');
    expect(decoded).not.toHaveProperty('issuedAt');
  });

  it.each([
    ['an empty string', ''],
    ['a connection string', 'endpoint=https://x/;accesskey=c2VjcmV0'],
    ['two parts', `${b64url({ alg: 'RS256' })}.${b64url({ exp: 1 })}`],
    ['a payload that is not JSON', `${b64url({ alg: 'RS256' })}.bm90IGpzb24.sig`],
    ['a payload that is an array', `${b64url({ alg: 'RS256' })}.${b64url([1])}.sig`],
  ])('rejects %s without echoing it', (_, input) => {
    expect(() => decodeAccessToken(input)).toThrowError(/^The access token is not a JWT/);
    try {
      decodeAccessToken(input);
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_INPUT', target: 'token' });
      if (input) expect((e as Error).message).not.toContain(input);
    }
  });

  it('rejects a token without a numeric exp', () => {
    expect(() => decodeAccessToken(jwt({ exp: '1' }))).toThrowError(
      'The access token has no numeric "exp" claim.',
    );
  });
});

describe('formatServiceTimestamp', () => {
  it('writes seven fractional digits and an explicit +00:00 offset', () => {
    expect(formatServiceTimestamp(new Date('2023-10-19T15:34:21.798Z'))).toBe(
      '2023-10-19T15:34:21.7980000+00:00',
    );
  });

  it('keeps the sub-millisecond fraction of epoch milliseconds, down to 100 ns', () => {
    expect(formatServiceTimestamp(1697729661798.25)).toBe('2023-10-19T15:34:21.7982500+00:00');
    expect(formatServiceTimestamp(1697729661798)).toBe('2023-10-19T15:34:21.7980000+00:00');
    expect(formatServiceTimestamp(1697729661798.75)).toBe('2023-10-19T15:34:21.7987500+00:00');
  });

  it('gives a string Date parses back to the same instant', () => {
    const d = new Date(1697729661123);
    expect(new Date(formatServiceTimestamp(d)).getTime()).toBe(d.getTime());
  });
});
