import { FATAL, TokenRefresherError, type TokenRefresherErrorCode, toTokenRefresherError } from './errors.js';
import { type HeldToken, normalizeOptions, type TokenRefresherOptions, toHeldToken } from './options.js';
import { backoffDelay, refreshDelay } from './schedule.js';

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

/**
 * What tabs tell each other (short keys: the bundle budget). `need`: a tab waits for a token (`f`: a new one);
 * `tok`: a token `k` with the skew `s`, the leader's planned refresh `d` and `f` when just fetched; `fail`/`fatal`: the leader's error code `c`
 * and message `m`, attempt `a`, next retry `n`.
 */
type Message = { id: number } & (
  | { t: 'need'; f?: boolean }
  | { t: 'who' }
  | { t: 'bye' }
  | { t: 'lead' }
  | { t: 'tok'; k: HeldToken; s: number; d: number | undefined; f?: boolean }
  | { t: 'fail'; c: TokenRefresherErrorCode; m: string; a: number; n: number }
  | { t: 'fatal'; c: TokenRefresherErrorCode; m: string }
);

interface Waiter {
  fails: number;
  ok(t: AccessToken): void;
  fail(e: unknown): void;
}

/** A waiting `getToken` rejects after this many failed attempts in a row (background retries go on). */
const WAIT_FAILURES = 3;
/** No timer sleeps longer than this: each wake-up compares the wall clock with the schedule (sleep detection). */
const TICK_MS = 30_000;
const disposedError = () =>
  new TokenRefresherError('DISPOSED', 'The token refresher was disposed; create a new one.');

/** Creates a token refresher; see {@link TokenRefresherOptions}. Throws `INVALID_OPTIONS` for bad options. */
export function createTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  const o = normalizeOptions(options);
  const env = o.env;
  const id = env.random();
  const listeners: Record<string, Set<(e: never) => void>> = {};
  const waiters = new Set<Waiter>();
  const BC = env.BroadcastChannel;
  const channel = o.channel && BC ? new BC(o.channel) : undefined;
  const locks = env.locks;
  let cur: HeldToken | undefined;
  let skew = 0;
  let ctrl: AbortController | undefined;
  let attempt = 0;
  let dueAt: number | undefined;
  let timer: unknown;
  let leaderTimer: unknown;
  let fatal: TokenRefresherError | undefined;
  let disposed = false;
  let expiredToken: string | undefined;
  let leader = !channel;
  /** When the leading tab retries next (from its last `fail` message). */
  let leaderRetryAt = 0;
  /** When the leading tab fetches next (its planned refresh or retry, from its last `tok` or `fail` message). */
  let leaderAt: number | undefined;
  let resign: (() => void) | undefined;

  const now = () => env.now();
  const usable = (): boolean => !!cur && cur.exp - now() - skew > o.minValidityMs;
  const local = (c: HeldToken): AccessToken => ({ token: c.token, expiresOnTimestamp: c.exp - skew });
  // After dispose (possibly from inside an event listener) the channel is closed: nothing may be posted or scheduled.
  const post = (m: { t: string } & Record<string, unknown>) => disposed || channel?.postMessage({ ...m, id });
  const share = (fresh?: boolean) => post({ t: 'tok', k: cur, s: skew, d: dueAt, f: fresh });
  const later = (f: () => void, ms: number) => (disposed ? undefined : env.setTimeout(f, ms));
  const clear = () => {
    env.clearTimeout(timer);
    timer = undefined;
  };
  const abortError = (signal: AbortSignalLike) =>
    (signal as { reason?: unknown }).reason ?? new TokenRefresherError('ABORTED', 'getToken was aborted.');

  function emit<K extends keyof TokenRefresherEvents>(type: K, event: TokenRefresherEvents[K]): void {
    for (const listener of (listeners[type] ?? []) as Set<(e: TokenRefresherEvents[K]) => void>) {
      try {
        listener(event);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** Resolves waiters with the held token, or counts a failure against them (rejecting at once when `final`). */
  function settle(error?: TokenRefresherError, final?: boolean): void {
    for (const w of waiters) {
      if (!error) cur && usable() && w.ok(local(cur));
      else if (final || ++w.fails >= WAIT_FAILURES) w.fail(error);
    }
  }

  function failed(error: TokenRefresherError, a: number, nextRetryAt: number): void {
    attempt = a;
    emit('failed', { error, attempt: a, nextRetryAt });
    settle(error);
  }

  function setFatal(error: TokenRefresherError): void {
    fatal = error;
    attempt = 0;
    dueAt = undefined;
    clear();
    emit('fatal', { error });
    settle(error, true);
  }

  /**
   * Takes a token: this tab's own fetch (shared with the other tabs), or another tab's (`fresh`: that tab just fetched
   * it, so it is taken unless it expires earlier than the held one, e.g. after `refresh()`; else it is a reply, taken
   * only when it is newer). Plans and tells the other tabs before the listeners run (they may dispose).
   */
  function accept(c: HeldToken, s: number, fromOtherTab: boolean, fresh?: boolean): void {
    if (fromOtherTab && cur && (fresh ? c.exp < cur.exp : c.exp - s <= cur.exp - skew)) return;
    cur = c;
    skew = s;
    attempt = 0;
    fatal = undefined;
    dueAt = undefined;
    clear();
    if (leader) plan();
    if (!fromOtherTab) share(true);
    emit('refreshed', { expiresOnTimestamp: c.exp - s, fromOtherTab });
    settle();
  }

  function plan(): void {
    if (!cur) return;
    const remaining = cur.exp - now() - skew;
    dueAt = now() + refreshDelay(remaining, o.refreshBeforeMs, o.minValidityMs, o.jitter, env.random);
    arm();
  }

  function arm(): void {
    clear();
    if (disposed || dueAt === undefined) return;
    timer = later(
      () => {
        timer = undefined;
        check();
      },
      Math.max(0, Math.min(dueAt - now(), TICK_MS)),
    );
  }

  /** Runs on every timer tick, page event and `getToken`: reports expiry, refreshes when due by the wall clock. */
  function check(): void {
    if (disposed) return;
    if (cur && now() + skew >= cur.exp && expiredToken !== cur.token) {
      expiredToken = cur.token;
      emit('expired', { expiresOnTimestamp: cur.exp - skew });
    }
    if (ctrl) return;
    if (dueAt !== undefined && now() >= dueAt) {
      if (leader || waiters.size) void refresh();
      else {
        dueAt = undefined;
        attempt = 0;
      }
    } else if (timer === undefined) arm();
  }

  /** Fetches a token. Never rejects: outcomes go to waiters, events and the other tabs. */
  async function refresh(): Promise<void> {
    if (disposed) return;
    clear();
    dueAt = undefined;
    const c = new AbortController();
    ctrl = c;
    const sent = now();
    try {
      const h = toHeldToken(await o.source({ signal: c.signal }));
      if (c.signal.aborted) return;
      const received = now();
      const s = h.srv === undefined ? skew : h.srv - (sent + received) / 2;
      if (h.exp - received - s <= o.minValidityMs) {
        throw new TokenRefresherError(
          'INVALID_RESPONSE',
          'The token service returned a token that expires within minValidityMs.',
        );
      }
      ctrl = undefined;
      accept(h, s, false);
    } catch (e) {
      if (c.signal.aborted) return;
      ctrl = undefined;
      const error = toTokenRefresherError(e);
      const { code, message: m } = error;
      // The other tabs hear first: a listener may dispose this one.
      if (Object.values(FATAL).includes(code)) {
        post({ t: 'fatal', c: code, m });
        setFatal(error);
      } else {
        const a = attempt + 1;
        const n =
          now() + Math.max(error.retryAfterMs ?? 0, backoffDelay(a, o.retryBaseMs, o.retryMaxMs, env.random));
        post({ t: 'fail', c: code, m, a, n });
        dueAt = n;
        failed(error, a, n);
        check();
      }
    }
  }

  /**
   * Someone waits for a token (`force`: a new one): the leader fetches (unless a request is in flight, or a retry is
   * scheduled and nobody forces), a follower asks.
   */
  function demand(force?: boolean): void {
    if (leader) {
      if (!ctrl && (force || !attempt)) void refresh();
    } else {
      post({ t: 'need', f: force });
      if (leaderTimer === undefined) waitForLeader();
    }
  }

  /**
   * After `leaderTimeoutMs` without word from a leader (counted from its next retry while it is retrying): claim
   * leadership (no Web Locks), or fetch for our own waiters.
   */
  function waitForLeader(): void {
    env.clearTimeout(leaderTimer);
    leaderTimer = later(
      () => {
        leaderTimer = undefined;
        if (leader || disposed) return;
        if (!locks) lead();
        else if (waiters.size && !ctrl) void refresh();
      },
      o.leaderTimeoutMs + Math.max(0, leaderRetryAt - now()),
    );
  }

  function lead(): void {
    if (leader || disposed) return;
    leader = true;
    attempt = 0;
    post({ t: 'lead' });
    emit('leadership', { leader });
    if (waiters.size) demand();
    else if (dueAt === undefined) plan();
  }

  function stepDown(): void {
    leader = false;
    emit('leadership', { leader });
    if (!waiters.size) {
      dueAt = undefined;
      clear();
    }
  }

  if (channel) {
    channel.onmessage = ({ data }) => {
      const m = data as Message;
      if (disposed) return;
      if (m.t === 'need' || m.t === 'who') {
        if (!leader) return;
        if (m.t === 'who') post({ t: 'lead' });
        else if (!m.f && cur && usable()) share();
        else demand(m.f);
        return;
      }
      if (m.t === 'bye') {
        if (!locks) lead();
        return;
      }
      // Without Web Locks, two tabs may both claim leadership for a moment: the lower id keeps it.
      if (m.t === 'lead' && leader && !locks) {
        if (m.id < id) stepDown();
        else post({ t: 'lead' });
      }
      env.clearTimeout(leaderTimer);
      leaderTimer = undefined;
      if (m.t === 'tok') {
        leaderAt = m.d;
        accept(m.k, m.s, true, m.f);
      } else if (m.t !== 'lead' && !leader) {
        const error = new TokenRefresherError(m.c, m.m);
        if (m.t === 'fatal') setFatal(error);
        else {
          leaderRetryAt = leaderAt = m.n;
          failed(error, m.a, m.n);
        }
      }
      if (!leader && waiters.size) {
        if (m.t === 'lead') post({ t: 'need' });
        waitForLeader();
      }
    };
    if (locks) {
      const ac = new AbortController();
      let release: (() => void) | undefined;
      locks
        .request(o.channel as string, { signal: ac.signal }, () =>
          disposed
            ? Promise.resolve()
            : new Promise<void>((r) => {
                release = r;
                lead();
              }),
        )
        // A refused lock (e.g. a sandboxed frame) leaves this tab to fetch for itself; after dispose, lead() is a no-op.
        .catch(lead);
      resign = () => {
        ac.abort();
        release?.();
      };
    } else {
      post({ t: 'who' });
      waitForLeader();
    }
  }

  const onVisibility = () => env.document?.visibilityState === 'visible' && check();
  const onOnline = () => {
    if (attempt && dueAt !== undefined) dueAt = now();
    check();
  };
  const onPageHide = () => {
    if (leader && channel && !locks) {
      post({ t: 'bye' });
      stepDown();
    }
  };
  const windowListeners: [string, () => void][] = [
    ['focus', check],
    ['pageshow', check],
    ['online', onOnline],
    ['pagehide', onPageHide],
  ];
  for (const [type, l] of windowListeners) env.window?.addEventListener(type, l);
  env.document?.addEventListener('visibilitychange', onVisibility);

  /** `getToken` (a usable held token will do) and `refresh` (`force`: only a token that arrives later will). */
  function wait(opts: GetTokenOptions | undefined, force: boolean): Promise<AccessToken> {
    const signal = opts?.abortSignal;
    if (signal?.aborted && !disposed) return Promise.reject(abortError(signal));
    // An `expired` listener may dispose.
    check();
    if (disposed) return Promise.reject(disposedError());
    if (!force && cur && usable()) return Promise.resolve(local(cur));
    return new Promise<AccessToken>((resolve, reject) => {
      const onAbort = () => w.fail(abortError(signal as AbortSignalLike));
      const done = () => {
        waiters.delete(w);
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = {
        fails: 0,
        ok(t) {
          done();
          resolve(t);
        },
        fail(e) {
          done();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort);
      waiters.add(w);
      demand(force);
    });
  }

  return {
    getToken: (opts) => wait(opts, false),
    refresh: (opts) => wait(opts, true),
    dispose() {
      if (disposed) return;
      if (leader && !locks) post({ t: 'bye' });
      disposed = true;
      leader = false;
      clear();
      env.clearTimeout(leaderTimer);
      ctrl?.abort();
      ctrl = undefined;
      resign?.();
      channel?.close();
      for (const [type, l] of windowListeners) env.window?.removeEventListener(type, l);
      env.document?.removeEventListener('visibilitychange', onVisibility);
      settle(disposedError(), true);
    },
    get state(): TokenRefresherState {
      if (disposed) return 'disposed';
      if (ctrl || (leaderTimer !== undefined && waiters.size)) return 'refreshing';
      if (fatal) return 'fatal';
      if (attempt) return 'retrying';
      return usable() ? 'fresh' : cur ? 'stale' : 'idle';
    },
    get isLeader() {
      return leader;
    },
    get nextRefreshAt() {
      return disposed || fatal ? undefined : leader ? dueAt : leaderAt;
    },
    on(type, listener) {
      listeners[type] ??= new Set();
      const set = listeners[type];
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
}
