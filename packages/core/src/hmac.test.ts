import { describe, expect, it } from 'vitest';
import { computeHmacSignature, contentSha256, hmacStringToSign } from './hmac.js';

// Test vectors of reference section 4.
const KEY = 'pw==';
const DATE = 'Wed, 13 Apr 2022 18:09:12 GMT';
const EMPTY = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
const CONTOSO = 'contoso.communicationservices.azure.com';

describe('HMAC-SHA256 request signing', () => {
  it('hashes the empty body like the service', () => {
    expect(contentSha256('')).toBe(EMPTY);
    expect(contentSha256(new Uint8Array())).toBe(EMPTY);
  });

  it('signs the string banana with the base64-decoded key', () => {
    expect(computeHmacSignature(KEY, 'banana')).toBe('88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8=');
  });

  it('builds the string to sign without a trailing newline and upper-cases the method', () => {
    expect(
      hmacStringToSign({ method: 'get', pathAndQuery: '/', date: DATE, host: CONTOSO, contentHash: EMPTY }),
    ).toBe(`GET\n/\n${DATE};${CONTOSO};${EMPTY}`);
  });

  it.each([
    ['/', CONTOSO, '88MDmJhUR3m5QhFxb8ztShsSwlGrg7g/6XPnWf7QEO4='],
    ['/testPath', CONTOSO, 'RoCrHjw7fb9fpHSbqvRUY2xa8RBS0YvI1cxI1x8AS38='],
    ['/testPath?testQuery=yes', CONTOSO, 'il99+rd6V5O136roX/zVePCNle78HmvC4B7tu9zRH3I='],
    ['/testPath', 'example.com', '+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU='],
  ])('signs GET %s for host %s', (pathAndQuery, host, signature) => {
    const stringToSign = hmacStringToSign({
      method: 'GET',
      pathAndQuery,
      date: DATE,
      host,
      contentHash: EMPTY,
    });
    expect(computeHmacSignature(KEY, stringToSign)).toBe(signature);
  });
});
