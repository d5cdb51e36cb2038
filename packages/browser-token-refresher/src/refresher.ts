import type {
  AbortSignalLike,
  AccessToken,
  GetTokenOptions,
  TokenRefresher,
  TokenRefresherEvents,
  TokenRefresherState,
} from './credential.js';
import type { BroadcastChannelLike, TokenRefresherEnvironment } from './environment.js';
import { FATAL, TokenRefresherError, type TokenRefresherErrorCode, toTokenRefresherError } from './errors.js';
import { type NormalizedOptions, normalizeOptions, type TokenRefresherOptions } from './options.js';
import { backoffDelay, refreshDelay } from './schedule.js';
import { type HeldToken, toHeldToken } from './token.js';

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
  _fails: number;
  _ok(t: AccessToken): void;
  _fail(e: unknown): void;
}

/** Fixed limits (an enum: the build inlines its values). */
enum Limit {
  /** A waiting `getToken` rejects after this many failed attempts in a row (background retries go on). */
  WAIT_FAILURES = 3,
  /** No timer sleeps longer than this: each wake-up compares the wall clock with the schedule (sleep detection). */
  TICK_MS = 30_000,
}
const disposedError = () =>
  new TokenRefresherError('DISPOSED', 'The token refresher was disposed; create a new one.');
const abortError = (signal: AbortSignalLike) =>
  (signal as { reason?: unknown }).reason ?? new TokenRefresherError('ABORTED', 'getToken was aborted.');

/** Creates a token refresher; see {@link TokenRefresherOptions}. Throws `INVALID_OPTIONS` for bad options. */
export function createTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  return new Refresher(normalizeOptions(options));
}

/**
 * The refresher of one tab. Its state is in named fields; members whose names start with `_` are internal, and the
 * build shortens those names (esbuild's `mangleProps`, see build.mjs), which keeps the bundle within its size budget:
 * unlike closure variables, object members are not renamed by the minifier. The public methods are own properties
 * (arrow functions), so they work when taken off the object.
 */
class Refresher implements TokenRefresher {
  declare private readonly _o: NormalizedOptions;
  declare private readonly _env: TokenRefresherEnvironment;
  /** This tab's random id on the channel: without Web Locks, the lower id keeps leadership. */
  declare private readonly _id: number;
  declare private readonly _listeners: Record<string, Set<(e: never) => void>>;
  declare private readonly _waiters: Set<Waiter>;
  declare private readonly _channel: BroadcastChannelLike | undefined;
  /** The held token; `exp` is on the server's clock. */
  declare private _token: HeldToken | undefined;
  /** The server's clock minus this tab's, in ms. */
  declare private _skew: number;
  /** The request in flight. */
  declare private _request: AbortController | undefined;
  /** Failed attempts in a row (0: not retrying). */
  declare private _attempt: number;
  /** When this tab fetches next (its clock); the timer wakes up at least every Limit.TICK_MS to compare. */
  declare private _dueAt: number | undefined;
  declare private _timer: unknown;
  /** Waiting for word from the leading tab. */
  declare private _leaderTimer: unknown;
  declare private _fatal: TokenRefresherError | undefined;
  declare private _disposed: boolean | undefined;
  /** The token an `expired` event was emitted for (once per token). */
  declare private _expiredToken: string | undefined;
  declare private _leader: boolean;
  /** When the leading tab retries next (from its last `fail` message). */
  declare private _leaderRetryAt: number;
  /** When the leading tab fetches next (its planned refresh or retry, from its last `tok` or `fail` message). */
  declare private _leaderAt: number | undefined;
  /** Gives the Web Lock up. */
  declare private _resign: (() => void) | undefined;

  constructor(o: NormalizedOptions) {
    const env = o.env;
    this._o = o;
    this._env = env;
    this._id = env.random();
    this._listeners = {};
    this._waiters = new Set();
    this._skew = this._attempt = this._leaderRetryAt = 0;
    // normalizeOptions gives a channel name only when the environment has BroadcastChannel.
    const BC = env.BroadcastChannel as NonNullable<TokenRefresherEnvironment['BroadcastChannel']>;
    const channel = o.channel ? new BC(o.channel) : undefined;
    this._channel = channel;
    this._leader = !channel;
    if (channel) this._join(channel);
    this._listen('addEventListener');
  }

  getToken = (opts?: GetTokenOptions): Promise<AccessToken> => this._wait(opts, false);

  refresh = (opts?: GetTokenOptions): Promise<AccessToken> => this._wait(opts, true);

  dispose = (): void => {
    if (this._disposed) return;
    if (this._leader && !this._env.locks) this._post('bye');
    this._disposed = true;
    this._leader = false;
    this._unplan();
    this._env.clearTimeout(this._leaderTimer);
    this._request?.abort();
    this._resign?.();
    this._channel?.close();
    this._listen('removeEventListener');
    this._settle(disposedError(), true);
  };

  get state(): TokenRefresherState {
    if (this._disposed) return 'disposed';
    if (this._request || (this._leaderTimer !== undefined && this._waiters.size)) return 'refreshing';
    if (this._fatal) return 'fatal';
    if (this._attempt) return 'retrying';
    return this._current() ? 'fresh' : this._token ? 'stale' : 'idle';
  }

  get isLeader(): boolean {
    return this._leader;
  }

  get nextRefreshAt(): number | undefined {
    return this._disposed || this._fatal ? undefined : this._leader ? this._dueAt : this._leaderAt;
  }

  on = <K extends keyof TokenRefresherEvents>(
    type: K,
    listener: (event: TokenRefresherEvents[K]) => void,
  ): (() => void) => {
    this._listeners[type] ??= new Set();
    const set = this._listeners[type];
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };

  // ---- The held token and the waiting calls ----

  /** The held token on this tab's clock, when it is valid for more than `minValidityMs`. */
  private _current(): AccessToken | undefined {
    const t = this._token;
    // NaN without a token (then unused).
    const expiresOnTimestamp = (t?.exp as number) - this._skew;
    return t && expiresOnTimestamp - this._env.now() > this._o.minValidityMs
      ? { token: t.token, expiresOnTimestamp }
      : undefined;
  }

  private _emit<K extends keyof TokenRefresherEvents>(type: K, event: TokenRefresherEvents[K]): void {
    for (const listener of (this._listeners[type] ?? []) as Set<(e: TokenRefresherEvents[K]) => void>) {
      try {
        listener(event);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** Resolves the waiting calls with the held token, or counts a failure against them (rejecting all when `final`). */
  private _settle(error?: TokenRefresherError, final?: boolean): void {
    const t = error ? undefined : this._current();
    for (const w of this._waiters) {
      if (t) w._ok(t);
      else if (error && (final || ++w._fails >= Limit.WAIT_FAILURES)) w._fail(error);
    }
  }

  /** `getToken` (a usable held token will do) and `refresh` (`force`: only a token that arrives later will). */
  private async _wait(opts: GetTokenOptions | undefined, force: boolean): Promise<AccessToken> {
    const signal = opts?.abortSignal;
    if (signal?.aborted && !this._disposed) throw abortError(signal);
    // An `expired` listener may dispose.
    this._check();
    if (this._disposed) throw disposedError();
    const current = this._current();
    if (!force && current) return current;
    return new Promise<AccessToken>((resolve, reject) => {
      const onAbort = () => w._fail(abortError(signal as AbortSignalLike));
      const done = () => {
        this._waiters.delete(w);
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = {
        _fails: 0,
        _ok(t) {
          done();
          resolve(t);
        },
        _fail(e) {
          done();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort);
      this._waiters.add(w);
      this._demand(force);
    });
  }

  private _failed(error: TokenRefresherError, attempt: number, nextRetryAt: number): void {
    this._attempt = attempt;
    this._emit('failed', { error, attempt, nextRetryAt });
    this._settle(error);
  }

  private _setFatal(error: TokenRefresherError): void {
    this._fatal = error;
    this._attempt = 0;
    this._unplan();
    this._emit('fatal', { error });
    this._settle(error, true);
  }

  /**
   * Takes a token: this tab's own fetch (shared with the other tabs), or another tab's (`fresh`: that tab just fetched
   * it, so it is taken unless it expires earlier than the held one, e.g. after `refresh()`; else it is a reply, taken
   * only when it is newer). Plans and tells the other tabs before the listeners run (they may dispose).
   */
  private _accept(t: HeldToken, skew: number, fromOtherTab: boolean, fresh?: boolean): void {
    const held = this._token;
    if (fromOtherTab && held && (fresh ? t.exp < held.exp : t.exp - skew <= held.exp - this._skew)) return;
    this._token = t;
    this._skew = skew;
    this._fatal = undefined;
    this._attempt = 0;
    this._unplan();
    if (this._leader) this._plan();
    if (!fromOtherTab) this._share(true);
    this._emit('refreshed', { expiresOnTimestamp: t.exp - skew, fromOtherTab });
    this._settle();
  }

  // ---- Timing: the plan, the timer, the wall-clock check, the page's events ----

  /** Nothing is planned: no refresh is due and no timer runs. */
  private _unplan(): void {
    this._dueAt = undefined;
    this._arm();
  }

  private _plan(): void {
    const t = this._token;
    if (!t) return;
    const { refreshBeforeMs, minValidityMs, jitter } = this._o;
    const now = this._env.now();
    this._dueAt =
      now + refreshDelay(t.exp - now - this._skew, refreshBeforeMs, minValidityMs, jitter, this._env.random);
    this._arm();
  }

  /** Sets the timer for `_dueAt` (none when nothing is due). */
  private _arm(): void {
    const dueAt = this._dueAt;
    this._env.clearTimeout(this._timer);
    this._timer =
      dueAt === undefined || this._disposed
        ? undefined
        : this._env.setTimeout(
            () => {
              this._timer = undefined;
              this._check();
            },
            Math.max(0, Math.min(dueAt - this._env.now(), Limit.TICK_MS)),
          );
  }

  /** Runs on every timer tick, page event and `getToken`: reports expiry, refreshes when due by the wall clock. */
  private _check = (): void => {
    if (this._disposed) return;
    const t = this._token;
    const now = this._env.now();
    if (t && now + this._skew >= t.exp && this._expiredToken !== t.token) {
      this._expiredToken = t.token;
      this._emit('expired', { expiresOnTimestamp: t.exp - this._skew });
    }
    if (this._request) return;
    // Nothing planned: `now >= undefined` is false.
    if (now >= (this._dueAt as number)) {
      if (this._leader || this._waiters.size) void this._fetch();
      else {
        this._dueAt = undefined;
        this._attempt = 0;
      }
    } else if (this._timer === undefined) this._arm();
  };

  private _onVisibility = (): void => {
    if (this._env.document?.visibilityState === 'visible') this._check();
  };

  private _onOnline = (): void => {
    if (this._attempt && this._dueAt !== undefined) this._dueAt = this._env.now();
    this._check();
  };

  private _onPageHide = (): void => {
    if (this._leader && this._channel && !this._env.locks) {
      this._post('bye');
      this._stepDown();
    }
  };

  private _listen(method: 'addEventListener' | 'removeEventListener'): void {
    const { window: w, document: d } = this._env;
    w?.[method]('focus', this._check);
    w?.[method]('pageshow', this._check);
    w?.[method]('online', this._onOnline);
    w?.[method]('pagehide', this._onPageHide);
    d?.[method]('visibilitychange', this._onVisibility);
  }

  // ---- Fetching ----

  /**
   * Fetches a token. Never rejects: outcomes go to waiters, events and the other tabs; a failure is fatal or planned for
   * a retry with backoff (the other tabs hear first: a listener may dispose this one).
   */
  private async _fetch(): Promise<void> {
    if (this._disposed) return;
    this._unplan();
    const c = new AbortController();
    this._request = c;
    const sent = this._env.now();
    try {
      const t = toHeldToken(await this._o.source({ signal: c.signal }));
      if (c.signal.aborted) return;
      const received = this._env.now();
      const skew = t.srv === undefined ? this._skew : t.srv - (sent + received) / 2;
      if (t.exp - received - skew <= this._o.minValidityMs) {
        throw new TokenRefresherError(
          'INVALID_RESPONSE',
          'The token service returned a token that expires within minValidityMs.',
        );
      }
      this._request = undefined;
      this._accept(t, skew, false);
    } catch (e) {
      this._request = undefined;
      if (c.signal.aborted) return;
      const error = toTokenRefresherError(e);
      const { code, message: m } = error;
      if (Object.values(FATAL).includes(code)) {
        this._post('fatal', { c: code, m });
        this._setFatal(error);
        return;
      }
      const { retryBaseMs, retryMaxMs } = this._o;
      const a = this._attempt + 1;
      const n =
        this._env.now() +
        Math.max(error.retryAfterMs ?? 0, backoffDelay(a, retryBaseMs, retryMaxMs, this._env.random));
      this._dueAt = n;
      this._post('fail', { c: code, m, a, n });
      this._failed(error, a, n);
      this._check();
    }
  }

  /**
   * Someone waits for a token (`force`: a new one): the leader fetches (unless a request is in flight, or a retry is
   * scheduled and nobody forces), a follower asks.
   */
  private _demand(force?: boolean): void {
    if (this._leader) {
      if (!this._request && (force || !this._attempt)) void this._fetch();
    } else {
      this._post('need', { f: force });
      if (this._leaderTimer === undefined) this._waitForLeader();
    }
  }

  // ---- Tabs: leadership and messages ----

  // After dispose (possibly from inside an event listener) the channel is closed: nothing may be posted.
  private _post(t: Message['t'], m?: Record<string, unknown>): void {
    if (!this._disposed) this._channel?.postMessage({ ...m, t, id: this._id });
  }

  private _share(fresh?: boolean): void {
    this._post('tok', { k: this._token, s: this._skew, d: this._dueAt, f: fresh });
  }

  /** Joins the channel's tabs: listens to the channel and asks for leadership (a Web Lock, or a `who` message). */
  private _join(channel: BroadcastChannelLike): void {
    const locks = this._env.locks;
    channel.onmessage = ({ data }) => {
      if (!this._disposed) this._receive(data as Message);
    };
    if (!locks) {
      this._post('who');
      this._waitForLeader();
      return;
    }
    const ac = new AbortController();
    let release: (() => void) | undefined;
    locks
      .request(this._o.channel as string, { signal: ac.signal }, async () => {
        if (!this._disposed) {
          await new Promise<void>((r) => {
            release = r;
            this._lead();
          });
        }
      })
      // A refused lock (e.g. a sandboxed frame) leaves this tab to fetch for itself; after dispose, _lead() is a no-op.
      .catch(() => this._lead());
    this._resign = () => {
      ac.abort();
      release?.();
    };
  }

  private _receive(m: Message): void {
    const locks = this._env.locks;
    if (m.t === 'need' || m.t === 'who') {
      if (!this._leader) return;
      if (m.t === 'who') this._post('lead');
      else if (!m.f && this._current()) this._share();
      else this._demand(m.f);
      return;
    }
    if (m.t === 'bye') {
      if (!locks) this._lead();
      return;
    }
    // Without Web Locks, two tabs may both claim leadership for a moment: the lower id keeps it.
    if (m.t === 'lead' && this._leader && !locks) {
      if (m.id < this._id) this._stepDown();
      else this._post('lead');
    }
    this._env.clearTimeout(this._leaderTimer);
    this._leaderTimer = undefined;
    if (m.t === 'tok') {
      this._leaderAt = m.d;
      this._accept(m.k, m.s, true, m.f);
    } else if (m.t !== 'lead' && !this._leader) {
      const error = new TokenRefresherError(m.c, m.m);
      if (m.t === 'fatal') this._setFatal(error);
      else {
        this._leaderRetryAt = this._leaderAt = m.n;
        this._failed(error, m.a, m.n);
      }
    }
    if (!this._leader && this._waiters.size) {
      if (m.t === 'lead') this._post('need');
      this._waitForLeader();
    }
  }

  /**
   * After `leaderTimeoutMs` without word from a leader (counted from its next retry while it is retrying): claim
   * leadership (no Web Locks), or fetch for our own waiters.
   */
  private _waitForLeader(): void {
    this._env.clearTimeout(this._leaderTimer);
    this._leaderTimer = this._disposed
      ? undefined
      : this._env.setTimeout(
          () => {
            this._leaderTimer = undefined;
            if (this._leader || this._disposed) return;
            if (!this._env.locks) this._lead();
            else if (this._waiters.size && !this._request) void this._fetch();
          },
          this._o.leaderTimeoutMs + Math.max(0, this._leaderRetryAt - this._env.now()),
        );
  }

  private _lead(): void {
    if (this._leader || this._disposed) return;
    this._leader = true;
    this._attempt = 0;
    this._post('lead');
    this._emit('leadership', { leader: true });
    if (this._waiters.size) this._demand();
    else if (this._dueAt === undefined) this._plan();
  }

  private _stepDown(): void {
    this._leader = false;
    this._emit('leadership', { leader: false });
    if (!this._waiters.size) this._unplan();
  }
}
