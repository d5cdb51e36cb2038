import type { TokenRefresherError } from './errors.js';

/** The public shape of a token refresher: what `createTokenRefresher` returns, its events and states. */

/** What `getToken` resolves: the shape of `@azure/core-auth`'s `AccessToken`. */
export interface AccessToken {
  token: string;
  /** Expiry in epoch milliseconds on the local clock (corrected for the skew measured against the server). */
  expiresOnTimestamp: number;
}

/** Any abort signal with the shape of `@azure/abort-controller`'s `AbortSignalLike` (a DOM `AbortSignal` fits). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface GetTokenOptions {
  /** Ends this caller's wait (rejecting with the signal's reason); the shared request goes on for others. */
  abortSignal?: AbortSignalLike | undefined;
}

/**
 * - `idle`: no token yet, nothing in flight; `fresh`: holds a token valid beyond the margin; `stale`: holds one that
 *   is expired or within the margin; `refreshing`: a request (or a wait for the leading tab) is under way;
 *   `retrying`: the last attempt failed and a retry is scheduled; `fatal`: the service refused (401/403/bad request),
 *   nothing runs until the next `getToken`; `disposed`.
 */
export type TokenRefresherState =
  | 'idle'
  | 'fresh'
  | 'stale'
  | 'refreshing'
  | 'retrying'
  | 'fatal'
  | 'disposed';

export interface TokenRefresherEvents {
  /** A new token arrived, from this tab's request or from another tab. The token itself is not in the event. */
  refreshed: { expiresOnTimestamp: number; fromOtherTab: boolean };
  /** A transient failure (this tab's, or the leading tab's); the next attempt is scheduled at `nextRetryAt`. */
  failed: { error: TokenRefresherError; attempt: number; nextRetryAt: number };
  /** The held token passed its expiry before a fresh one arrived (e.g. after sleep or a long outage). */
  expired: { expiresOnTimestamp: number };
  /** 401/403/bad request: background refreshing stopped; sign the user in again, the next `getToken` retries. */
  fatal: { error: TokenRefresherError };
  /** This tab became, or stopped being, the one tab that fetches tokens for all tabs of the origin. */
  leadership: { leader: boolean };
}

/** A `CommunicationTokenCredential` for the ACS Calling and Chat SDKs that keeps its token fresh. */
export interface TokenRefresher {
  /** Resolves a token valid for more than `minValidityMs`, waiting for a fresh one when needed. */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /**
   * Gets a new token now, for every tab sharing the channel (after a revocation, or when the app wants new claims):
   * the leading tab fetches once (joining a request already in flight) and the others adopt its token. Resolves the
   * new token; rejects like `getToken` (fatal errors at once, transient ones after three failed attempts).
   */
  refresh(options?: GetTokenOptions): Promise<AccessToken>;
  /**
   * Stops all timers, listeners and requests, hands leadership over, and rejects pending calls. Safe to call at any
   * time, also from inside an event listener; afterwards nothing runs and no event is emitted.
   */
  dispose(): void;
  readonly state: TokenRefresherState;
  /** Whether this tab is the one fetching tokens for every tab sharing the channel (false once disposed). */
  readonly isLeader: boolean;
  /**
   * When the next token request is planned (epoch ms, local clock): the proactive refresh or the next retry, of this
   * tab or, in a following tab, of the leading tab. `undefined` with no token yet, while a request is in flight, after
   * a fatal error and once disposed.
   */
  readonly nextRefreshAt: number | undefined;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof TokenRefresherEvents>(
    type: K,
    listener: (event: TokenRefresherEvents[K]) => void,
  ): () => void;
}
