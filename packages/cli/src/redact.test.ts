import { describe, expect, it } from 'vitest';
import { addSecret, redact } from './redact.js';

describe('redact', () => {
  it('masks the access key of a connection string, in any case', () => {
    expect(redact('endpoint=https://a/;AccessKey=abc+/=123')).toBe('endpoint=https://a/;AccessKey=***');
  });

  it('masks HMAC signatures and bearer tokens', () => {
    expect(redact('HMAC-SHA256 SignedHeaders=x-ms-date;host&Signature=AbC+/1=')).toBe(
      'HMAC-SHA256 SignedHeaders=x-ms-date;host&Signature=***',
    );
    expect(redact('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer ***');
  });

  it('masks JWTs anywhere and token fields of JSON', () => {
    expect(redact('got eyJhbGciOi.eyJzdWIi.sig_-x here')).toBe('got <jwt ***> here');
    expect(redact('{"token":"opaque","other":"kept"}')).toBe('{"token":"***","other":"kept"}');
  });

  it('masks secrets registered at run time', () => {
    addSecret('a-literal-secret-value');
    expect(redact('x a-literal-secret-value y')).toBe('x *** y');
  });
});

describe('redact and placeholders', () => {
  it('leaves the placeholder of an example connection string readable', () => {
    const example = 'Expected "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>".';
    expect(redact(example)).toBe(example);
    expect(redact('accesskey=<x>c2VjcmV0')).toBe('accesskey=***');
  });
});
