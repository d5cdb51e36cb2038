import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fakeBroadcastChannels,
  fakeEnvironment,
  fakeLocks,
  fakePage,
  fakeSource,
  flush,
  HOUR,
  MINUTE,
} from '../test/fakes.js';
import { TokenRefresherError } from './errors.js';
import type { TokenRefresherOptions } from './options.js';
import { createTokenRefresher, type TokenRefresher, type TokenRefresherEvents } from './refresher.js';

const START = Date.UTC(2026, 0, 1, 9);
const realSetImmediate = globalThis.setImmediate;
/** Lets Node report unhandled rejections and uncaught exceptions, if any. */
const settleNode = () => new Promise((r) => realSetImmediate(r));

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(options: Partial<TokenRefresherOptions> = {}) {
  const source = fakeSource();
  const page = fakePage();
  const events: { type: keyof TokenRefresherEvents; event: unknown }[] = [];
  const refresher = createTokenRefresher({
    fetchToken: source.fetchToken,
    jitter: 0,
    ...options,
    environment: fakeEnvironment(page, options.environment),
  });
  for (const type of ['refreshed', 'failed', 'expired', 'fatal', 'leadership'] as const) {
    refresher.on(type, (event) => events.push({ type, event }));
  }
  return { source, page, refresher, events };
}

const types = (events: { type: string }[]) => events.map((e) => e.type);

/** The last (or `index`th) `failed` event recorded. */
function failedEvent(events: { type: string; event: unknown }[], index = -1): TokenRefresherEvents['failed'] {
  const e = events.filter((x) => x.type === 'failed').at(index);
  if (!e) throw new Error('no failed event was recorded');
  return e.event as TokenRefresherEvents['failed'];
}

describe('getToken', () => {
  it('fetches a token on first use and then serves it from memory', async () => {
    const { source, refresher } = setup();
    expect(refresher.state).toBe('idle');
    await expect(refresher.getToken()).resolves.toEqual({
      token: 'token-1',
      expiresOnTimestamp: START + HOUR,
    });
    await expect(refresher.getToken()).resolves.toMatchObject({ token: 'token-1' });
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    expect(refresher.state).toBe('fresh');
    refresher.dispose();
  });

  it('shares one in-flight request among concurrent callers', async () => {
    const { source, refresher } = setup();
    source.manual = true;
    const calls = [refresher.getToken(), refresher.getToken(), refresher.getToken()];
    await flush();
    expect(refresher.state).toBe('refreshing');
    source.release();
    const tokens = await Promise.all(calls);
    expect(tokens.map((t) => t.token)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    refresher.dispose();
  });

  it('reads the expiry from the JWT when the source returns only the token', async () => {
    const exp = Math.floor(START / 1000) + 3600;
    const payload = btoa(JSON.stringify({ exp, skypeid: 'acs:x' })).replace(/=+$/, '');
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln`;
    const refresher = createTokenRefresher({
      fetchToken: async () => jwt,
      environment: fakeEnvironment(fakePage()),
    });
    await expect(refresher.getToken()).resolves.toEqual({ token: jwt, expiresOnTimestamp: exp * 1000 });
    refresher.dispose();
  });

  it('never resolves a token that expires within the margin; it waits for a fresh one', async () => {
    const { source, refresher } = setup({ minValidityMs: 2 * MINUTE });
    await refresher.getToken();
    // The wall clock moves to 90 s before expiry without any timer firing (a suspended machine).
    vi.setSystemTime(START + HOUR - 90_000);
    source.manual = true;
    const pending = refresher.getToken();
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    expect(refresher.state).toBe('refreshing');
    source.release();
    await expect(pending).resolves.toMatchObject({ token: 'token-2' });
    refresher.dispose();
  });

  it('honours each caller’s abort signal for its own wait only', async () => {
    const { source, refresher } = setup();
    source.manual = true;
    const controller = new AbortController();
    const aborted = refresher.getToken({ abortSignal: controller.signal });
    const other = refresher.getToken();
    await flush();
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    expect(source.signals[0]?.aborted).toBe(false);
    source.release();
    await expect(other).resolves.toMatchObject({ token: 'token-1' });
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    refresher.dispose();
  });

  it('rejects at once for a signal that is already aborted, without fetching', async () => {
    const { source, refresher } = setup();
    const signal = { aborted: true, addEventListener() {}, removeEventListener() {} };
    await expect(refresher.getToken({ abortSignal: signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(source.fetchToken).not.toHaveBeenCalled();
    refresher.dispose();
  });
});

describe('proactive refresh', () => {
  it('refreshes refreshBeforeMs before expiry, not earlier', async () => {
    const { source, refresher, events } = setup({ refreshBeforeMs: 10 * MINUTE });
    await refresher.getToken();
    await vi.advanceTimersByTimeAsync(50 * MINUTE - 1);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    await expect(refresher.getToken()).resolves.toMatchObject({ token: 'token-2' });
    expect(types(events)).toEqual(['refreshed', 'refreshed']);
    expect(events[1]?.event).toEqual({ expiresOnTimestamp: START + 50 * MINUTE + HOUR, fromOtherTab: false });
    refresher.dispose();
  });

  it('refreshes at half the time left above the margin when less than refreshBeforeMs is left', async () => {
    const { source, refresher } = setup({ refreshBeforeMs: 10 * MINUTE, minValidityMs: 2 * MINUTE });
    source.lifetime = 8 * MINUTE;
    await refresher.getToken();
    await vi.advanceTimersByTimeAsync(3 * MINUTE - 1);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    refresher.dispose();
  });

  it('applies jitter only earlier, by at most the jitter fraction of the wait', async () => {
    for (const [random, expected] of [
      [0, 50 * MINUTE],
      [0.999999, 50 * MINUTE * (1 - 0.1 * 0.999999)],
    ] as const) {
      vi.setSystemTime(START);
      const source = fakeSource();
      const refresher = createTokenRefresher({
        fetchToken: source.fetchToken,
        jitter: 0.1,
        environment: fakeEnvironment(fakePage(), { random: () => random }),
      });
      await refresher.getToken();
      await vi.advanceTimersByTimeAsync(Math.ceil(expected) - 1);
      expect(source.fetchToken).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(source.fetchToken).toHaveBeenCalledTimes(2);
      refresher.dispose();
    }
  });

  it('notices a suspended machine at the next timer tick by comparing the wall clock with the schedule', async () => {
    const { source, refresher, events } = setup();
    await refresher.getToken();
    // Sleep: the wall clock jumps 2 hours, the timers do not advance.
    vi.setSystemTime(START + 2 * HOUR);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(types(events)).toEqual(['refreshed', 'expired', 'refreshed']);
    expect(events[1]?.event).toEqual({ expiresOnTimestamp: START + HOUR });
    refresher.dispose();
  });

  it.each(['visibilitychange', 'focus', 'pageshow', 'online'])('checks at once on %s', async (type) => {
    const { source, refresher, page } = setup();
    await refresher.getToken();
    vi.setSystemTime(START + 55 * MINUTE);
    (type === 'visibilitychange' ? page.document : page.window).dispatchEvent(new Event(type));
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    refresher.dispose();
  });

  it('ignores visibilitychange to hidden', async () => {
    const { source, refresher, page } = setup();
    await refresher.getToken();
    vi.setSystemTime(START + 55 * MINUTE);
    page.document.visibilityState = 'hidden';
    page.document.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    refresher.dispose();
  });
});

describe('clock skew', () => {
  it('corrects expiry arithmetic with the server time', async () => {
    const { source, refresher } = setup();
    source.serverAhead = 20 * MINUTE; // the local clock is 20 minutes behind the server
    const token = await refresher.getToken();
    // Expiry is reported on the local clock, so the SDK's Date.now() arithmetic stays right.
    expect(token.expiresOnTimestamp).toBe(START + HOUR);
    // Refresh happens 10 minutes before expiry by the server's clock: 50 local minutes later.
    await vi.advanceTimersByTimeAsync(50 * MINUTE - 1);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    refresher.dispose();
  });

  it('treats a token as expired when the server clock says so, even if the local clock lags', async () => {
    const { source, refresher } = setup();
    source.serverAhead = -30 * MINUTE; // the local clock is 30 minutes ahead
    const first = await refresher.getToken();
    expect(first.expiresOnTimestamp).toBe(START + HOUR);
    vi.setSystemTime(START + HOUR - MINUTE);
    source.manual = true;
    const next = refresher.getToken();
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.release();
    await expect(next).resolves.toMatchObject({ token: 'token-2' });
    refresher.dispose();
  });
});

describe('failures', () => {
  it('retries with bounded exponential backoff and jitter, reporting each attempt', async () => {
    const { source, refresher, events } = setup({
      retryBaseMs: 1000,
      retryMaxMs: 8000,
      environment: { random: () => 0.999999 },
    });
    source.failWith = new Error('network down');
    const pending = refresher.getToken().catch((e: unknown) => e);
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const failed = failedEvent(events);
      delays.push(failed.nextRetryAt - Date.now());
      await vi.advanceTimersByTimeAsync(Math.ceil(failed.nextRetryAt - Date.now()));
    }
    // 50-100 % of 1, 2, 4, 8, 8, 8 s (random ~1 => the upper bound).
    expect(delays.map((d) => Math.round(d))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(source.fetchToken).toHaveBeenCalledTimes(7);
    expect(failedEvent(events).attempt).toBe(7);
    expect(refresher.state).toBe('retrying');
    // The waiting caller gave up after three failed attempts; background retries went on.
    expect(await pending).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringContaining('network down'),
    });
    source.failWith = undefined;
    await vi.advanceTimersByTimeAsync(8000);
    expect(refresher.state).toBe('fresh');
    refresher.dispose();
  });

  it('keeps retry delays within 50-100 % of the exponential step', async () => {
    const { source, refresher, events } = setup({ retryBaseMs: 1000, environment: { random: () => 0 } });
    source.failWith = new Error('down');
    void refresher.getToken().catch(() => {});
    await flush();
    const failed = failedEvent(events);
    expect(failed.nextRetryAt - Date.now()).toBe(500);
    refresher.dispose();
  });

  it('waits at least as long as the service asks with Retry-After', async () => {
    const { source, refresher, events } = setup();
    source.failWith = new TokenRefresherError('SERVICE_UNAVAILABLE', 'throttled', {
      status: 429,
      retryAfterMs: 30_000,
    });
    void refresher.getToken().catch(() => {});
    await flush();
    expect(failedEvent(events).nextRetryAt).toBe(START + 30_000);
    refresher.dispose();
  });

  it('retries at once when the browser comes back online', async () => {
    const { source, refresher, page } = setup();
    source.failWith = new Error('offline');
    void refresher.getToken().catch(() => {});
    await flush();
    source.failWith = undefined;
    page.window.dispatchEvent(new Event('online'));
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(refresher.state).toBe('fresh');
    refresher.dispose();
  });

  it('stops on 401: rejects waiters, reports fatal, schedules nothing; the next getToken tries again', async () => {
    const { source, refresher, events } = setup();
    source.failWith = Object.assign(new Error('sign in again'), { status: 401 });
    await expect(refresher.getToken()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(types(events)).toEqual(['fatal']);
    expect(refresher.state).toBe('fatal');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    source.failWith = undefined;
    await expect(refresher.getToken()).resolves.toMatchObject({ token: 'token-2' });
    expect(refresher.state).toBe('fresh');
    refresher.dispose();
  });

  it('treats 403 as fatal too', async () => {
    const { source, refresher } = setup();
    source.failWith = Object.assign(new Error('no'), { statusCode: 403 });
    await expect(refresher.getToken()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    refresher.dispose();
  });

  it('leaves no unhandled rejection when a background refresh fails with nobody waiting', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const { source, refresher, events } = setup();
    await refresher.getToken();
    source.failWith = new Error('down');
    await vi.advanceTimersByTimeAsync(HOUR);
    source.failWith = Object.assign(new Error('gone'), { status: 401 });
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await settleNode();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    expect(types(events)).toContain('failed');
    expect(types(events)).toContain('fatal');
    refresher.dispose();
  });

  it('rejects a response whose token expires within the margin, and retries', async () => {
    const { source, refresher, events } = setup({ minValidityMs: 2 * MINUTE });
    source.lifetime = MINUTE;
    void refresher.getToken().catch(() => {});
    await flush();
    expect(failedEvent(events, 0).error.code).toBe('INVALID_RESPONSE');
    refresher.dispose();
  });

  it('keeps running when an event listener throws, and reports the listener error', async () => {
    const { refresher } = setup();
    const reported: unknown[] = [];
    const onUncaught = (e: unknown) => reported.push(e);
    process.prependListener('uncaughtException', onUncaught);
    refresher.on('refreshed', () => {
      throw new Error('listener bug');
    });
    await expect(refresher.getToken()).resolves.toMatchObject({ token: 'token-1' });
    await settleNode();
    process.off('uncaughtException', onUncaught);
    expect(reported).toEqual([new Error('listener bug')]);
    refresher.dispose();
  });
});

describe('dispose', () => {
  it('cancels the scheduled refresh and the wait for a leading tab', async () => {
    const { refresher } = setup();
    await refresher.getToken();
    expect(vi.getTimerCount()).toBe(1);
    refresher.dispose();
    expect(vi.getTimerCount()).toBe(0);
    const { BroadcastChannel } = fakeBroadcastChannels();
    const follower = createTokenRefresher({
      fetchToken: fakeSource().fetchToken,
      environment: fakeEnvironment(fakePage(), { BroadcastChannel }),
    });
    expect(vi.getTimerCount()).toBe(1);
    follower.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops timers, listeners and the in-flight request, and rejects pending and later calls', async () => {
    const { source, refresher, page } = setup();
    await refresher.getToken();
    vi.setSystemTime(START + 59 * MINUTE);
    source.manual = true;
    const pending = refresher.getToken();
    await flush();
    refresher.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(source.signals[1]?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    page.window.dispatchEvent(new Event('online'));
    page.document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(48 * HOUR);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    await expect(refresher.getToken()).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(refresher.state).toBe('disposed');
  });
});

describe('several tabs', () => {
  function tabs(count: number, withLocks: boolean, options: Partial<TokenRefresherOptions> = {}) {
    const source = fakeSource();
    const { BroadcastChannel, posted } = fakeBroadcastChannels();
    const locks = withLocks ? fakeLocks() : undefined;
    const list: { refresher: TokenRefresher; events: { type: string; event: unknown }[] }[] = [];
    for (let i = 0; i < count; i++) {
      const events: { type: string; event: unknown }[] = [];
      const refresher = createTokenRefresher({
        fetchToken: source.fetchToken,
        jitter: 0,
        channelName: 'test',
        ...options,
        environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks, random: () => (i + 1) / 10 }),
      });
      for (const type of ['refreshed', 'failed', 'fatal', 'leadership'] as const) {
        refresher.on(type, (event) => events.push({ type, event }));
      }
      list.push({ refresher, events });
    }
    return { source, tabs: list, posted };
  }

  it.each([
    ['Web Locks', true],
    ['BroadcastChannel alone', false],
  ])('elects one leader with %s, and N tabs cost one request per refresh', async (_, withLocks) => {
    const { source, tabs: t } = tabs(3, withLocks);
    await vi.advanceTimersByTimeAsync(withLocks ? 0 : 5000);
    const t0 = Date.now();
    expect(t.map((x) => x.refresher.isLeader)).toEqual([true, false, false]);
    const first = await Promise.all(t.map((x) => x.refresher.getToken()));
    expect(new Set(first.map((x) => x.token))).toEqual(new Set(['token-1']));
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(50 * MINUTE);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    const second = await Promise.all(t.map((x) => x.refresher.getToken()));
    expect(second.map((x) => x.token)).toEqual(['token-2', 'token-2', 'token-2']);
    expect(t[1]?.events.map((e) => e.event)).toEqual([
      { expiresOnTimestamp: t0 + HOUR, fromOtherTab: true },
      { expiresOnTimestamp: t0 + 50 * MINUTE + HOUR, fromOtherTab: true },
    ]);
    for (const x of t) x.refresher.dispose();
  });

  it.each([
    ['Web Locks', true],
    ['BroadcastChannel alone', false],
  ])('hands leadership over when the leading tab closes (%s)', async (_, withLocks) => {
    const { source, tabs: t } = tabs(2, withLocks);
    await vi.advanceTimersByTimeAsync(withLocks ? 0 : 5000);
    await Promise.all(t.map((x) => x.refresher.getToken()));
    t[0]?.refresher.dispose();
    await flush();
    expect(t[1]?.refresher.isLeader).toBe(true);
    expect(t[1]?.events.find((e) => e.type === 'leadership')?.event).toEqual({ leader: true });
    await vi.advanceTimersByTimeAsync(50 * MINUTE);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    await expect(t[1]?.refresher.getToken()).resolves.toMatchObject({ token: 'token-2' });
    t[1]?.refresher.dispose();
  });

  it('passes the leader’s failures and fatal errors to the other tabs', async () => {
    const { source, tabs: t } = tabs(2, true);
    await flush();
    source.failWith = new Error('down');
    const follower = t[1]?.refresher.getToken().catch((e: unknown) => e);
    await flush();
    expect(t[1]?.events.map((e) => e.type)).toEqual(['failed']);
    expect(t[1]?.refresher.state).toBe('refreshing');
    source.failWith = Object.assign(new Error('signed out'), { status: 401 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await follower).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(t[1]?.refresher.state).toBe('fatal');
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    for (const x of t) x.refresher.dispose();
  });

  it('waits for the leading tab’s next retry instead of fetching itself during an outage', async () => {
    const { source, tabs: t } = tabs(2, true, {
      leaderTimeoutMs: 5000,
      retryBaseMs: 40_000,
      retryMaxMs: 40_000,
    });
    await flush();
    source.failWith = new Error('down');
    void t[0]?.refresher.getToken().catch(() => {});
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    // The follower asks after the leader failed; the leader retries in 20-40 s, later than leaderTimeoutMs.
    const follower = t[1]?.refresher.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(19_000);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    source.failWith = undefined;
    await vi.advanceTimersByTimeAsync(21_000);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(await follower).toMatchObject({ token: 'token-2' });
    for (const x of t) x.refresher.dispose();
  });

  it('fetches on its own when the leading tab does not answer in time', async () => {
    const { source, tabs: t } = tabs(2, true, { leaderTimeoutMs: 5000 });
    await flush();
    source.manual = true;
    // The leader is frozen: its request never completes.
    const follower = t[1]?.refresher.getToken();
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    source.release();
    await expect(follower).resolves.toMatchObject({ token: expect.stringMatching(/^token-/) });
    for (const x of t) x.refresher.dispose();
  });

  it('settles simultaneous claims without Web Locks on the lowest id', async () => {
    const { tabs: t, posted } = tabs(3, false);
    // All three time out in one go, before any message is delivered: all claim leadership.
    vi.advanceTimersByTime(5000);
    await flush();
    expect(t.map((x) => x.refresher.isLeader)).toEqual([true, false, false]);
    expect(posted.filter((p) => p.message.t === 'lead').length).toBeGreaterThanOrEqual(3);
    expect(t[2]?.events.map((e) => e.event)).toEqual([{ leader: true }, { leader: false }]);
    for (const x of t) x.refresher.dispose();
  });

  it('says goodbye on pagehide without Web Locks, so another tab takes over at once', async () => {
    const source = fakeSource();
    const { BroadcastChannel } = fakeBroadcastChannels();
    const pages = [fakePage(), fakePage()];
    const [a, b] = pages.map((page, i) =>
      createTokenRefresher({
        fetchToken: source.fetchToken,
        channelName: 'test',
        environment: fakeEnvironment(page, { BroadcastChannel, random: () => (i + 1) / 10 }),
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect([a?.isLeader, b?.isLeader]).toEqual([true, false]);
    pages[0]?.window.dispatchEvent(new Event('pagehide'));
    await flush();
    expect([a?.isLeader, b?.isLeader]).toEqual([false, true]);
    a?.dispose();
    b?.dispose();
  });

  it('fetches for itself when the Web Lock is refused', async () => {
    const source = fakeSource();
    const { BroadcastChannel } = fakeBroadcastChannels();
    const locks = { request: () => Promise.reject(new DOMException('sandboxed', 'SecurityError')) };
    const refresher = createTokenRefresher({
      fetchToken: source.fetchToken,
      channelName: 'test',
      environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks }),
    });
    await flush();
    expect(refresher.isLeader).toBe(true);
    await expect(refresher.getToken()).resolves.toMatchObject({ token: 'token-1' });
    refresher.dispose();
  });

  it('keeps tabs of different channels apart', async () => {
    const source = fakeSource();
    const { BroadcastChannel } = fakeBroadcastChannels();
    const locks = fakeLocks();
    const make = (channelName: string) =>
      createTokenRefresher({
        fetchToken: source.fetchToken,
        channelName,
        environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks }),
      });
    const a = make('alice');
    const b = make('bob');
    await flush();
    expect([a.isLeader, b.isLeader]).toEqual([true, true]);
    await Promise.all([a.getToken(), b.getToken()]);
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    a.dispose();
    b.dispose();
  });
});
