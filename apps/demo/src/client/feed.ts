/** What the views need from the token refresher; `refresher.ts` adapts the real one to it. */

export type FeedEventType =
  | 'refreshed'
  | 'failed'
  | 'retrying'
  | 'expired'
  | 'fatal'
  | 'leader'
  | 'revoked'
  | 'info';

export interface FeedEvent {
  /** Local time of the event, ms since the epoch. */
  at: number;
  type: FeedEventType;
  message: string;
}

export interface FeedToken {
  token: string;
  /** Expiry on this tab's clock (corrected for skew), ms since the epoch. */
  expiresOnTimestamp: number;
}

export interface TokenFeed {
  /** The refresher's own state name. */
  readonly state: string;
  /** Whether this tab is the one that refreshes for all tabs; undefined while unknown. */
  readonly leader: boolean | undefined;
  readonly current: FeedToken | undefined;
  /**
   * When the next token request is planned (local ms): the proactive refresh or the next retry, of this tab or of the
   * leading tab; undefined when nothing is planned.
   */
  readonly nextRefreshAt: number | undefined;
  /** True once the gateway refused the sign-in (401/403): the user must sign in again. */
  readonly signInRejected: boolean;
  readonly events: readonly FeedEvent[];
  /** Called after every change (new token, event, state). */
  subscribe(listener: () => void): () => void;
  /** Gets a new token now, for every tab (the leading tab fetches it). Rejects with a DemoError. */
  refreshNow(): Promise<void>;
  /** Adds an event of the app's own (e.g. `revoked`) to the log. */
  note(type: FeedEventType, message: string): void;
  dispose(): void;
}
