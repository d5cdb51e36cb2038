/** What the views need from the token refresher; `refresher.ts` adapts the real one to it. */

export type FeedEventType = 'refreshed' | 'failed' | 'retrying' | 'expired' | 'fatal' | 'leader' | 'info';

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
  /** When the next proactive refresh is due at the latest, local ms, when known. */
  readonly nextRefreshAt: number | undefined;
  /** The earliest moment the next proactive refresh may happen (the refresher refreshes up to 5% early at random). */
  readonly nextRefreshEarliest: number | undefined;
  /** True once the gateway refused the sign-in (401/403): the user must sign in again. */
  readonly signInRejected: boolean;
  readonly events: readonly FeedEvent[];
  /** Called after every change (new token, event, state). */
  subscribe(listener: () => void): () => void;
  /** Fetches a new token now. */
  refreshNow(): Promise<void>;
  dispose(): void;
}
