// Refresher requests: N tabs of one origin open for several token lifetimes, in real Chromium with Playwright's clock.
// Baseline: N requests per refresh (one per tab, as the SDK's AzureCommunicationTokenCredential makes).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions, chromiumPath } from '@acs-identity/testing';
import { figure, isBuilt, notMeasured, repoRoot } from '../lib.mjs';

const MINUTE = 60_000;
const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title><script type="module">
import { createTokenRefresher } from '/dist/index.js';
window.refresher = createTokenRefresher({
  fetchToken: async () => {
    const res = await fetch('/token', { method: 'POST' });
    const { token } = await res.json();
    return { token, expiresOn: new Date(Date.now() + 60 * 60_000).toISOString() };
  },
  channelName: 'bench',
});
window.ready = true;
</script>`;

function serve(distFile) {
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.url === '/dist/index.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(distFile));
    } else if (req.url === '/token') {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: `token-${requests}` }));
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(PAGE);
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        count: () => requests,
        close: () => server.close(),
      }),
    ),
  );
}

export async function run({ smoke }) {
  const target = '1 request per refresh, whatever N';
  const dist = join(repoRoot, 'packages', 'browser-token-refresher', 'dist', 'index.js');
  if (!isBuilt('browser-token-refresher')) {
    return [notMeasured('refresher-tabs', 'Refresher requests for N tabs', target, 'refresher not built')];
  }
  const chromiumExecutable = chromiumPath();
  if (chromiumExecutable === undefined) {
    return [notMeasured('refresher-tabs', 'Refresher requests for N tabs', target, 'no Chromium')];
  }
  const { chromium } = await import('playwright-core');
  const tabs = smoke ? 2 : 4;
  const lifetimes = smoke ? 2 : 4;
  const server = await serve(dist);
  const userDataDir = mkdtempSync(join(tmpdir(), 'acs-bench-chromium-'));
  const context = await chromium.launchPersistentContext(
    userDataDir,
    chromiumLaunchOptions(chromiumExecutable),
  );
  try {
    const start = Date.UTC(2026, 0, 1, 9);
    await context.clock.install({ time: start });
    const pages = [];
    for (let i = 0; i < tabs; i += 1) {
      const page = i === 0 ? (context.pages()[0] ?? (await context.newPage())) : await context.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => window.ready === true);
      pages.push(page);
    }
    await Promise.all(pages.map((p) => p.evaluate(() => window.refresher.getToken().then(() => true))));
    const initial = server.count();
    for (let i = 0; i < lifetimes * 60; i += 1) await context.clock.runFor(MINUTE);
    await Promise.all(pages.map((p) => p.evaluate(() => window.refresher.getToken().then(() => true))));
    const refreshRequests = server.count() - initial;
    // One refresh per lifetime: 50 minutes into each 60-minute token.
    const refreshes = Math.max(1, Math.floor((lifetimes * 60) / 50));
    const perRefresh = refreshRequests / refreshes;
    await Promise.all(pages.map((p) => p.evaluate(() => window.refresher.dispose())));
    return [
      figure({
        id: 'refresher-tabs',
        title: `Refresher gateway requests per refresh, ${tabs} tabs, ${lifetimes} token lifetimes`,
        value: perRefresh,
        unit: 'requests/refresh',
        baseline: tabs,
        baselineUnit: 'requests/refresh (one per tab)',
        target,
        met: perRefresh <= 1.01 && initial === 1,
        note: `${initial} initial request(s) for ${tabs} tabs, ${refreshRequests} refresh requests in ${lifetimes} h`,
      }),
    ];
  } finally {
    await context.close();
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
