import { describe, expect, it } from 'vitest';
import { isTokenRefresherError, TokenRefresherError, toTokenRefresherError } from './errors.js';

describe('toTokenRefresherError', () => {
  it('keeps our own errors as they are', () => {
    const e = new TokenRefresherError('FORBIDDEN', 'no');
    expect(toTokenRefresherError(e)).toBe(e);
  });

  it.each([
    [{ status: 401, message: 'a' }, 'UNAUTHENTICATED'],
    [{ statusCode: 403, message: 'b' }, 'FORBIDDEN'],
    [{ code: 'UNAUTHENTICATED', message: 'core error' }, 'UNAUTHENTICATED'],
    [{ code: 'FORBIDDEN', message: 'core error' }, 'FORBIDDEN'],
    [{ code: 'BAD_USER_INPUT', message: 'GraphQL error' }, 'INVALID_REQUEST'],
    [new TypeError('Failed to fetch'), 'SERVICE_UNAVAILABLE'],
    [{ status: 500 }, 'SERVICE_UNAVAILABLE'],
    ['a string', 'SERVICE_UNAVAILABLE'],
    [undefined, 'SERVICE_UNAVAILABLE'],
  ])('maps %j to %s, keeping it as the cause', (thrown, code) => {
    const e = toTokenRefresherError(thrown);
    expect(isTokenRefresherError(e)).toBe(true);
    expect(e.code).toBe(code);
    expect(e.cause).toBe(thrown);
    expect(e.name).toBe('TokenRefresherError');
  });

  it('carries the HTTP status when there was one', () => {
    expect(toTokenRefresherError({ status: 401 }).status).toBe(401);
    expect(toTokenRefresherError(new Error('x')).status).toBeUndefined();
  });
});
