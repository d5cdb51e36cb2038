import { computeHmacSignature, contentSha256, hmacStringToSign } from '@acs-identity/core/node';
import { describe, expect, it } from 'vitest';
import { verifyHmacRequest } from './hmac.js';

const key = 'pw==';
const date = 'Wed, 13 Apr 2022 18:09:12 GMT';
const now = Date.parse(date);
const contoso = 'contoso.communicationservices.azure.com';
const EMPTY = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
const keys = [
  { name: 'primary' as const, secret: Buffer.from('other key').toString('base64') },
  { name: 'secondary' as const, secret: key },
];

function sign(method: string, pathAndQuery: string, host: string, body = ''): string {
  return computeHmacSignature(
    key,
    hmacStringToSign({ method, pathAndQuery, date, host, contentHash: contentSha256(body) }),
  );
}

const headers = (signature: string, extra: Record<string, string> = {}) => ({
  authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  'x-ms-date': date,
  'x-ms-content-sha256': EMPTY,
  host: contoso,
  ...extra,
});

const check = (method: string, target: string, h: Record<string, string>, at = now, body = Buffer.alloc(0)) =>
  verifyHmacRequest({ method, target, headers: h, body }, keys, at, 300_000);

describe('HMAC-SHA256 request verification', () => {
  it.each([
    ['/', contoso, '88MDmJhUR3m5QhFxb8ztShsSwlGrg7g/6XPnWf7QEO4='],
    ['/testPath', contoso, 'RoCrHjw7fb9fpHSbqvRUY2xa8RBS0YvI1cxI1x8AS38='],
    ['/testPath?testQuery=yes', contoso, 'il99+rd6V5O136roX/zVePCNle78HmvC4B7tu9zRH3I='],
    ['/testPath', 'example.com', '+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU='],
  ])(
    'accepts the reference vector GET %s on %s, signed with the secondary key',
    (target, host, signature) => {
      expect(check('GET', target, headers(signature, { host }))).toEqual({ ok: true, keyName: 'secondary' });
    },
  );

  it('accepts a signature over the percent-decoded target and over the host without port', () => {
    const target = '/identities/8%3Aacs%3Ax?api-version=2023-10-01';
    const decodedSig = sign('POST', '/identities/8:acs:x?api-version=2023-10-01', `${contoso}:8443`);
    expect(check('POST', target, headers(decodedSig, { host: `${contoso}:8443` })).ok).toBe(true);
    const noPortSig = sign('POST', target, contoso);
    expect(check('POST', target, headers(noPortSig, { host: `${contoso}:8443` })).ok).toBe(true);
  });

  it('accepts a signature over the X-Forwarded-Host a load balancer passes on, and only then', () => {
    const signature = sign('GET', '/testPath', 'emulator.example.com');
    const forwarded = headers(signature, {
      host: '10.0.0.5:8443',
      'x-forwarded-host': 'emulator.example.com',
    });
    expect(check('GET', '/testPath', forwarded).ok).toBe(true);
    expect(check('GET', '/testPath', headers(signature, { host: '10.0.0.5:8443' })).ok).toBe(false);
  });

  it('rejects a wrong signature, a changed body, a stale date and another signing scheme', () => {
    const good = sign('GET', '/testPath', contoso);
    expect(check('GET', '/testPath', headers(good))).toEqual({ ok: true, keyName: 'secondary' });
    expect(check('GET', '/testPath2', headers(good))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check('GET', '/testPath', headers(good), now, Buffer.from('x'))).toEqual({
      ok: false,
      reason: 'content-hash-mismatch',
    });
    expect(check('GET', '/testPath', headers(good), now + 300_001)).toEqual({
      ok: false,
      reason: 'stale-date',
    });
    expect(check('GET', '/testPath', headers(good), now - 300_000).ok).toBe(true);
    expect(check('GET', '/testPath', { ...headers(good), authorization: 'Bearer x' })).toEqual({
      ok: false,
      reason: 'malformed-authorization',
    });
    expect(check('GET', '/testPath', { ...headers(good), 'x-ms-date': '' })).toEqual({
      ok: false,
      reason: 'missing-date',
    });
  });

  it('refuses a right signature written any other way than canonical base64 of 32 bytes', () => {
    const good = sign('GET', '/testPath', contoso);
    const last = good.charCodeAt(42);
    for (const variant of [
      `${good}junk`,
      `${good}=`,
      `${good}AAAA`,
      good.slice(0, -1),
      `${good.slice(0, -2)}${String.fromCharCode(last + 1)}=`,
      `${good.slice(0, -1)}A`,
      good.replaceAll('+', '-').replaceAll('/', '_'),
    ]) {
      if (variant === good) continue;
      expect([variant, check('GET', '/testPath', headers(variant))]).toEqual([
        variant,
        { ok: false, reason: 'malformed-authorization' },
      ]);
    }
    expect(check('GET', '/testPath', headers(good)).ok).toBe(true);
  });

  it('refuses a body hash with anything after its padding, even when it was signed so', () => {
    const odd = `${EMPTY}junk`;
    const signature = computeHmacSignature(
      key,
      hmacStringToSign({ method: 'GET', pathAndQuery: '/testPath', date, host: contoso, contentHash: odd }),
    );
    expect(check('GET', '/testPath', headers(signature, { 'x-ms-content-sha256': odd }))).toEqual({
      ok: false,
      reason: 'content-hash-mismatch',
    });
  });
});
