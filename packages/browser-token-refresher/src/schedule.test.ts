import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, refreshDelay } from './schedule.js';

const MINUTE = 60_000;

describe('refreshDelay', () => {
  it('waits until refreshBefore ms before expiry when enough lifetime is left', () => {
    expect(refreshDelay(60 * MINUTE, 10 * MINUTE, 2 * MINUTE, 0, () => 0.5)).toBe(50 * MINUTE);
  });

  it('waits half of the time left above the margin when less than refreshBefore is left', () => {
    expect(refreshDelay(8 * MINUTE, 10 * MINUTE, 2 * MINUTE, 0, () => 0.5)).toBe(3 * MINUTE);
  });

  it('refreshes at once for a token already within the margin', () => {
    expect(refreshDelay(MINUTE, 10 * MINUTE, 2 * MINUTE, 0.1, () => 0.5)).toBe(0);
    expect(refreshDelay(-MINUTE, 10 * MINUTE, 2 * MINUTE, 0.1, () => 0.5)).toBe(0);
  });

  it('only ever moves the refresh earlier, by at most the jitter fraction, and never into the margin', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 48 * 60 * MINUTE }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (remaining, jitter, r) => {
          const plain = refreshDelay(remaining, 10 * MINUTE, 2 * MINUTE, 0, () => r);
          const d = refreshDelay(remaining, 10 * MINUTE, 2 * MINUTE, jitter, () => r);
          expect(d).toBeLessThanOrEqual(plain);
          expect(d).toBeGreaterThanOrEqual(plain * (1 - jitter) - 1e-6);
          expect(d).toBeLessThanOrEqual(Math.max(0, remaining - 2 * MINUTE));
        },
      ),
    );
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const upper = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 1000, 60_000, () => 1));
    expect(upper).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('stays within 50-100 % of the step for any random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const step = Math.min(60_000, 1000 * 2 ** (attempt - 1));
          const d = backoffDelay(attempt, 1000, 60_000, () => r);
          expect(d).toBeGreaterThanOrEqual(step / 2);
          expect(d).toBeLessThanOrEqual(step);
        },
      ),
    );
  });
});
