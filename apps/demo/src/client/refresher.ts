import {
  createTokenRefresher,
  isTokenRefresherError,
  type TokenRefresher,
  type TokenRefresherErrorCode,
} from '@acs-identity/browser-token-refresher';
import { DemoError, type DemoErrorCode } from '../errors.js';
import type { DemoConfig } from './api.js';
import type { FeedEvent, FeedToken, TokenFeed } from './feed.js';
import { formatRelative, formatTime } from './format.js';
import type { SignIn } from './session.js';

/**
 * Adapts @acs-identity/browser-token-refresher to the views' TokenFeed. All tabs of one signed-in user share one
 * channel: "Refresh now" and "revoke" call the refresher's `refresh()`, the leading tab fetches one new token and every
 * tab adopts it.
 */

const SCOPES = ['chat', 'voip'] as const;
const MAX_EVENTS = 100;

/** The refresher's error codes, mapped to the demo's (what the user reads is in problems.ts). */
const REFRESHER_CODES: Record<TokenRefresherErrorCode, DemoErrorCode> = {
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_REQUEST: 'BAD_INPUT',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INVALID_RESPONSE: 'SERVICE_UNAVAILABLE',
  DISPOSED: 'UNEXPECTED',
  ABORTED: 'UNEXPECTED',
};

function toFeedError(e: unknown): DemoError | undefined {
  if (!isTokenRefresherError(e)) return undefined;
  const code = e.retryAfterMs !== undefined ? 'THROTTLED' : REFRESHER_CODES[e.code];
  return new DemoError(code, e.message, { cause: e });
}

export function createFeed(signIn: SignIn, config: DemoConfig): TokenFeed {
  const listeners = new Set<() => void>();
  const events: FeedEvent[] = [];
  let current: FeedToken | undefined;
  let signInRejected = false;

  const changed = () => {
    for (const listener of listeners) listener();
  };
  const log = (type: FeedEvent['type'], message: string) => {
    events.push({ at: Date.now(), type, message });
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    changed();
  };
  const show = (token: FeedToken) => {
    current = token;
    changed();
  };

  const refresher: TokenRefresher = createTokenRefresher({
    url: '/graphql',
    authorization: () => `Bearer ${signIn.token}`,
    scopes: SCOPES,
    expiresInMinutes: config.tokenLifetimeMinutes,
    channelName: `acs-identity-demo:${signIn.user}`,
  });

  async function pull(): Promise<void> {
    try {
      show(await refresher.getToken());
    } catch {
      // Failures reach the log through the refresher's own events (failed, fatal); a token that arrives later comes
      // with a `refreshed` event, which pulls again.
    }
  }

  const unsubscribers = [
    refresher.on('refreshed', (e) => {
      const expires = formatTime(new Date(e.expiresOnTimestamp));
      log(
        'refreshed',
        e.fromOtherTab
          ? `New token shared by the leading tab; expires ${expires}.`
          : `New token from the gateway; expires ${expires}.`,
      );
      void pull();
    }),
    refresher.on('failed', (e) => {
      log('failed', `Attempt ${e.attempt} failed: ${e.error.message}`);
      log(
        'retrying',
        `Next attempt ${formatRelative(e.nextRetryAt - Date.now())} (${formatTime(new Date(e.nextRetryAt))}).`,
      );
    }),
    refresher.on('expired', () => log('expired', 'The token expired before a fresh one arrived.')),
    refresher.on('fatal', (e) => {
      if (e.error.code === 'UNAUTHENTICATED' || e.error.code === 'FORBIDDEN') signInRejected = true;
      log('fatal', `Refreshing stopped: ${e.error.message}`);
    }),
    refresher.on('leadership', (e) =>
      log(
        'leader',
        e.leader ? 'This tab now refreshes for all tabs.' : 'Another tab now refreshes for this one.',
      ),
    ),
  ];

  log(
    'info',
    `Refresher started for ${signIn.user} (scopes ${SCOPES.join(', ')}, ${config.tokenLifetimeMinutes} min).`,
  );
  void pull();

  return {
    get state() {
      return refresher.state;
    },
    get leader() {
      return refresher.state === 'disposed' ? undefined : refresher.isLeader;
    },
    get current() {
      return current;
    },
    get nextRefreshAt() {
      return refresher.nextRefreshAt;
    },
    get events() {
      return events;
    },
    get signInRejected() {
      return signInRejected;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async refreshNow() {
      log('info', 'New token requested: the leading tab fetches one for every tab.');
      try {
        show(await refresher.refresh());
      } catch (e) {
        // Signed out meanwhile: nothing to tell.
        if (isTokenRefresherError(e) && e.code === 'DISPOSED') return;
        throw toFeedError(e) ?? e;
      }
    },
    note: log,
    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      refresher.dispose();
      listeners.clear();
    },
  };
}
