import { type AcsIdentityError, isAcsIdentityError } from '../../src/index.js';

/** The AcsIdentityError a promise rejects with; fails the test when it resolves or rejects with something else. */
export async function rejection(promise: Promise<unknown>): Promise<AcsIdentityError> {
  try {
    await promise;
  } catch (e) {
    if (isAcsIdentityError(e)) return e;
    throw new Error(`expected an AcsIdentityError, got ${String(e)}`);
  }
  throw new Error('expected the promise to reject');
}
