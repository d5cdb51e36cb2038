import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startGateway } from '@acs-identity/graphql';
import { chromiumLaunchOptions, chromiumPath } from '@acs-identity/testing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoServer, type DemoServer } from '../src/server/index.js';
import { ROOT, type Stack, startStack, stopStack } from './stack.js';

/**
 * The whole stack as `npm start` runs it (scripts/start.mjs: emulator over HTTPS, gateway in development mode, demo
 * server), driven in real Chromium. Screenshots go to apps/demo/test-results/.
 */

const CHROMIUM = chromiumPath();
const HAS_CHROMIUM = CHROMIUM !== undefined;
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('../dist/client/', import.meta.url));

const journals = new WeakMap<Page, string[]>();
const run$ = promisify(execFile);

/** Runs the acs-identity CLI (packages/cli, built) with `args`, as a user runs `npx acs-identity ...`; its stdout. */
async function cli(args: string[]): Promise<string> {
  const { stdout } = await run$(process.execPath, [join(ROOT, 'packages/cli/bin/acs-identity.js'), ...args], {
    cwd: ROOT,
  });
  return stdout.trim();
}

/** Records what a page logs, throws and requests from the gateway, for the messages of failed waits. */
function watch(page: Page): Page {
  const journal: string[] = [];
  journals.set(page, journal);
  page.on('console', (m) => journal.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => journal.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.startsWith('/assets/')) journal.push(`${r.request().method()} ${path} -> ${r.status()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) journal.push(`navigated ${f.url()}`);
  });
  return page;
}

/** Waits for `selector`; on timeout the error says what the page showed instead (banner, refresher log). */
async function see(page: Page, selector: string): Promise<void> {
  try {
    await page.locator(selector).first().waitFor({ timeout: 20_000 });
  } catch (cause) {
    const text = async (s: string) =>
      (await page.locator(s).count()) > 0 ? ((await page.locator(s).textContent()) ?? '') : '';
    const message =
      `${selector} did not appear.\nBanner: ${await text('#banner')}\nRefresher: ${await text('[data-testid=event-log]')}` +
      `\nPage: ${await text('main')}\nJournal:\n${(journals.get(page) ?? []).join('\n')}`;
    // Tokens stay out of test output.
    throw new Error(message.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>'), { cause });
  }
}

async function tokenOf(page: Page): Promise<string> {
  return (await page.locator('[data-testid=token]').getAttribute('data-token')) ?? '';
}

async function expiryOf(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid=expires-on]').getAttribute('data-exp'));
}

function claimsOf(token: string): { iat: number; exp: number; skypeid: string } {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    iat: number;
    exp: number;
    skypeid: string;
  };
}

/** Opens the admin view: its cards by heading, and a user made with its first card (with a chat and voip token). */
async function adminView(page: Page, demoUrl: string) {
  await page.goto(`${demoUrl}#/admin`);
  const section = (name: string) => page.locator('section', { has: page.getByRole('heading', { name }) });
  return {
    section,
    async createUser(): Promise<{ rawId: string; token: { scopes: string[] } }> {
      const create = section('Create a user');
      await create.getByRole('button', { name: 'Create', exact: true }).click();
      const createdText = await create.locator('[data-testid=admin-result]').textContent();
      return JSON.parse(createdText ?? '{}') as { rawId: string; token: { scopes: string[] } };
    },
  };
}

/**
 * Signs bob in and checks what the user card says of his identity (its custom id, when its last token was issued, also
 * after a refresh), then looks the identity up in the admin view. Writes `screenshot.png` (the README's picture).
 */
async function identityFacts(page: Page, demoUrl: string): Promise<void> {
  await page.goto(demoUrl);
  await page.getByRole('button', { name: 'Sign in as bob' }).click();
  await see(page, '[data-testid=token][data-token]');
  const first = await tokenOf(page);
  // The gateway maps bob through the custom id of his sign-in's issuer and subject, which the service keeps.
  await see(page, `[data-testid=last-issued][data-state=read] time`);
  expect(await page.getByTestId('custom-id').textContent()).toBe(
    'oidc:urn%3Aacs-identity%3Agateway%3Adev:bob',
  );
  const issuedAt = async () =>
    Date.parse((await page.locator('[data-testid=last-issued] time').getAttribute('data-at')) ?? '');
  const firstIssue = await issuedAt();
  // The service recorded the issue of the token shown: within the token's own second.
  expect(Math.floor(firstIssue / 1000)).toBe(claimsOf(first).iat);

  // A new token: the card shows the new issue time.
  const untilNextSecond = (claimsOf(first).iat + 1) * 1000 - Date.now();
  if (untilNextSecond > 0) await new Promise((resolve) => setTimeout(resolve, untilNextSecond));
  await page.getByRole('button', { name: 'Refresh now' }).click();
  await see(page, `[data-testid=token]:not([data-token-tail="${first.slice(-16)}"])`);
  const second = await tokenOf(page);
  await see(page, `[data-testid=last-issued] time:not([data-at="${new Date(firstIssue).toISOString()}"])`);
  expect(Math.floor((await issuedAt()) / 1000)).toBe(claimsOf(second).iat);
  // The README's picture of the demo (apps/demo/screenshot.png is a copy of this one).
  await page.screenshot({ path: join(RESULTS, 'screenshot.png') });

  // The admin view looks the identity up by id: the same custom id and last issue time.
  const rawId = (await page.getByTestId('identity').textContent()) ?? '';
  const lastIssued = new Date(await issuedAt()).toISOString();
  const lookUp = (await adminView(page, demoUrl)).section('Look up a user');
  await lookUp.getByRole('textbox', { name: 'User id' }).fill(rawId);
  await lookUp.getByRole('button', { name: 'Look up' }).click();
  const found = JSON.parse((await lookUp.locator('[data-testid=admin-result]').textContent()) ?? '{}') as {
    rawId: string;
    customId: string;
    lastTokenIssuedAt: string;
  };
  expect(found).toMatchObject({ rawId, customId: 'oidc:urn%3Aacs-identity%3Agateway%3Adev:bob' });
  expect(new Date(found.lastTokenIssuedAt.split(' ')[0] ?? '').toISOString()).toBe(lastIssued);
  await page.screenshot({ path: join(RESULTS, '12-look-up.png'), fullPage: true });
}

describe.skipIf(!HAS_CHROMIUM)('the demo in Chromium', () => {
  let dataDir: string;
  let userDataDir: string;
  let stack: Stack | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    await mkdir(RESULTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'acs-demo-data-'));
    userDataDir = await mkdtemp(join(tmpdir(), 'acs-demo-chromium-'));
    stack = await startStack(dataDir);
    context = await chromium.launchPersistentContext(userDataDir, {
      ...chromiumLaunchOptions(CHROMIUM as string),
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (stack !== undefined) {
      const code = await stopStack(stack);
      expect(code, stack.output()).toBe(0);
      expect(stack.output()).toContain('stopped.');
    }
    await rm(userDataDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in, refreshes before expiry, revokes, and lets one tab refresh for all', async () => {
    if (context === undefined || stack === undefined) throw new Error('the stack did not start');
    expect(stack.output()).not.toContain('Not started');
    const page = watch(context.pages()[0] ?? (await context.newPage()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.clock.install();
    await page.goto(stack.demoUrl);

    // Sign in and see a token for alice's own ACS identity.
    await page.getByRole('button', { name: 'Sign in as alice' }).click();
    await see(page, '[data-testid=token][data-token]');
    const first = await tokenOf(page);
    const firstExpiry = await expiryOf(page);
    expect(await page.locator('[data-testid=identity]').textContent()).toBe(`8:${claimsOf(first).skypeid}`);
    expect(await page.locator('[data-testid=scopes]').textContent()).toBe('chatvoip');
    expect(claimsOf(first).exp - claimsOf(first).iat).toBe(60 * 60);
    await see(page, '[data-testid=leader][data-leader=true]');
    await page.screenshot({ path: join(RESULTS, '01-signed-in.png'), fullPage: true });

    // The emulator stamps whole seconds: let the real clock pass the first token's second, so a new token expires
    // later than the first.
    const untilNextSecond = (claimsOf(first).iat + 1) * 1000 - Date.now();
    if (untilNextSecond > 0) await new Promise((resolve) => setTimeout(resolve, untilNextSecond));

    // Move the page clock to just before the refresh point the refresher planned (nextRefreshAt, jitter applied: up
    // to 5 % before 10 minutes ahead of expiry): still the same token.
    await see(page, '[data-testid=next-refresh][data-at]');
    const refreshAt = Number(await page.locator('[data-testid=next-refresh]').getAttribute('data-at'));
    const pageNow = await page.evaluate(() => Date.now());
    expect(refreshAt - pageNow).toBeGreaterThan(0.95 * 50 * 60_000 - 60_000);
    expect(refreshAt - pageNow).toBeLessThanOrEqual(50 * 60_000);
    await page.clock.fastForward(Math.floor(refreshAt - pageNow - 5000));
    expect((await tokenOf(page)).slice(-16)).toBe(first.slice(-16));

    // Past the refresh point: the refresher fetched a new token with a later expiry.
    await page.clock.fastForward(10_000);
    await see(page, `[data-testid=token]:not([data-token-tail="${first.slice(-16)}"])`);
    const second = await tokenOf(page);
    expect(await expiryOf(page)).toBeGreaterThan(firstExpiry);
    expect(claimsOf(second).skypeid).toBe(claimsOf(first).skypeid);
    expect(await page.locator('[data-testid=event-log] li[data-type=refreshed]').count()).toBe(2);
    await page.screenshot({ path: join(RESULTS, '02-refreshed.png'), fullPage: true });

    // Revoke: the emulator reports the old token invalid, and a new, valid token replaces it.
    await page.getByRole('button', { name: 'Revoke my tokens' }).click();
    const verdict = page.locator('[data-testid=revocation-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-valid')).toBe('false');
    expect(await verdict.getAttribute('data-reason')).toBe('revoked');
    await see(page, `[data-testid=token]:not([data-token-tail="${second.slice(-16)}"])`);
    const third = await tokenOf(page);
    const check = await page.evaluate(async (token) => {
      const res = await fetch('/emulator/verify-token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      return (await res.json()) as { valid: boolean };
    }, third);
    expect(check.valid).toBe(true);
    await page.screenshot({ path: join(RESULTS, '03-revoked.png'), fullPage: true });

    // A second tab shares the token and says that the first tab does the refreshing.
    const tab = watch(await context.newPage());
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.clock.install({ time: await page.evaluate(() => Date.now()) });
    await tab.goto(stack.demoUrl);
    await see(tab, '[data-testid=leader][data-leader=false]');
    expect(await tab.locator('[data-testid=leader]').textContent()).toBe(
      'Another tab refreshes the token; this tab receives it.',
    );
    await see(tab, `[data-testid=token][data-token-tail="${third.slice(-16)}"]`);
    expect(await page.locator('[data-testid=leader]').getAttribute('data-leader')).toBe('true');
    await tab.screenshot({ path: join(RESULTS, '04-second-tab.png'), fullPage: true });

    // "Refresh now" in the second tab: the leading (first) tab fetches one new token and both tabs show it.
    const afterThird = (claimsOf(third).iat + 1) * 1000 - Date.now();
    if (afterThird > 0) await new Promise((resolve) => setTimeout(resolve, afterThird));
    const refreshedBefore = await page.locator('[data-testid=event-log] li[data-type=refreshed]').count();
    await tab.getByRole('button', { name: 'Refresh now' }).click();
    await see(tab, `[data-testid=token]:not([data-token-tail="${third.slice(-16)}"])`);
    const fourth = await tokenOf(tab);
    await see(page, `[data-testid=token][data-token-tail="${fourth.slice(-16)}"]`);
    expect(claimsOf(fourth).exp).toBeGreaterThan(claimsOf(third).exp);
    await see(tab, '[data-testid=event-log] li[data-type=refreshed]');
    expect(await page.locator('[data-testid=event-log] li[data-type=refreshed]').count()).toBe(
      refreshedBefore + 1,
    );
    expect(await page.locator('[data-testid=leader]').getAttribute('data-leader')).toBe('true');
    await tab.close();

    // Readable on a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(RESULTS, '09-phone.png'), fullPage: true });

    expect(errors).toEqual([]);
  });

  it("shows the identity's custom id and last issue time, which the admin view looks up", async () => {
    if (stack === undefined) throw new Error('the stack did not start');
    // A browser of its own: the other tests move their context's clock (Playwright's clock is the context's).
    const profile = await mkdtemp(join(tmpdir(), 'acs-demo-chromium-'));
    const own = await chromium.launchPersistentContext(profile, {
      ...chromiumLaunchOptions(CHROMIUM as string),
      viewport: { width: 1200, height: 800 },
    });
    try {
      await identityFacts(watch(own.pages()[0] ?? (await own.newPage())), stack.demoUrl);
    } finally {
      await own.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  it('runs every admin operation with the development admin key', async () => {
    if (context === undefined || stack === undefined) throw new Error('the stack did not start');
    const page = watch(await context.newPage());
    const { section, createUser } = await adminView(page, stack.demoUrl);

    const created = await createUser();
    expect(created.rawId).toMatch(/^8:acs:/);
    expect(created.token.scopes).toEqual(['CHAT', 'VOIP']);

    // With a custom id, twice: one user.
    const create = section('Create a user');
    await create.getByLabel(/Custom id/).fill('carla@contoso.com');
    const withCustomId = async () => {
      await create.getByRole('button', { name: 'Create', exact: true }).click();
      await create.getByText('"customId": "carla@contoso.com"').waitFor();
      return JSON.parse((await create.locator('[data-testid=admin-result]').textContent()) ?? '{}') as {
        rawId: string;
      };
    };
    const [once, twice] = [await withCustomId(), await withCustomId()];
    expect(twice.rawId).toBe(once.rawId);
    await create.getByLabel(/Custom id/).fill('');

    // Issue with chosen scopes and lifetime for the user just created (picked from the list).
    await page.locator('[data-testid=admin-users] button').first().click();
    const issue = section('Issue a token');
    await issue.getByRole('checkbox', { name: 'voip', exact: true }).uncheck();
    await issue.getByRole('checkbox', { name: 'chat.join', exact: true }).check();
    await issue.getByLabel(/Lifetime in minutes/).fill('90');
    await issue.getByRole('button', { name: 'Issue' }).click();
    const issued = JSON.parse((await issue.locator('[data-testid=admin-result]').textContent()) ?? '{}') as {
      scopes: string[];
    };
    expect(issued.scopes).toEqual(['CHAT', 'CHAT_JOIN']);

    // A lifetime the service refuses gets the service's own explanation.
    await issue.getByLabel(/Lifetime in minutes/).fill('59');
    await issue.getByRole('button', { name: 'Issue' }).click();
    await issue.locator('[data-problem=BAD_INPUT]').waitFor();
    expect(await issue.locator('[data-problem=BAD_INPUT]').textContent()).toBe(
      'Check your input. ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.',
    );

    const manage = section('Revoke or delete');
    await manage.getByRole('button', { name: 'Revoke tokens' }).click();
    await manage.getByRole('button', { name: 'Revoke', exact: true }).click();
    await manage.getByText('"revokeTokens": true').waitFor();
    await manage.getByRole('button', { name: 'Delete user' }).click();
    await manage.getByRole('button', { name: 'Delete', exact: true }).click();
    await manage.getByText('"deleteUser": true').waitFor();

    const parse = section('Parse a raw id');
    await parse.getByRole('textbox', { name: 'Raw id' }).fill(created.rawId);
    await parse.getByRole('button', { name: 'Parse' }).click();
    await parse.getByText('COMMUNICATION_USER').waitFor();
    // An Entra token nobody issued is refused, with a message.
    const teams = section('Exchange a Teams token');
    await teams
      .getByLabel('Entra access token of the Teams user')
      .fill('eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2ln');
    await teams.getByLabel('Entra application (client) id').fill('11111111-1111-4111-8111-111111111111');
    await teams.getByLabel('Teams user object id (oid)').fill('22222222-2222-4222-8222-222222222222');
    await teams.getByRole('button', { name: 'Exchange' }).click();
    await teams.locator('[data-problem]').waitFor();

    await page.screenshot({ path: join(RESULTS, '05-admin.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('exchanges a Teams token minted by the command the admin card shows', async () => {
    if (context === undefined || stack === undefined) throw new Error('the stack did not start');
    const page = watch(await context.newPage());
    const teams = (await adminView(page, stack.demoUrl)).section('Exchange a Teams token');
    expect(await teams.textContent()).not.toMatch(/no Entra stand-in|answers an error/);
    // The card's command, with the user and app ids its fields hold.
    const command = (await teams.getByTestId('entra-command').textContent()) ?? '';
    const oid = await teams.getByLabel('Teams user object id (oid)').inputValue();
    const app = await teams.getByLabel('Entra application (client) id').inputValue();
    expect(command).toBe(
      `npx acs-identity emulator entra token --teams-user ${oid} --app ${app} --query accessToken -o tsv`,
    );
    const args = command.replace(/^npx acs-identity /, '').split(' ');
    const entraToken = await cli([...args, '--data-dir', dataDir]);
    await teams.getByLabel('Entra access token of the Teams user').fill(entraToken);
    await teams.getByRole('button', { name: 'Exchange' }).click();
    const answer = teams.locator('[data-testid=admin-result]');
    await answer.waitFor();
    expect(JSON.parse((await answer.textContent()) ?? '{}')).toMatchObject({ scopes: expect.any(Array) });
    expect(await teams.locator('[data-problem]').count()).toBe(0);
    await page.close();
  });

  it('asks before it revokes or deletes a user, as the CLI does, and shows a revocation as done', async () => {
    if (context === undefined || stack === undefined) throw new Error('the stack did not start');
    const page = watch(await context.newPage());
    const { section, createUser } = await adminView(page, stack.demoUrl);
    const { rawId } = await createUser();
    await page.locator('[data-testid=admin-users] button').first().click();
    const manage = section('Revoke or delete');
    const issue = section('Issue a token');

    // Delete asks first; cancelling leaves the user as it was: it still gets tokens.
    await manage.getByRole('button', { name: 'Delete user' }).click();
    expect(await manage.getByTestId('admin-confirm').textContent()).toContain(
      `Delete the user ${rawId} and revoke its tokens?`,
    );
    await manage.getByRole('button', { name: 'Cancel' }).click();
    await manage.getByText('Cancelled; nothing was changed.').waitFor();
    await issue.getByRole('button', { name: 'Issue' }).click();
    await issue.locator('[data-testid=admin-result]').waitFor();

    // Revoke asks first too, and its success is shown as one.
    await manage.getByRole('button', { name: 'Revoke tokens' }).click();
    expect(await manage.getByTestId('admin-confirm').textContent()).toContain(
      `Revoke every access token of ${rawId}?`,
    );
    expect(await page.locator('[data-testid=admin-users]').textContent()).toContain('active');
    await manage.getByRole('button', { name: 'Revoke', exact: true }).click();
    const done = manage.getByTestId('admin-success');
    await done.waitFor();
    expect(await done.getAttribute('class')).toBe('verdict success');
    expect(await manage.locator('[data-problem]').count()).toBe(0);
    expect(await page.locator('[data-testid=admin-users]').textContent()).toContain('revoked');
    await page.close();
  });

  it('logs a revocation, shows it as done, and shows every decoded claim whole', async () => {
    if (context === undefined || stack === undefined) throw new Error('the stack did not start');
    for (const other of context.pages()) await other.close();
    const page = watch(await context.newPage());
    await page.goto(stack.demoUrl);
    if ((await page.getByTestId('sign-out').count()) > 0) await page.getByTestId('sign-out').click();
    await page.getByRole('button', { name: 'Sign in as carol' }).click();
    await see(page, '[data-testid=token][data-token]');
    const token = await tokenOf(page);

    // The decoded claims wrap: the skypeid line is all there, with no scroll bar hiding its end.
    await page.getByText('Decoded claims').click();
    const claims = page.getByTestId('claims');
    expect(await claims.textContent()).toContain(`"skypeid": "${claimsOf(token).skypeid}"`);
    expect(await claims.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);

    await page.getByRole('button', { name: 'Revoke my tokens' }).click();
    const verdict = page.locator('[data-testid=revocation-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-reason')).toBe('revoked');
    expect(await verdict.getAttribute('class')).toBe('verdict success');
    await see(page, '[data-testid=event-log] li[data-type=revoked]');
    await see(page, `[data-testid=token]:not([data-token-tail="${token.slice(-16)}"])`);
    await page.screenshot({ path: join(RESULTS, '10-revoked.png'), fullPage: true });
    await page.close();
  });

  it('asks to sign in again when the gateway refuses the sign-in', async () => {
    if (context === undefined || stack === undefined) throw new Error('the stack did not start');
    // Alone: a tab that sees the refusal first signs every other tab out.
    for (const other of context.pages()) await other.close();
    const page = watch(await context.newPage());
    // A sign-in token the gateway did not sign (as after a gateway restart with new development keys), in place
    // before the app reads it.
    const forged = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: 'urn:acs-identity:gateway:dev', sub: 'mallory', exp: 4_000_000_000 }),
    ).toString('base64url')}.c2ln`;
    await page.addInitScript((token) => {
      localStorage.setItem('acs-identity-demo.sign-in', JSON.stringify({ user: 'mallory', token }));
    }, forged);
    await page.goto(stack.demoUrl);
    await see(page, '[data-problem=UNAUTHENTICATED]');
    expect(await page.locator('#banner').textContent()).toContain('Your sign-in has expired');
    await page.getByRole('button', { name: 'Sign in as alice' }).waitFor();
    await page.screenshot({ path: join(RESULTS, '06-sign-in-refused.png'), fullPage: true });
    // The app disposed the refresher inside its `fatal` listener: no error from a closed channel, or any other.
    expect(journals.get(page)?.filter((line) => line.startsWith('pageerror'))).toEqual([]);
    await page.close();
  });
});

/**
 * Opens a demo server in a fresh Chromium profile, runs `check` on its page, then closes the browser and the server
 * and removes the profile.
 */
async function onDemoPage(demo: DemoServer, check: (page: Page) => Promise<void>): Promise<void> {
  const { url } = await demo.listen();
  const userDataDir = await mkdtemp(join(tmpdir(), 'acs-demo-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(CHROMIUM as string),
  });
  try {
    const page = watch(context.pages()[0] ?? (await context.newPage()));
    await page.goto(url);
    await check(page);
  } finally {
    await context.close();
    await demo.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

describe.skipIf(!HAS_CHROMIUM)('the demo when the local stack stops', () => {
  it('shows one banner, which says the stack is not running, when a refresh fails', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-demo-data-'));
    const userDataDir = await mkdtemp(join(tmpdir(), 'acs-demo-chromium-'));
    const stack = await startStack(dataDir);
    const context = await chromium.launchPersistentContext(userDataDir, {
      ...chromiumLaunchOptions(CHROMIUM as string),
    });
    try {
      const page = watch(context.pages()[0] ?? (await context.newPage()));
      await page.clock.install();
      await page.goto(stack.demoUrl);
      await page.getByRole('button', { name: 'Sign in as alice' }).click();
      await see(page, '[data-testid=token][data-token]');
      expect(await stopStack(stack)).toBe(0);

      // Refresh now: the refresher tries three times (backoff on the page's clock), then gives up.
      await page.getByRole('button', { name: 'Refresh now' }).click();
      const failed = page.locator('[data-testid=event-log] li[data-type=failed]');
      while ((await failed.count()) < 3) await page.clock.fastForward(5_000);
      await see(page, '#banner [data-problem=STACK_DOWN]');
      const banners = page.locator('#banner .banner');
      expect(await banners.count(), (await page.locator('#banner').textContent()) ?? '').toBe(1);
      expect(await banners.textContent()).toContain('The local stack is not running');
      expect((await banners.textContent())?.toLowerCase()).not.toContain('unexpected');
      await page.screenshot({ path: join(RESULTS, '11-stack-stopped.png'), fullPage: true });
    } finally {
      await context.close();
      await stopStack(stack);
      await rm(userDataDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAS_CHROMIUM)('the demo without its gateway', () => {
  it('says that the gateway is down and how to start it', async () => {
    const demo = await createDemoServer({ gatewayUrl: 'http://127.0.0.1:9/', staticDir: STATIC_DIR });
    await onDemoPage(demo, async (page) => {
      await see(page, '[data-problem=GATEWAY_DOWN]');
      expect(await page.locator('#banner').textContent()).toContain('The gateway is not reachable');
      expect(await page.locator('[data-service=gateway]').getAttribute('data-state')).toBe('down');
      await page.getByRole('button', { name: 'Sign in as bob' }).click();
      await see(page, '[data-problem=GATEWAY_DOWN]');
      await page.screenshot({ path: join(RESULTS, '07-gateway-down.png'), fullPage: true });
    });
  });
});

describe.skipIf(!HAS_CHROMIUM)('the demo with a gateway that throttles', () => {
  it('says to wait when the gateway answers THROTTLED', async () => {
    const adminKey = randomBytes(32).toString('base64url');
    const gateway = await startGateway({
      env: {},
      dev: true,
      adminKeys: [adminKey],
      rateLimitPerMinute: 1,
      port: 0,
      dataDir: await mkdtemp(join(tmpdir(), 'acs-demo-gateway-')),
      connectionString: `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.alloc(64, 7).toString('base64')}`,
      logSink: () => {},
    });
    const demo = await createDemoServer({ gatewayUrl: gateway.url, adminKey, staticDir: STATIC_DIR });
    try {
      await onDemoPage(demo, async (page) => {
        const parse = (await adminView(page, page.url())).section('Parse a raw id');
        await parse.getByRole('textbox', { name: 'Raw id' }).fill('4:+14255550123');
        await parse.getByRole('button', { name: 'Parse' }).click();
        await parse.getByText('PHONE_NUMBER').waitFor();
        // One request a minute: the second is throttled, and the page says what to do.
        await parse.getByRole('button', { name: 'Parse' }).click();
        await see(page, '[data-problem=THROTTLED]');
        const problem = (await parse.locator('[data-problem=THROTTLED]').textContent()) ?? '';
        expect(problem).toMatch(/^Too many requests\. /);
        expect(problem).toMatch(/Wait a moment, then try again\.$/);
      });
    } finally {
      await gateway.close();
    }
  });
});

describe.skipIf(!HAS_CHROMIUM)('the demo without its emulator', () => {
  it('says that the emulator is down while the refresher keeps retrying', async () => {
    // A real gateway in development mode whose back end (the emulator) does not answer.
    const gateway = await startGateway({
      env: {},
      dev: true,
      port: 0,
      dataDir: await mkdtemp(join(tmpdir(), 'acs-demo-gateway-')),
      connectionString: `endpoint=https://127.0.0.1:9/;accesskey=${Buffer.alloc(64, 7).toString('base64')}`,
      logSink: () => {},
    });
    const demo = await createDemoServer({
      gatewayUrl: gateway.url,
      emulatorEndpoint: 'https://127.0.0.1:9/',
      staticDir: STATIC_DIR,
    });
    try {
      await onDemoPage(demo, async (page) => {
        await see(page, '[data-problem=EMULATOR_DOWN]');
        expect(await page.locator('#banner').textContent()).toContain('The ACS emulator is not reachable');
        expect(await page.locator('[data-service=emulator]').getAttribute('data-state')).toBe('down');
        expect(await page.locator('[data-service=gateway]').getAttribute('data-state')).toBe('up');
        // Signing in works (the gateway answers); getting a token fails and is retried, with no unhandled error.
        await page.getByRole('button', { name: 'Sign in as bob' }).click();
        await see(page, '[data-testid=event-log] li[data-type=retrying]');
        expect(await page.locator('[data-testid=token-pending]').count()).toBe(1);
        await page.screenshot({ path: join(RESULTS, '08-emulator-down.png'), fullPage: true });
        expect(journals.get(page)?.filter((line) => line.startsWith('pageerror'))).toEqual([]);
      });
    } finally {
      await gateway.close();
    }
  });
});
