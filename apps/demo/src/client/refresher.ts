import { createTokenRefresher, type TokenRefresher } from '@acs-identity/browser-token-refresher';
import type { DemoConfig } from './api.js';
import type { FeedEvent, FeedToken, TokenFeed } from './feed.js';
import { formatRelative, formatTime } from './format.js';
import type { SignIn } from './session.js';

/**
 * Adapts @acs-identity/browser-token-refresher to the views' TokenFeed.
 *
 * "Refresh now" and "revoke" need every tab to drop the token it holds. The refresher has no call for that, so the
 * demo starts a new refresh round: it bumps a round number in localStorage, and every tab replaces its refresher with
 * one on a new channel (a fresh election, a fresh token).
 */

/** The refresher's defaults, repeated to show when the next refresh is due. */
const REFRESH_BEFORE_MS = 600_000;
const MIN_VALIDITY_MS = 120_000;
const JITTER = 0.05;
const SCOPES = ['chat', 'voip'] as const;
const ROUND_KEY = 'acs-identity-demo.refresh-round';
const MAX_EVENTS = 100;

function readRound(): number {
  const value = Number(localStorage.getItem(ROUND_KEY) ?? '0');
  return Number.isSafeInteger(value) ? value : 0;
}

/** When the leading tab refreshes a token with `remaining` ms left: the refresher's rule, without and with jitter. */
export function refreshWindow(now: number, remaining: number): { earliest: number; latest: number } {
  const wait =
    remaining >= REFRESH_BEFORE_MS ? remaining - REFRESH_BEFORE_MS : (remaining - MIN_VALIDITY_MS) / 2;
  const latest = Math.max(0, wait);
  return { earliest: now + latest * (1 - JITTER), latest: now + latest };
}

export function createFeed(signIn: SignIn, config: DemoConfig): TokenFeed {
  const listeners = new Set<() => void>();
  const events: FeedEvent[] = [];
  let refresher: TokenRefresher | undefined;
  let unsubscribers: (() => void)[] = [];
  let current: FeedToken | undefined;
  let plan: { earliest: number; latest: number } | undefined;
  let signInRejected = false;
  let round = readRound();
  let disposed = false;

  const changed = () => {
    for (const listener of listeners) listener();
  };
  const log = (type: FeedEvent['type'], message: string) => {
    events.push({ at: Date.now(), type, message });
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    changed();
  };

  async function pull(r: TokenRefresher): Promise<void> {
    try {
      const token = await r.getToken();
      if (r !== refresher) return;
      current = token;
      plan = refreshWindow(Date.now(), token.expiresOnTimestamp - Date.now());
      changed();
    } catch {
      // Failures reach the log through the refresher's own events (failed, fatal); a token that arrives later comes
      // with a `refreshed` event, which pulls again.
    }
  }

  function start(): void {
    const r = createTokenRefresher({
      url: '/graphql',
      authorization: () => `Bearer ${signIn.token}`,
      scopes: SCOPES,
      expiresInMinutes: config.tokenLifetimeMinutes,
      channelName: `acs-identity-demo:${signIn.user}:${round}`,
    });
    refresher = r;
    unsubscribers = [
      r.on('refreshed', (e) => {
        const expires = formatTime(new Date(e.expiresOnTimestamp));
        log(
          'refreshed',
          e.fromOtherTab
            ? `New token shared by the leading tab; expires ${expires}.`
            : `New token from the gateway; expires ${expires}.`,
        );
        void pull(r);
      }),
      r.on('failed', (e) => {
        log('failed', `Attempt ${e.attempt} failed: ${e.error.message}`);
        log(
          'retrying',
          `Next attempt ${formatRelative(e.nextRetryAt - Date.now())} (${formatTime(new Date(e.nextRetryAt))}).`,
        );
      }),
      r.on('expired', () => log('expired', 'The token expired before a fresh one arrived.')),
      r.on('fatal', (e) => {
        if (e.error.code === 'UNAUTHENTICATED' || e.error.code === 'FORBIDDEN') signInRejected = true;
        log('fatal', `Refreshing stopped: ${e.error.message}`);
      }),
      r.on('leadership', (e) =>
        log(
          'leader',
          e.leader ? 'This tab now refreshes for all tabs.' : 'Another tab now refreshes for this one.',
        ),
      ),
    ];
    void pull(r);
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
    refresher?.dispose();
    refresher = undefined;
  }

  function restart(message: string): void {
    stop();
    current = undefined;
    plan = undefined;
    log('info', message);
    start();
  }

  const onStorage = (event: StorageEvent) => {
    if (event.key !== ROUND_KEY || disposed) return;
    const next = readRound();
    if (next === round) return;
    round = next;
    restart('Another tab asked for a new token: starting a new refresh round.');
  };
  globalThis.addEventListener('storage', onStorage);

  log(
    'info',
    `Refresher started for ${signIn.user} (scopes ${SCOPES.join(', ')}, ${config.tokenLifetimeMinutes} min).`,
  );
  start();

  return {
    get state() {
      return refresher?.state ?? 'disposed';
    },
    get leader() {
      return refresher?.isLeader;
    },
    get current() {
      return current;
    },
    get nextRefreshAt() {
      return plan?.latest;
    },
    get nextRefreshEarliest() {
      return plan?.earliest;
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
      round = Math.max(readRound(), round) + 1;
      localStorage.setItem(ROUND_KEY, String(round));
      restart('New refresh round requested: every tab drops its token.');
      const r = refresher;
      if (r !== undefined) await r.getToken();
    },
    dispose() {
      disposed = true;
      globalThis.removeEventListener('storage', onStorage);
      stop();
      listeners.clear();
    },
  };
}
