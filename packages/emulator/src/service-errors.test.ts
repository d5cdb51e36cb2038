import { describe, expect, it } from 'vitest';
import { isEmulatorError } from './errors.js';
import { SERVICE_ERROR_STATUS, type ServiceErrorCode, serviceErrors } from './service-errors.js';

/** Every wire error, built with a placeholder for each argument (a one-item list: it serves as text and as a list). */
const built = Object.entries(serviceErrors).map(([name, factory]) => {
  const args = Array.from({ length: factory.length }, () => ['2023-10-01']);
  return { name, error: (factory as (...a: unknown[]) => Error)(...args) };
});

describe('the wire error table', () => {
  it('gives each error the status of its code, as a REQUEST_REJECTED EmulatorError', () => {
    for (const { name, error } of built) {
      expect(isEmulatorError(error) && error.code).toBe('REQUEST_REJECTED');
      const reply = isEmulatorError(error) ? error.reply : undefined;
      expect({ name, status: reply?.status }).toEqual({
        name,
        status: SERVICE_ERROR_STATUS[reply?.code as ServiceErrorCode],
      });
      expect(reply?.message).not.toBe('');
    }
  });

  it('has no code that no error uses', () => {
    const used = new Set(built.map(({ error }) => (isEmulatorError(error) ? error.reply?.code : undefined)));
    expect(Object.keys(SERVICE_ERROR_STATUS).filter((code) => !used.has(code))).toEqual([]);
  });

  it('keeps the exact texts the service answers (reference section 3)', () => {
    expect(serviceErrors.identityNotOwned().reply).toEqual({
      status: 401,
      code: 'IdentityNotOwned',
      message: "Provided identity doesn't belong to the resource.",
    });
    expect(serviceErrors.scopesRequired().reply).toMatchObject({
      status: 400,
      message: 'Invalid scopes - Scopes field is required.',
      target: 'scopes',
    });
    expect(serviceErrors.unexpectedUser().reply).toMatchObject({
      message: 'Provided AAD token issued for unexpected user.',
      target: 'userId',
    });
  });
});
