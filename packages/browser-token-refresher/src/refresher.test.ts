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
import type { TokenRefresher, TokenRefresherEvents } from './credential.js';
import { TokenRefresherError } from './errors.js';
import type { TokenRefresherOptions } from './options.js';
import { createTokenRefresher } from './refresher.js';

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

describe('refresh', () => {
  it('fetches a new token even when the held one is fresh, and resolves it', async () => {
    const { source, refresher, events } = setup();
    await refresher.getToken();
    await vi.advanceTimersByTimeAsync(MINUTE);
    await expect(refresher.refresh()).resolves.toEqual({
      token: 'token-2',
      expiresOnTimestamp: START + MINUTE + HOUR,
    });
    await expect(refresher.getToken()).resolves.toMatchObject({ token: 'token-2' });
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(types(events)).toEqual(['refreshed', 'refreshed']);
    // The plan follows the new token.
    expect(refresher.nextRefreshAt).toBe(START + MINUTE + 50 * MINUTE);
    refresher.dispose();
  });

  it('joins a request already in flight instead of starting another', async () => {
    const { source, refresher } = setup();
    source.manual = true;
    const first = refresher.getToken();
    const forced = [refresher.refresh(), refresher.refresh()];
    await flush();
    source.release();
    expect((await Promise.all([first, ...forced])).map((t) => t.token)).toEqual([
      'token-1',
      'token-1',
      'token-1',
    ]);
    expect(source.fetchToken).toHaveBeenCalledTimes(1);
    refresher.dispose();
  });

  it('fetches at once while a retry is scheduled, and rejects like getToken after three failures', async () => {
    const { source, refresher, events } = setup({ retryBaseMs: 60_000, retryMaxMs: 60_000 });
    await refresher.getToken();
    source.failWith = new Error('down');
    const forced = refresher.refresh().catch((e: unknown) => e);
    await flush();
    expect(failedEvent(events).attempt).toBe(1);
    // The next retry is 30-60 s away; a second refresh() does not wait for it.
    const again = refresher.refresh().catch((e: unknown) => e);
    await flush();
    expect(source.fetchToken).toHaveBeenCalledTimes(3);
    void refresher.refresh().catch(() => {});
    await flush();
    expect(await forced).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    source.failWith = undefined;
    void refresher.refresh();
    await flush();
    expect(await again).toMatchObject({ token: 'token-5' });
    refresher.dispose();
  });

  it('rejects at once on a fatal answer, and after dispose', async () => {
    const { source, refresher } = setup();
    await refresher.getToken();
    source.failWith = Object.assign(new Error('signed out'), { status: 401 });
    await expect(refresher.refresh()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    refresher.dispose();
    await expect(refresher.refresh()).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['Web Locks', true],
    ['BroadcastChannel alone', false],
  ])(
    'called in a following tab, has the leader fetch once; every tab adopts the new token (%s)',
    async (_, withLocks) => {
      const source = fakeSource();
      const { BroadcastChannel } = fakeBroadcastChannels();
      const locks = withLocks ? fakeLocks() : undefined;
      const t = [0, 1, 2].map((i) =>
        createTokenRefresher({
          fetchToken: source.fetchToken,
          jitter: 0,
          channelName: 'test',
          environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks, random: () => (i + 1) / 10 }),
        }),
      );
      await vi.advanceTimersByTimeAsync(withLocks ? 0 : 5000);
      expect(t.map((x) => x.isLeader)).toEqual([true, false, false]);
      await Promise.all(t.map((x) => x.getToken()));
      expect(source.fetchToken).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(MINUTE);
      await expect(t[2]?.refresh()).resolves.toMatchObject({ token: 'token-2' });
      await flush();
      expect(source.fetchToken).toHaveBeenCalledTimes(2);
      expect((await Promise.all(t.map((x) => x.getToken()))).map((x) => x.token)).toEqual([
        'token-2',
        'token-2',
        'token-2',
      ]);
      // Every tab reports the leader's plan for the new token.
      expect(t.map((x) => x.nextRefreshAt)).toEqual(Array(3).fill(Date.now() + 50 * MINUTE));
      for (const x of t) x.dispose();
    },
  );
});

describe('refresh across tabs', () => {
  function tabsOn(fetchToken: ReturnType<typeof fakeSource>['fetchToken']) {
    const { BroadcastChannel } = fakeBroadcastChannels();
    const locks = fakeLocks();
    return (i: number) =>
      createTokenRefresher({
        fetchToken,
        jitter: 0,
        channelName: 'test',
        environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks, random: () => (i + 1) / 10 }),
      });
  }

  it('does not settle for the old token the leader sends another tab meanwhile', async () => {
    const source = fakeSource();
    const tab = tabsOn(source.fetchToken);
    const [leader, follower] = [tab(0), tab(1)];
    await flush();
    await follower?.getToken();
    source.manual = true;
    let forced: string | undefined;
    void follower?.refresh().then((t) => {
      forced = t.token;
    });
    await flush();
    // A tab opened now asks for a token; the leader answers with the token it holds, which reaches every tab.
    const late = tab(2);
    await expect(late.getToken()).resolves.toMatchObject({ token: 'token-1' });
    await flush();
    expect(forced).toBeUndefined();
    source.release();
    await flush();
    expect(forced).toBe('token-2');
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    for (const x of [leader, follower, late]) x?.dispose();
  });

  it('adopts what the leader fetched even when the service handed out the same token again', async () => {
    // The emulator issues the same token within one second of its clock.
    const expiresOn = START + HOUR;
    const source = fakeSource();
    source.fetchToken.mockImplementation(async () => ({ token: 'same', expiresOn }));
    const tab = tabsOn(source.fetchToken);
    const [leader, follower] = [tab(0), tab(1)];
    const refreshed: unknown[] = [];
    follower?.on('refreshed', (e) => refreshed.push(e));
    await flush();
    await follower?.getToken();
    await expect(follower?.refresh()).resolves.toEqual({ token: 'same', expiresOnTimestamp: expiresOn });
    expect(source.fetchToken).toHaveBeenCalledTimes(2);
    expect(refreshed).toHaveLength(2);
    for (const x of [leader, follower]) x?.dispose();
  });
});

describe('nextRefreshAt', () => {
  it('is the planned refresh, then the next retry; undefined with no token, in flight, after fatal and dispose', async () => {
    const { source, refresher, events } = setup();
    expect(refresher.nextRefreshAt).toBeUndefined();
    source.manual = true;
    const first = refresher.getToken();
    await flush();
    expect(refresher.nextRefreshAt).toBeUndefined();
    source.release();
    await first;
    expect(refresher.nextRefreshAt).toBe(START + 50 * MINUTE);
    source.manual = false;
    source.failWith = new Error('down');
    await vi.advanceTimersByTimeAsync(50 * MINUTE);
    expect(refresher.nextRefreshAt).toBe(failedEvent(events).nextRetryAt);
    source.failWith = Object.assign(new Error('signed out'), { status: 401 });
    await vi.advanceTimersByTimeAsync(failedEvent(events).nextRetryAt - Date.now());
    expect(refresher.state).toBe('fatal');
    expect(refresher.nextRefreshAt).toBeUndefined();
    source.failWith = undefined;
    await refresher.refresh();
    expect(refresher.nextRefreshAt).toBe(Date.now() + 50 * MINUTE);
    refresher.dispose();
    expect(refresher.nextRefreshAt).toBeUndefined();
  });

  it('in a following tab, is the leading tab’s plan and its next retry', async () => {
    const source = fakeSource();
    const { BroadcastChannel } = fakeBroadcastChannels();
    const locks = fakeLocks();
    const [leader, follower] = [0.1, 0.9].map((r) =>
      createTokenRefresher({
        fetchToken: source.fetchToken,
        jitter: 0.1,
        channelName: 'test',
        environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks, random: () => r }),
      }),
    );
    if (!leader || !follower) throw new Error('two tabs expected');
    await flush();
    expect(follower.nextRefreshAt).toBeUndefined();
    await follower.getToken();
    expect(leader.nextRefreshAt).toBe(START + 50 * MINUTE * (1 - 0.1 * 0.1));
    expect(follower.nextRefreshAt).toBe(leader.nextRefreshAt);
    source.failWith = new Error('down');
    await vi.advanceTimersByTimeAsync((leader.nextRefreshAt ?? 0) - Date.now());
    await flush();
    expect(leader.state).toBe('retrying');
    expect(follower.nextRefreshAt).toBe(leader.nextRefreshAt);
    expect(follower.nextRefreshAt).toBeGreaterThan(Date.now());
    leader.dispose();
    follower.dispose();
  });
});

describe('dispose from inside an event listener', () => {
  /** Records unhandled rejections and uncaught exceptions until `stop()`, which lets Node report them first. */
  function catchUncaught() {
    const seen: unknown[] = [];
    const onError = (e: unknown) => seen.push(e);
    process.prependListener('unhandledRejection', onError);
    process.prependListener('uncaughtException', onError);
    return async () => {
      await flush();
      await settleNode();
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
      return seen;
    };
  }

  /** A leading tab sharing a channel (Web Locks or not) with a follower, whose `type` listener disposes it. */
  async function leaderDisposingOn(type: keyof TokenRefresherEvents, withLocks: boolean) {
    const source = fakeSource();
    const { BroadcastChannel, posted } = fakeBroadcastChannels();
    const locks = withLocks ? fakeLocks() : undefined;
    const make = (i: number) =>
      createTokenRefresher({
        fetchToken: source.fetchToken,
        jitter: 0,
        channelName: 'test',
        environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks, random: () => (i + 1) / 10 }),
      });
    const leader = make(0);
    let disposals = 0;
    leader.on(type, () => {
      disposals++;
      leader.dispose();
    });
    const follower = make(1);
    return { source, posted, leader, follower, disposals: () => disposals };
  }

  it.each([
    ['Web Locks', true],
    ['BroadcastChannel alone', false],
  ])('posts nothing to the closed channel and leaves nothing unhandled (%s)', async (_, withLocks) => {
    const triggers: [keyof TokenRefresherEvents, (s: ReturnType<typeof fakeSource>) => void][] = [
      ['leadership', () => {}],
      ['refreshed', () => {}],
      [
        'failed',
        (s) => {
          s.failWith = new Error('down');
        },
      ],
      [
        'fatal',
        (s) => {
          s.failWith = Object.assign(new Error('signed out'), { status: 401 });
        },
      ],
    ];
    for (const [type, arrange] of triggers) {
      const stop = catchUncaught();
      const { source, posted, leader, follower, disposals } = await leaderDisposingOn(type, withLocks);
      arrange(source);
      await vi.advanceTimersByTimeAsync(withLocks ? 0 : 5000);
      const call = leader.getToken().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      expect(disposals(), type).toBe(1);
      expect(await call, type).toMatchObject({ code: 'DISPOSED' });
      expect(leader.state, type).toBe('disposed');
      follower.dispose();
      const calls = source.fetchToken.mock.calls.length;
      const messages = posted.length;
      expect(vi.getTimerCount(), type).toBe(0);
      await vi.advanceTimersByTimeAsync(48 * HOUR);
      expect(source.fetchToken, type).toHaveBeenCalledTimes(calls);
      expect(posted.length, type).toBe(messages);
      expect(await stop(), type).toEqual([]);
      expect(leader.isLeader, type).toBe(false);
    }
  });

  it.each([
    ['fatal', Object.assign(new Error('signed out'), { status: 401 }), { code: 'UNAUTHENTICATED' }],
    ['refreshed', undefined, { token: 'token-1' }],
  ] as const)(
    'tells the other tabs before a %s listener disposes the leader',
    async (type, failWith, outcome) => {
      const { source, leader, follower } = await leaderDisposingOn(type, true);
      source.failWith = failWith;
      await flush();
      const waiting = follower.getToken().catch((e: unknown) => e);
      await flush();
      expect(leader.state).toBe('disposed');
      expect(await waiting).toMatchObject(outcome);
      expect(source.fetchToken).toHaveBeenCalledTimes(1);
      follower.dispose();
    },
  );

  it('neither fetches nor leaves a timer when an expired listener disposes during a wake-up or getToken', async () => {
    for (const via of ['timer', 'getToken'] as const) {
      vi.setSystemTime(START);
      const stop = catchUncaught();
      const { source, refresher } = setup();
      await refresher.getToken();
      refresher.on('expired', () => refresher.dispose());
      vi.setSystemTime(START + 2 * HOUR);
      if (via === 'timer') await vi.advanceTimersByTimeAsync(30_000);
      else await expect(refresher.getToken(), via).rejects.toMatchObject({ code: 'DISPOSED' });
      expect(refresher.state, via).toBe('disposed');
      expect(vi.getTimerCount(), via).toBe(0);
      await vi.advanceTimersByTimeAsync(48 * HOUR);
      expect(source.fetchToken, via).toHaveBeenCalledTimes(1);
      expect(await stop(), via).toEqual([]);
    }
  });

  it('stays disposed when a leadership listener disposes while the tab says goodbye on pagehide', async () => {
    const stop = catchUncaught();
    const { BroadcastChannel } = fakeBroadcastChannels();
    const page = fakePage();
    const refresher = createTokenRefresher({
      fetchToken: fakeSource().fetchToken,
      channelName: 'test',
      environment: fakeEnvironment(page, { BroadcastChannel }),
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(refresher.isLeader).toBe(true);
    refresher.on('leadership', () => refresher.dispose());
    page.window.dispatchEvent(new Event('pagehide'));
    expect(refresher.state).toBe('disposed');
    expect(vi.getTimerCount()).toBe(0);
    expect(await stop()).toEqual([]);
  });

  it('ignores a token that arrives after dispose from a source that does not honour the abort signal', async () => {
    const stop = catchUncaught();
    const { BroadcastChannel, posted } = fakeBroadcastChannels();
    let answer: (t: string) => void = () => {};
    const refresher = createTokenRefresher({
      fetchToken: () =>
        new Promise<string>((r) => {
          answer = r;
        }),
      channelName: 'test',
      environment: fakeEnvironment(fakePage(), { BroadcastChannel, locks: fakeLocks() }),
    });
    await flush();
    const call = refresher.getToken().catch((e: unknown) => e);
    await flush();
    refresher.dispose();
    const messages = posted.length;
    answer('{"token":"late"}');
    await flush();
    expect(await call).toMatchObject({ code: 'DISPOSED' });
    expect(posted.length).toBe(messages);
    expect(vi.getTimerCount()).toBe(0);
    expect(await stop()).toEqual([]);
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
