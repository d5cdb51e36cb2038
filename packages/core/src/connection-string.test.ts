import { describe, expect, it } from 'vitest';
import { isLoopbackHost, normalizeEndpoint, parseConnectionString } from './connection-string.js';

const KEY = 'c2VjcmV0LWFjY2Vzcy1rZXktMTIzNDU2Nzg5MA==';

describe('parseConnectionString', () => {
  it.each([
    `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`,
    `endpoint=https://contoso.communication.azure.com;accesskey=${KEY}`,
    `Endpoint=https://contoso.communication.azure.com/;AccessKey=${KEY};`,
    `ACCESSKEY=${KEY};ENDPOINT=https://contoso.communication.azure.com/`,
    ` endpoint = https://contoso.communication.azure.com/ ; accesskey = ${KEY} `,
  ])('reads %s', (input) => {
    expect(parseConnectionString(input)).toEqual({
      endpoint: 'https://contoso.communication.azure.com/',
      accessKey: KEY,
    });
  });

  it('keeps a port and plain http for the caller to judge', () => {
    expect(parseConnectionString(`endpoint=http://127.0.0.1:8443;accesskey=${KEY}`).endpoint).toBe(
      'http://127.0.0.1:8443/',
    );
  });

  it.each([
    ['', 'it is empty'],
    [`accesskey=${KEY}`, 'the "endpoint=" part is missing'],
    ['endpoint=https://contoso.communication.azure.com/', 'the "accesskey=" part is missing'],
    [
      'endpoint=https://contoso.communication.azure.com/;accesskey=',
      'the "accesskey=" part is missing or empty',
    ],
    [
      'endpoint=https://contoso.communication.azure.com/;accesskey=not base64!',
      'the access key is not valid base64',
    ],
    [
      `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY};accesskey=${KEY}`,
      '"accesskey" appears twice',
    ],
    [
      `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY};region=west`,
      'unknown part "region"',
    ],
    [`https://contoso.communication.azure.com/;${KEY}`, 'every part must look like key=value'],
    [`endpoint=contoso;accesskey=${KEY}`, 'is not a URL'],
    [`endpoint=ftp://contoso/;accesskey=${KEY}`, 'must be an https:// URL'],
    [`endpoint=https://contoso.communication.azure.com/identities;accesskey=${KEY}`, 'without path or query'],
  ])('rejects %j saying %s', (input, message) => {
    expect(() => parseConnectionString(input)).toThrowError(message);
    expect(() => parseConnectionString(input)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', target: 'connectionString' }),
    );
  });

  it('never echoes the key in its errors', () => {
    const secret = 'bm90LWEta2V5';
    for (const input of [
      `endpoint=nope;accesskey=${secret}`,
      `accesskey=${secret}`,
      `endpoint=https://x/y;accesskey=${secret}`,
      `accesskey=${secret}!`,
    ]) {
      try {
        parseConnectionString(input);
        expect.fail('should throw');
      } catch (e) {
        expect((e as Error).message).not.toContain(secret);
      }
    }
  });
});

describe('normalizeEndpoint and isLoopbackHost', () => {
  it('adds the trailing slash and drops the default port', () => {
    expect(normalizeEndpoint('https://Contoso.communication.azure.com:443')).toBe(
      'https://contoso.communication.azure.com/',
    );
  });

  it('refuses credentials in the URL', () => {
    expect(() => normalizeEndpoint('https://user:pw@contoso/')).toThrowError(/user name or password/);
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
  ])('tells whether %s is loopback', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
