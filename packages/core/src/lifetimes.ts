/**
 * Token lifetimes (reference section 2): 60..1440 minutes, default 1440.
 *
 * Isomorphic: no Node built-ins.
 */
import { AcsIdentityError, describeInput } from './errors.js';
import { TOKEN_LIFETIME } from './vocabulary.js';

/**
 * Returns `minutes` as a number when it is a whole number of minutes within [60, 1440] (a string of digits is
 * accepted too). Otherwise throws `INVALID_INPUT` with the service's text, target `ExpiresInMinutes`.
 */
export function validateTokenLifetime(minutes: unknown): number {
  const value = typeof minutes === 'string' && /^\s*-?\d+\s*$/.test(minutes) ? Number(minutes) : minutes;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `ExpiresInMinutes value ${describeInput(minutes)} is invalid. Value must be a whole number of minutes within the [${TOKEN_LIFETIME.minMinutes}, ${TOKEN_LIFETIME.maxMinutes}] interval.`,
      { target: 'ExpiresInMinutes' },
    );
  }
  if (value < TOKEN_LIFETIME.minMinutes || value > TOKEN_LIFETIME.maxMinutes) {
    throw new AcsIdentityError(
      'INVALID_INPUT',
      `ExpiresInMinutes value ${value} is invalid. Value must be within the [${TOKEN_LIFETIME.minMinutes}, ${TOKEN_LIFETIME.maxMinutes}] interval.`,
      { target: 'ExpiresInMinutes' },
    );
  }
  return value;
}
