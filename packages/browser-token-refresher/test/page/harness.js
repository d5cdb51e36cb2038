// Runs in the test page: creates a refresher against the gateway named in the query string and records what it
// reports, so the Node side can wait for events instead of sleeping.
import { createTokenRefresher } from '/dist/index.js';

const params = new URLSearchParams(location.search);
const events = [];
const unhandled = [];
let waiters = [];
let refresher;

window.addEventListener('unhandledrejection', (e) => unhandled.push(String(e.reason)));
window.addEventListener('error', (e) => unhandled.push(String(e.message)));

/**
 * The app's own login: `dev:<user>` signs in at the gateway's development sign-in on every call (as an app would
 * refresh its login), anything else is used as the bearer token as is.
 */
async function authorization() {
  const auth = params.get('auth');
  if (!auth) return undefined;
  if (!auth.startsWith('dev:')) return `Bearer ${auth}`;
  const res = await fetch(new URL('/dev/sign-in', params.get('gateway')), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: auth.slice(4) }),
  });
  return `Bearer ${(await res.json()).token}`;
}

function notify() {
  waiters = waiters.filter((w) => !w());
}

/** Resolves with `value()` once `done()` holds, re-checked after every recorded event. */
function when(done, value = () => undefined) {
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return false;
      resolve(value());
      return true;
    };
    if (!check()) waiters.push(check);
  });
}

window.harness = {
  /** Creates the refresher; `disposeOn`: an event type whose listener (registered first) disposes it. */
  start(options = {}, disposeOn) {
    refresher = createTokenRefresher({
      url: params.get('gateway'),
      authorization,
      scopes: ['chat', 'voip'],
      expiresInMinutes: 60,
      ...options,
    });
    if (disposeOn) refresher.on(disposeOn, () => refresher.dispose());
    for (const type of ['refreshed', 'failed', 'expired', 'fatal', 'leadership']) {
      refresher.on(type, (e) => {
        events.push({
          type,
          at: Date.now(),
          ...e,
          ...(e.error ? { error: { code: e.error.code, message: e.error.message } } : {}),
        });
        notify();
      });
    }
  },
  /** Resolves once `count` events of `type` have been seen. */
  waitFor(type, count) {
    return when(() => events.filter((e) => e.type === type).length >= count);
  },
  /** getToken, returning the outcome instead of throwing, plus the page's clock at that moment. */
  async getToken() {
    try {
      const t = await refresher.getToken();
      return { ok: true, token: t.token, expiresOnTimestamp: t.expiresOnTimestamp, now: Date.now() };
    } catch (e) {
      return { ok: false, code: e.code ?? e.name, message: e.message, now: Date.now() };
    }
  },
  /** Starts a getToken call and keeps its promise; `settled()` reports its outcome later. */
  startGetToken() {
    const p = this.getToken();
    this.pending = { outcome: undefined };
    p.then((o) => {
      this.pending.outcome = o;
      notify();
    });
  },
  waitForPending() {
    return when(
      () => this.pending.outcome !== undefined,
      () => this.pending.outcome,
    );
  },
  dispose() {
    refresher.dispose();
  },
  /** refresh(), returning the outcome instead of throwing. */
  async refresh() {
    try {
      const t = await refresher.refresh();
      return { ok: true, token: t.token, expiresOnTimestamp: t.expiresOnTimestamp, now: Date.now() };
    } catch (e) {
      return { ok: false, code: e.code ?? e.name, message: e.message, now: Date.now() };
    }
  },
  get nextRefreshAt() {
    return refresher.nextRefreshAt;
  },
  get state() {
    return refresher.state;
  },
  get isLeader() {
    return refresher.isLeader;
  },
  events,
  unhandled,
};
window.harnessReady = true;
