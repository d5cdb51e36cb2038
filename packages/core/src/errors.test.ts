import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import {
  AcsIdentityError,
  isAcsIdentityError,
  redactSecrets,
  redactUrl,
  toAcsIdentityError,
} from './errors.js';
import { ERROR_CODES } from './vocabulary.js';

function restError(status: number, body?: unknown, headers: Record<string, string> = {}): RestError {
  const bodyAsText = body === undefined ? '' : JSON.stringify(body);
  const h = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return new RestError(`Request failed with ${status}`, {
    statusCode: status,
    response: {
      status,
      bodyAsText,
      headers: { get: (name: string) => h.get(name.toLowerCase()) } as never,
      request: {} as never,
    },
  });
}

const serviceBody = (code: string, message: string, target?: string) => ({
  error: { code, message, ...(target ? { target } : {}) },
});

describe('AcsIdentityError', () => {
  it('keeps code, cause and the service facts', () => {
    const cause = new Error('low level');
    const e = new AcsIdentityError('THROTTLED', 'slow down', {
      cause,
      status: 429,
      serviceCode: 'TooMany',
      retryAfterMs: 5,
      target: 't',
    });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      name: 'AcsIdentityError',
      code: 'THROTTLED',
      status: 429,
      serviceCode: 'TooMany',
      retryAfterMs: 5,
      target: 't',
    });
    expect(e.cause).toBe(cause);
    expect(isAcsIdentityError(e)).toBe(true);
    expect(isAcsIdentityError(new Error('x'))).toBe(false);
    expect(ERROR_CODES).toContain(e.code);
  });

  it('has no undefined own properties when options are absent', () => {
    expect(Object.keys(new AcsIdentityError('UNEXPECTED', 'x'))).toEqual(['name', 'code']);
  });
});

describe('toAcsIdentityError', () => {
  it('returns our errors unchanged', () => {
    const e = new AcsIdentityError('NOT_FOUND', 'gone');
    expect(toAcsIdentityError(e)).toBe(e);
  });

  it('maps 401 IdentityNotOwned to IDENTITY_NOT_OWNED', () => {
    const e = toAcsIdentityError(
      restError(401, serviceBody('IdentityNotOwned', "Provided identity doesn't belong to the resource.")),
    );
    expect(e).toMatchObject({
      code: 'IDENTITY_NOT_OWNED',
      status: 401,
      serviceCode: 'IdentityNotOwned',
      message: "Provided identity doesn't belong to the resource.",
    });
  });

  it('maps other 401s to UNAUTHENTICATED', () => {
    expect(
      toAcsIdentityError(restError(401, serviceBody('Denied', 'Denied by the resource provider.'))),
    ).toMatchObject({
      code: 'UNAUTHENTICATED',
      serviceCode: 'Denied',
      message: 'Denied by the resource provider.',
    });
    expect(
      toAcsIdentityError(
        restError(401, serviceBody('InvalidAccessToken', 'Provided access token is not valid.')),
      ).code,
    ).toBe('UNAUTHENTICATED');
    expect(toAcsIdentityError(restError(401)).message).toMatch(/Check the access key/);
  });

  it.each([
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [400, 'INVALID_INPUT'],
    [500, 'SERVICE_UNAVAILABLE'],
    [502, 'SERVICE_UNAVAILABLE'],
    [503, 'SERVICE_UNAVAILABLE'],
    [418, 'UNEXPECTED'],
  ] as const)('maps HTTP %i to %s', (status, code) => {
    expect(toAcsIdentityError(restError(status)).code).toBe(code);
  });

  it('keeps the service message and target of a ValidationError', () => {
    const e = toAcsIdentityError(
      restError(400, serviceBody('ValidationError', 'Invalid scopes - Scopes field is required.', 'scopes')),
    );
    expect(e).toMatchObject({
      code: 'INVALID_INPUT',
      serviceCode: 'ValidationError',
      target: 'scopes',
      message: 'Invalid scopes - Scopes field is required.',
    });
  });

  it('reads the body from RestError.details when the SDK parsed it', () => {
    const err = restError(400);
    err.details = serviceBody('ValidationError', 'Provided AppId has invalid format.');
    expect(toAcsIdentityError(err)).toMatchObject({
      serviceCode: 'ValidationError',
      message: 'Provided AppId has invalid format.',
    });
  });

  it.each([
    [{ 'retry-after-ms': '1500' }, 1500],
    [{ 'x-ms-retry-after-ms': '250' }, 250],
    [{ 'Retry-After': '3' }, 3000],
    [{ 'Retry-After': 'Wed, 13 Apr 2022 18:09:22 GMT' }, 10_000],
    [{}, undefined],
  ])('maps 429 to THROTTLED with retry-after from %j', (headers, retryAfterMs) => {
    const now = () => Date.parse('Wed, 13 Apr 2022 18:09:12 GMT');
    const e = toAcsIdentityError(restError(429, undefined, headers), { now });
    expect(e.code).toBe('THROTTLED');
    expect(e.retryAfterMs).toBe(retryAfterMs);
    expect(e.message).toMatch(/throttling/);
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'REQUEST_SEND_ERROR'])(
    'maps the network error %s to SERVICE_UNAVAILABLE',
    (code) => {
      const err = new RestError(`connect ${code} 127.0.0.1:9`, {
        code,
        request: { url: 'https://127.0.0.1:9/identities?api-version=2023-10-01' } as never,
      });
      const e = toAcsIdentityError(err);
      expect(e.code).toBe('SERVICE_UNAVAILABLE');
      expect(e.message).toContain('https://127.0.0.1:9');
      expect(e.cause).toBe(err);
    },
  );

  it('maps a plain Node network error to SERVICE_UNAVAILABLE', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    expect(toAcsIdentityError(err).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('maps an untrusted TLS certificate to NOT_CONFIGURED with a hint about caCertFile', () => {
    const err = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(toAcsIdentityError(err)).toMatchObject({
      code: 'NOT_CONFIGURED',
      message: expect.stringContaining('caCertFile'),
    });
  });

  it('marks an untrusted TLS certificate as about the CA file (target caCertFile), for callers to name their option', () => {
    const err = Object.assign(new Error('unable to verify the first certificate'), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(toAcsIdentityError(err)).toMatchObject({ code: 'NOT_CONFIGURED', target: 'caCertFile' });
  });

  it('maps anything else to UNEXPECTED', () => {
    expect(toAcsIdentityError('boom')).toMatchObject({
      code: 'UNEXPECTED',
      message: 'Unexpected error: boom',
    });
    expect(toAcsIdentityError(undefined).code).toBe('UNEXPECTED');
    expect(toAcsIdentityError(Object.assign(new Error('aborted'), { name: 'AbortError' })).message).toBe(
      'The operation was aborted.',
    );
  });

  it('never puts keys, tokens or connection strings in the message', () => {
    const key = 'c2VjcmV0LWtleS10aGF0LW11c3QtbmV2ZXItbGVhay0xMjM0NTY3ODkwYWJjZGVm';
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln';
    const texts = [
      `Invalid connection string endpoint=https://x.communication.azure.com/;accesskey=${key}`,
      `Token ${token} rejected`,
      `Authorization: Bearer ${token}`,
      `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${key}`,
      `raw key ${key}`,
    ];
    for (const text of texts) {
      for (const e of [new Error(text), restError(400, serviceBody('ValidationError', text))]) {
        const message = toAcsIdentityError(e).message;
        expect(message).not.toContain(key);
        expect(message).not.toContain(token);
        expect(message).not.toContain('c2VjcmV0');
      }
    }
    expect(redactSecrets(`accesskey=${key}`)).toBe('accesskey=<redacted>');
  });
});

describe('toAcsIdentityError with Entra ID credential errors', () => {
  it('maps an unavailable credential to NOT_CONFIGURED with what to do', () => {
    const err = Object.assign(new Error('EnvironmentCredential is unavailable...'), {
      name: 'CredentialUnavailableError',
    });
    expect(toAcsIdentityError(err)).toMatchObject({
      code: 'NOT_CONFIGURED',
      message: expect.stringContaining('az login'),
    });
    const agg = Object.assign(new Error('ChainedTokenCredential authentication failed.'), {
      name: 'AggregateAuthenticationError',
    });
    expect(toAcsIdentityError(agg).code).toBe('NOT_CONFIGURED');
  });

  it('maps a failed Entra ID authentication to UNAUTHENTICATED even though it carries a status', () => {
    const err = Object.assign(new Error('invalid_client: bad secret\nTrace ID: x'), {
      name: 'AuthenticationError',
      statusCode: 400,
    });
    expect(toAcsIdentityError(err)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Entra ID authentication failed: invalid_client: bad secret',
    });
  });
});

describe('redactUrl', () => {
  it('keeps a long path whole and redacts secret-looking query values', () => {
    const url =
      'https://127.0.0.1:8443/access/teamsExtension/tenants/45ab2481-1c1c-4005-be24-0ffb879b1130/assignments/207ffef6-9444-41fb-92ab-20eacaae2768?api-version=2025-06-30&sig=abc';
    expect(redactUrl(url)).toBe(
      'https://127.0.0.1:8443/access/teamsExtension/tenants/45ab2481-1c1c-4005-be24-0ffb879b1130/assignments/207ffef6-9444-41fb-92ab-20eacaae2768?api-version=2025-06-30&sig=redacted',
    );
  });

  it('drops credentials in the authority', () => {
    expect(redactUrl('https://user:pw@example.com/x')).toBe('https://example.com/x');
  });
});
