import { createHash } from 'node:crypto';
import type { Authenticator, Caller } from './authenticate.js';
import { GatewayError, toGatewayError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * Failed authentications per client: each presented credential that fails (a wrong admin key, a forged, expired or
 * foreign token) takes a unit from two budgets, its client address's and the credential's own (so a broken token
 * replayed from many addresses runs out as well). A charge that does not fit blocks that address or credential until
 * its budget has a unit again: while blocked, requests with a credential are refused with `THROTTLED` before the
 * credential is even checked, so guessing gets no answer, right or wrong. With a shared limiter (PostgreSQL) the budgets
 * hold across instances; each instance learns of a block at its own next failure.
 */
export class AuthFailureBudget {
  readonly #limiter: RateLimiter;
  readonly #now: () => number;
  /** Blocked keys and until when (epoch ms), in this instance. */
  readonly #blocked = new Map<string, number>();

  constructor(limiter: RateLimiter, now: () => number) {
    this.#limiter = limiter;
    this.#now = now;
  }

  /** Whether the budget is on at all. */
  get enabled(): boolean {
    return this.#limiter.perMinute > 0;
  }

  /** How long `client` presenting `credential` must still wait (ms), or `undefined` when it may try. */
  blocked(client: string, credential: string): number | undefined {
    const now = this.#now();
    let wait: number | undefined;
    for (const key of keysOf(client, credential)) {
      const until = this.#blocked.get(key);
      if (until === undefined) continue;
      if (until <= now) this.#blocked.delete(key);
      else wait = Math.max(wait ?? 0, until - now);
    }
    return wait;
  }

  /** Counts a failure; returns how long to wait (ms) when it used up a budget, else `undefined`. */
  async failed(client: string, credential: string): Promise<number | undefined> {
    const now = this.#now();
    let wait: number | undefined;
    for (const key of keysOf(client, credential)) {
      const decision = await this.#limiter.take(key);
      if (decision.allowed) continue;
      if (this.#blocked.size > 10_000) this.#prune(now);
      this.#blocked.set(key, now + decision.retryAfterMs);
      wait = Math.max(wait ?? 0, decision.retryAfterMs);
    }
    return wait;
  }

  #prune(now: number) {
    for (const [key, until] of this.#blocked) if (until <= now) this.#blocked.delete(key);
  }
}

/** The budget keys of a client and a credential (the credential only as a digest). */
function keysOf(client: string, credential: string): [string, string] {
  const digest = createHash('sha256').update(credential, 'utf8').digest('base64url').slice(0, 32);
  return [`client:${client}`, `credential:${digest}`];
}

function throttled(retryAfterMs: number): GatewayError {
  return new GatewayError(
    'THROTTLED',
    'Too many failed sign-ins from this client or with this credential; wait before trying again.',
    { retryAfterMs },
  );
}

/**
 * Authenticates `authorization` for `client` within its failed-authentication budget: `THROTTLED` while the client or
 * the credential is blocked (nothing checked); a credential that fails with `UNAUTHENTICATED` is counted, and the one that
 * uses up a budget answers `THROTTLED` instead. No credential at all is not a failure.
 */
export async function authenticateWithin(
  authenticator: Authenticator,
  failures: AuthFailureBudget | undefined,
  authorization: string | null,
  client: string,
): Promise<Caller | undefined> {
  const credential = authorization?.trim() ?? '';
  if (failures === undefined || !failures.enabled || credential === '') {
    return authenticator.authenticate(authorization);
  }
  const wait = failures.blocked(client, credential);
  if (wait !== undefined) throw throttled(wait);
  try {
    return await authenticator.authenticate(authorization);
  } catch (e) {
    const error = toGatewayError(e);
    if (error.code !== 'UNAUTHENTICATED') throw error;
    const exhausted = await failures.failed(client, credential);
    throw exhausted === undefined ? error : throttled(exhausted);
  }
}
