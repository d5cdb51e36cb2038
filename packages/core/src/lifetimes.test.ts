import { describe, expect, it } from 'vitest';
import { validateTokenLifetime } from './lifetimes.js';
import { TOKEN_LIFETIME } from './vocabulary.js';

describe('validateTokenLifetime', () => {
  it('has the service bounds and default', () => {
    expect(TOKEN_LIFETIME).toEqual({ minMinutes: 60, maxMinutes: 1440, defaultMinutes: 1440 });
  });

  it.each([60, 61, 720, 1440, '90'])('accepts %j', (minutes) => {
    expect(validateTokenLifetime(minutes)).toBe(Number(minutes));
  });

  it('rejects a lifetime of 1441 minutes with the service text', () => {
    expect(() => validateTokenLifetime(1441)).toThrowError(
      'ExpiresInMinutes value 1441 is invalid. Value must be within the [60, 1440] interval.',
    );
    expect(() => validateTokenLifetime(1441)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', target: 'ExpiresInMinutes' }),
    );
  });

  it('rejects a lifetime of 59 minutes with the service text', () => {
    expect(() => validateTokenLifetime(59)).toThrowError(
      'ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.',
    );
  });

  it('rejects a fractional lifetime showing the value', () => {
    expect(() => validateTokenLifetime(90.5)).toThrowError(
      'ExpiresInMinutes value 90.5 is invalid. Value must be a whole number of minutes within the [60, 1440] interval.',
    );
  });

  it.each([90.5, Number.NaN, 'ninety', null, undefined, '', -60, {}])('rejects %j', (minutes) => {
    expect(() => validateTokenLifetime(minutes)).toThrowError(/ExpiresInMinutes value .* is invalid/);
  });
});
