// GraphiQL of the development gateway in real Chromium with the network cut off at the browser: every asset comes from
// the gateway itself (no CDN), and a query put into the editor runs and shows its result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions, chromiumPath } from '@acs-identity/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../src/index.js';

const CHROMIUM = chromiumPath();

describe.skipIf(CHROMIUM === undefined)('GraphiQL in Chromium, offline', () => {
  let browser: Browser;
  let gateway: RunningGateway;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acs-gateway-graphiql-'));
    gateway = await startGateway({ env: {}, dev: true, port: 0, dataDir, logSink: () => {} });
    browser = await chromium.launch(chromiumLaunchOptions(CHROMIUM as string));
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads everything from the gateway and runs a query typed into the editor', async () => {
    const signIn = await fetch(`${gateway.url}dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"alice"}',
    });
    const { token } = (await signIn.json()) as { token: string };
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const requested: string[] = [];
    const refused: string[] = [];
    // The network beyond this machine is unplugged: only the gateway's own origin answers.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      if (new URL(url).origin === new URL(gateway.url).origin) return route.continue();
      refused.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    /** Puts `text` into the focused editor as a user pasting it would (typing would meet the editor's auto-closing). */
    const enter = async (text: string) => {
      await page.keyboard.press('ControlOrMeta+A');
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await page.keyboard.press('ControlOrMeta+V');
    };

    await page.goto(gateway.graphqlUrl);
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
    await queryEditor.waitFor();
    await page.getByRole('button', { name: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .monaco-editor:visible').click();
    await enter(JSON.stringify({ authorization: `Bearer ${token}` }));
    await queryEditor.click();
    await enter('query WhoAmI { me { role subject } }');
    // GraphiQL takes an edit in after a moment; its tab is named after the operation once it has.
    await page.locator('.graphiql-tab', { hasText: 'WhoAmI' }).waitFor();
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.locator('.graphiql-response').getByText('"alice"').waitFor();

    const shown = (await page.locator('.graphiql-response').textContent()) ?? '';
    expect(shown.replace(/\s+/g, ' ')).toMatch(
      /"data": \{ "me": \{ "role": "END_USER", "subject": "alice" \} \}/,
    );
    expect(refused).toEqual([]);
    expect(requested.length).toBeGreaterThan(1);
    for (const url of requested) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
