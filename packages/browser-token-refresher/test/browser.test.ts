/**
 * The built refresher in real Chromium (Debian's, driven by playwright-core) against the real gateway and emulator,
 * with Playwright's clock moving the page's time: refresh before expiry, sleep, two tabs, gateway outage, 401, dispose.
 */
import { chromiumLaunchOptions, chromiumPath } from '@acs-identity/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRealGateway, startStaticServer, type TestGateway } from './servers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const CHROMIUM = chromiumPath();

interface Outcome {
  ok: boolean;
  token?: string;
  expiresOnTimestamp?: number;
  code?: string;
  now: number;
}
interface RecordedEvent {
  type: string;
  at: number;
  attempt?: number;
  nextRetryAt?: number;
  leader?: boolean;
  fromOtherTab?: boolean;
  error?: { code: string };
}
interface Harness {
  start(options?: Record<string, unknown>, disposeOn?: string): void;
  waitFor(type: string, count: number): Promise<void>;
  getToken(): Promise<Outcome>;
  startGetToken(): void;
  waitForPending(): Promise<Outcome>;
  dispose(): void;
  refresh(): Promise<Outcome>;
  readonly nextRefreshAt: number | undefined;
  readonly state: string;
  readonly isLeader: boolean;
  events: RecordedEvent[];
  unhandled: string[];
}
declare global {
  interface Window {
    harness: Harness;
    refresherModule: Record<string, unknown>;
  }
}

describe.skipIf(CHROMIUM === undefined)('in Chromium', () => {
  let browser: Browser;
  let site: { origin: string; close(): Promise<void> };
  let gateway: TestGateway;
  let context: BrowserContext;
  let pageErrors: Error[];
  let baseline = 0;
  /** Token requests that reached the gateway during this test. */
  const requests = () => gateway.requests() - baseline;

  beforeAll(async () => {
    site = await startStaticServer();
    gateway = await startRealGateway();
    browser = await chromium.launch(chromiumLaunchOptions(CHROMIUM as string));
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await site?.close();
  });
  beforeEach(async () => {
    await gateway.start();
    baseline = gateway.requests();
    context = await browser.newContext();
    pageErrors = [];
    const start = Date.now();
    await context.clock.install({ time: start });
    await context.clock.pauseAt(start + 1000);
  });
  afterEach(async () => {
    await context?.close();
    expect(pageErrors).toEqual([]);
  });

  async function openTab(
    options: Record<string, unknown> = {},
    auth = gateway.appToken,
    disposeOn?: string,
  ): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e));
    const query = new URLSearchParams({ gateway: gateway.url, auth });
    await page.goto(`${site.origin}/test/page/index.html?${query}`);
    await page.evaluate(([o, d]) => window.harness.start(o, d), [
      { jitter: 0, ...options },
      disposeOn,
    ] as const);
    return page;
  }

  const getToken = (page: Page) => page.evaluate(() => window.harness.getToken());
  const waitFor = (page: Page, type: string, count: number) =>
    page.evaluate(([t, n]) => window.harness.waitFor(t as string, n as number), [type, count] as const);
  const events = (page: Page, type?: string) =>
    page.evaluate((t) => window.harness.events.filter((e) => !t || e.type === t), type);
  const unhandled = (page: Page) => page.evaluate(() => window.harness.unhandled);

  it('loads the built file with a plain <script type="module">', async () => {
    const page = await openTab();
    const exported = await page.evaluate(() => Object.keys(window.refresherModule).sort());
    expect(exported).toEqual([
      'TokenRefresherError',
      'createTokenRefresher',
      'isTokenRefresherError',
      'toTokenRefresherError',
    ]);
  });

  it('refreshes the token before it expires', async () => {
    const page = await openTab();
    const first = await getToken(page);
    expect(first).toMatchObject({ ok: true });
    expect(requests()).toBe(1);
    await context.clock.runFor(49 * MINUTE);
    expect(requests()).toBe(1);
    await context.clock.runFor(MINUTE + 1000);
    await waitFor(page, 'refreshed', 2);
    expect(requests()).toBe(2);
    const second = await getToken(page);
    // The page's clock ran 50 minutes ahead of the servers': the new token's expiry, corrected for that skew, is an
    // hour away on the page's clock. (The emulator may hand out the same string again within one real second.)
    expect(second.now).toBeLessThan(first.expiresOnTimestamp as number);
    expect(second.expiresOnTimestamp as number).toBeGreaterThan(second.now + 55 * MINUTE);
    expect(await gateway.verify(second.token as string)).toMatchObject({ valid: true });
    expect(await page.evaluate(() => window.harness.state)).toBe('fresh');
  });

  it('corrects for a device clock two hours behind the servers', async () => {
    await context.clock.setSystemTime(Date.now() - 2 * HOUR);
    const page = await openTab();
    const token = await getToken(page);
    // Expiry is reported on the page's own clock: an hour from its "now", not three.
    expect(Math.abs((token.expiresOnTimestamp as number) - (token.now + HOUR))).toBeLessThan(5000);
    await context.clock.runFor(50 * MINUTE - 5000);
    expect(requests()).toBe(1);
    await context.clock.runFor(10_000);
    await waitFor(page, 'refreshed', 2);
    expect(requests()).toBe(2);
  });

  it('never returns the expired token after the clock jumps past expiry (sleep)', async () => {
    const page = await openTab();
    const first = await getToken(page);
    // The laptop lid closes for two hours: time jumps, due timers fire at most once.
    await context.clock.fastForward('02:00:00');
    const afterSleep = await getToken(page);
    expect(afterSleep.ok).toBe(true);
    expect(first.expiresOnTimestamp as number).toBeLessThan(afterSleep.now);
    expect(afterSleep.expiresOnTimestamp as number).toBeGreaterThan(afterSleep.now + 50 * MINUTE);
    expect((await events(page)).map((e) => e.type)).toEqual([
      'leadership',
      'refreshed',
      'expired',
      'refreshed',
    ]);
    // The wall clock is set forward without any timer running (a clock change, or a frozen tab).
    await context.clock.setSystemTime(afterSleep.now + 3 * HOUR);
    const afterJump = await getToken(page);
    expect(afterJump.expiresOnTimestamp as number).toBeGreaterThan(afterJump.now + 50 * MINUTE);
    expect(requests()).toBe(3);
  });

  it('makes one gateway request per refresh for two tabs, and hands over when the leader closes', async () => {
    const a = await openTab();
    await waitFor(a, 'leadership', 1);
    const b = await openTab();
    const [ta, tb] = await Promise.all([getToken(a), getToken(b)]);
    expect(tb.token).toBe(ta.token);
    expect(requests()).toBe(1);
    expect([
      await a.evaluate(() => window.harness.isLeader),
      await b.evaluate(() => window.harness.isLeader),
    ]).toEqual([true, false]);
    await context.clock.runFor(50 * MINUTE + 1000);
    await waitFor(b, 'refreshed', 2);
    expect(requests()).toBe(2);
    expect((await events(b, 'refreshed')).map((e) => e.fromOtherTab)).toEqual([true, true]);
    const [ta2, tb2] = await Promise.all([getToken(a), getToken(b)]);
    expect(tb2).toMatchObject({ token: ta2.token, expiresOnTimestamp: ta2.expiresOnTimestamp });
    expect(tb2.expiresOnTimestamp as number).toBeGreaterThan(tb2.now + 55 * MINUTE);

    await a.close();
    await waitFor(b, 'leadership', 1);
    await context.clock.runFor(50 * MINUTE + 1000);
    await waitFor(b, 'refreshed', 3);
    expect(requests()).toBe(3);
    expect((await events(b, 'refreshed')).map((e) => e.fromOtherTab)).toEqual([true, true, false]);
  });

  it('shares one request per refresh over BroadcastChannel alone, without Web Locks', async () => {
    const options = { environment: { locks: undefined }, leaderTimeoutMs: 5000 };
    const a = await openTab(options);
    await context.clock.runFor(5000);
    await waitFor(a, 'leadership', 1);
    const b = await openTab(options);
    const [ta, tb] = await Promise.all([getToken(a), getToken(b)]);
    expect(tb.token).toBe(ta.token);
    expect(requests()).toBe(1);
    await context.clock.runFor(50 * MINUTE + 1000);
    await waitFor(b, 'refreshed', 2);
    expect(requests()).toBe(2);
    expect(await b.evaluate(() => window.harness.isLeader)).toBe(false);
    // The leader's tab closes: it says goodbye on pagehide and the other tab takes over.
    await a.close({ runBeforeUnload: true });
    await waitFor(b, 'leadership', 1);
    expect(await b.evaluate(() => window.harness.isLeader)).toBe(true);
  });

  it('backs off while the gateway is down and resumes when it returns, with no unhandled rejection', async () => {
    const page = await openTab({ retryBaseMs: 1000, retryMaxMs: 60_000 });
    await getToken(page);
    await gateway.stop();
    await context.clock.runFor(50 * MINUTE + 1000);
    await waitFor(page, 'failed', 1);
    for (let n = 2; n <= 6; n++) {
      await context.clock.runFor(60_000);
      await waitFor(page, 'failed', n);
    }
    const failed = await events(page, 'failed');
    failed.forEach((e, i) => {
      const step = Math.min(60_000, 1000 * 2 ** i);
      expect(e.attempt).toBe(i + 1);
      expect(e.error?.code).toBe('SERVICE_UNAVAILABLE');
      expect((e.nextRetryAt as number) - e.at).toBeGreaterThanOrEqual(step / 2);
      expect((e.nextRetryAt as number) - e.at).toBeLessThanOrEqual(step);
    });
    // The token expires during the outage; a caller then waits through three failed attempts and gets the error.
    await context.clock.runFor(6 * MINUTE);
    await waitFor(page, 'failed', 7);
    await waitFor(page, 'expired', 1);
    await page.evaluate(() => window.harness.startGetToken());
    for (let n = 8; n <= 10; n++) {
      await context.clock.runFor(60_000);
      await waitFor(page, 'failed', n);
    }
    expect(await page.evaluate(() => window.harness.waitForPending())).toMatchObject({
      ok: false,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(await page.evaluate(() => window.harness.state)).toBe('retrying');
    expect(requests()).toBe(1);

    await gateway.start();
    await context.clock.runFor(60_000);
    await waitFor(page, 'refreshed', 2);
    expect(requests()).toBe(2);
    expect(await page.evaluate(() => window.harness.state)).toBe('fresh');
    expect(await unhandled(page)).toEqual([]);
  });

  it('stops on 401 and reports it as fatal', async () => {
    const page = await openTab({}, 'not-signed-in');
    expect(await getToken(page)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect((await events(page)).map((e) => e.type)).toEqual(['leadership', 'fatal']);
    await context.clock.runFor(2 * HOUR);
    expect(requests()).toBe(1);
    expect(await unhandled(page)).toEqual([]);
  });

  it('stops all activity on dispose', async () => {
    const page = await openTab();
    await getToken(page);
    await page.evaluate(() => window.harness.dispose());
    await context.clock.runFor(2 * HOUR);
    await context.clock.fastForward('24:00:00');
    await page.evaluate(() => {
      for (const type of ['online', 'focus', 'pageshow']) window.dispatchEvent(new Event(type));
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await context.clock.runFor(HOUR);
    expect(requests()).toBe(1);
    expect((await events(page)).map((e) => e.type)).toEqual(['leadership', 'refreshed']);
    expect(await getToken(page)).toMatchObject({ ok: false, code: 'DISPOSED' });
    expect(await unhandled(page)).toEqual([]);
  });

  it('refresh() in the following tab: the leader fetches once and both tabs hold the new token and plan', async () => {
    const a = await openTab();
    await waitFor(a, 'leadership', 1);
    const b = await openTab();
    const [ta] = await Promise.all([getToken(a), getToken(b)]);
    expect(requests()).toBe(1);
    // One real second later, so the emulator issues a token with a later expiry.
    await new Promise((r) => setTimeout(r, 1100));
    const forced = await b.evaluate(() => window.harness.refresh());
    expect(forced).toMatchObject({ ok: true });
    expect(forced.token).not.toBe(ta.token);
    await waitFor(a, 'refreshed', 2);
    expect(requests()).toBe(2);
    expect(await getToken(a)).toMatchObject({ token: forced.token });
    expect((await events(b, 'refreshed')).map((e) => e.fromOtherTab)).toEqual([true, true]);
    const [na, nb] = [
      await a.evaluate(() => window.harness.nextRefreshAt),
      await b.evaluate(() => window.harness.nextRefreshAt),
    ];
    expect(nb).toBe(na);
    expect((na as number) - forced.now).toBeGreaterThan(45 * MINUTE);
    expect(await unhandled(b)).toEqual([]);
  });

  // An app disposing in its own listener (e.g. signing out on `fatal`) must not make the refresher post to its closed
  // BroadcastChannel afterwards (Chromium: "Channel is closed"), nor fetch or schedule anything.
  it.each(['fatal', 'refreshed', 'failed', 'leadership'])(
    'stays quiet when a %s listener disposes it',
    async (type) => {
      if (type === 'failed') await gateway.stop();
      const page = await openTab({}, type === 'fatal' ? 'not-signed-in' : gateway.appToken, type);
      const outcome = await getToken(page);
      expect(outcome).toMatchObject({ ok: false, code: 'DISPOSED' });
      expect(await page.evaluate(() => window.harness.state)).toBe('disposed');
      const before = requests();
      await context.clock.runFor(2 * HOUR);
      expect(requests()).toBe(before);
      expect(await unhandled(page)).toEqual([]);
      // afterEach: no page error either.
    },
  );
});
