import { toAcsIdentityError } from '@acs-identity/core';
import { CliError, isCliError } from '../errors.js';

/** Checks that an option is a whole number within bounds. */
export function integerOption(name: string, value: number, min = -Infinity, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = Number.isFinite(max) ? ` from ${min} to ${max}` : '';
    throw new CliError('USAGE', `--${name} must be a whole number${range}, got ${value}.`);
  }
  return value;
}

/** Re-throws a failure of a core operation as the core error it is (converted by core's own converter). */
export function rethrow(error: unknown): never {
  if (isCliError(error)) throw error;
  throw toAcsIdentityError(error);
}
