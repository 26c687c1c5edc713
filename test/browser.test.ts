// End to end in a real browser (headless Chromium): the demo account's login URL, the home page,
// and every demo link clicked in turn — instant sign-in, the wait page counting down and going on
// by itself, the failing partner's fallback, the plain URL. Screenshots go to test/artifacts/.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import {
  type Browser,
  type BrowserContext,
  type Page,
  chromium as playwright,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../mock-partner/index.ts';
import { type DemoLink, demoLoginUrl, seedDemo } from '../src/cli/demo-seed.ts';
import { loadConfig } from '../src/config.ts';
import { createMemoryLogger } from '../src/log.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { whmFunctions } from '../src/whm/functions/index.ts';
import { runWhmFunction } from '../src/whm/registry.ts';
import { makePng } from './helpers/png.ts';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');

let dataDir: string;
let partner: RunningMockPartner;
let server: RunningServer;
let links: DemoLink[];
let browser: Browser;
let context: BrowserContext;
const logger = createMemoryLogger();
/** Console errors and CSP violations seen on any page of ours. */
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-browser-'));
  partner = await startMockPartner({ port: 0 });
  const config = loadConfig({
    PORT: '0',
    LINKBROKER_DATA_DIR: dataDir,
    LINKBROKER_ROOT_TOKEN: 'browser-test-root-token-0123456789',
  });
  server = await startServer(config, logger);
  links = await seedDemo(server.runtime.deps, partner.url);
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    // --single-process (meant for AWS Lambda) makes closing a browser context crash Chromium.
    args: chromium.args.filter((arg) => arg !== '--single-process'),
    headless: true,
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on('console', (message) => {
    // HTTP error statuses are on purpose here (401, 502 pages); CSP violations and script
    // errors are not.
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
      pageErrors.push(text);
    }
  });
  context.on('weberror', (error) => pageErrors.push(String(error.error())));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await partner?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Opens the login URL in a fresh page and lands on the home page. */
async function logIn(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(await demoLoginUrl(server.runtime.deps));
  expect(new URL(page.url()).pathname).toBe('/');
  return page;
}

/** Finds the link with this label on the home page (opening the username menu when needed). */
async function findLink(page: Page, link: DemoLink) {
  if (link.shownIn === 'username menu') {
    const menu = page.locator('details.usermenu');
    if (!(await menu.evaluate((d) => (d as unknown as { open: boolean }).open))) {
      await page.locator('details.usermenu > summary').click();
    }
    return page.locator('.usermenu-panel a', { hasText: link.label });
  }
  const panel = page.locator('section.panel', {
    has: page.getByRole('heading', { name: link.shownIn, exact: true }),
  });
  return panel.locator('.items a', { hasText: link.label });
}

describe('the demo in a real browser', () => {
  it('logs in with the create_user_session URL and shows the menu, panels and icons', async () => {
    const page = await logIn(context);
    await expect(page.title()).resolves.toContain('Home');
    const headings = await page.locator('main section.panel h2').allTextContents();
    // Built-in groups in cPanel's order, then the custom group.
    expect(headings).toEqual(['Files', 'Metrics', 'Software', 'Partner tools']);
    await expect(page.locator('aside').getByText('Need more resources?').count()).resolves.toBe(1);
    await expect(
      page.locator('aside .upsell a', { hasText: 'Upgrade your plan' }).count(),
    ).resolves.toBe(1);

    for (const link of links) {
      const anchor = await findLink(page, link);
      await expect(anchor.count()).resolves.toBe(1);
      await expect(anchor.getAttribute('href')).resolves.toBe(
        `/integration/index.html?app=${link.app}`,
      );
      await expect(anchor.getAttribute('target')).resolves.toBe('_blank');
      await expect(anchor.getAttribute('rel')).resolves.toContain('noopener');
    }
    // Every icon (stored PNGs and the puzzle piece) really loaded.
    const broken = await page
      .locator('img')
      .evaluateAll((imgs) =>
        (imgs as unknown as { complete: boolean; naturalWidth: number; src: string }[])
          .filter((i) => !i.complete || i.naturalWidth === 0)
          .map((i) => i.src),
      );
    expect(broken).toEqual([]);
    await page.locator('details.usermenu > summary').click(); // close it again
    await page.screenshot({ path: join(ARTIFACTS, 'home.png'), fullPage: true });
    await page.locator('details.usermenu > summary').click();
    await page.screenshot({ path: join(ARTIFACTS, 'home-user-menu.png') });
    await page.close();

    const phone = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const small = await logIn(phone);
    const overflow = await small.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return root.scrollWidth > root.clientWidth;
    });
    expect(overflow).toBe(false);
    await small.screenshot({ path: join(ARTIFACTS, 'home-360px.png'), fullPage: true });
    await phone.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('clicks every demo link and lands signed in at the partner, or on the fallback', async () => {
    const page = await logIn(context);
    const landings: Record<string, string> = {};
    for (const link of links) {
      const anchor = await findLink(page, link);
      const [tab] = await Promise.all([context.waitForEvent('page'), anchor.click()]);
      if (link.behaviour === 'wait-then-sign-in') {
        await tab.waitForSelector('#countdown', { timeout: 15_000 });
        await expect(tab.locator('h1').textContent()).resolves.toBe(
          `Connecting you to ${link.label}…`,
        );
        const text = (await tab.locator('main').textContent()) ?? '';
        expect(text).toMatch(/Attempt 2 of 3, continuing in\s*\d+\s*s/);
        const first = Number(await tab.locator('#countdown').textContent());
        await tab.waitForTimeout(1100);
        const later = Number(await tab.locator('#countdown').textContent());
        expect(later).toBeLessThan(first);
        if (link.app === 'upgrade') {
          await tab.screenshot({ path: join(ARTIFACTS, 'wait.png') });
        }
      }
      // No click on "continue": the wait page must go on by itself.
      await tab.waitForURL((url) => url.origin === partner.url, { timeout: 20_000 });
      await tab.waitForLoadState('load');
      landings[link.app] = new URL(tab.url()).pathname;
      if (link.behaviour === 'instant' || link.behaviour === 'wait-then-sign-in') {
        await expect(tab.locator('h1').textContent()).resolves.toContain(
          'Signed in to Mock Billing as subscriber 1001 (user demo)',
        );
      }
      await tab.close();
    }
    for (const link of links) {
      const signedIn = link.behaviour === 'instant' || link.behaviour === 'wait-then-sign-in';
      expect([link.app, landings[link.app]?.startsWith('/sso/')]).toEqual([link.app, signedIn]);
      if (!signedIn) expect(landings[link.app]).toBe('/');
    }
    // The partner was asked twice for each waiting link: attempt 1 (wait), then attempt 2.
    const attempts = partner.requests
      .filter((r) => r.path === '/autologin' && r.body.app === 'upgrade')
      .map((r) => r.body.attempt);
    expect(attempts).toEqual(['1', '2']);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 90_000);

  /** Creates (or replaces) the demo account's "Domain reseller" link to this partner URL. */
  async function putFlakyLink(autologinUrl: string) {
    const answer = await runWhmFunction(
      whmFunctions,
      server.runtime.deps,
      'create_integration_link',
      {
        user: 'demo',
        app: 'flaky',
        implements: 'flaky',
        label: 'Domain reseller',
        group_id: 'domains',
        subscriber_unique_id: '1001',
        token: 'demo-token-flaky',
        autologin_token_url: autologinUrl,
      },
    );
    expect(answer).toMatchObject({ metadata: { result: 1 } });
  }

  const autologinCalls = () => partner.requests.filter((r) => r.path === '/autologin').length;

  it('a partner that fails without a fallback gives a readable page whose retry gets through', async () => {
    await putFlakyLink(partner.autologinUrl({ scenario: 'status', code: 500 }));
    const page = await logIn(context);
    const anchor = page.locator('.items a', { hasText: 'Domain reseller' });
    const [tab] = await Promise.all([context.waitForEvent('page'), anchor.click()]);
    await tab.waitForLoadState('load');
    await expect(tab.locator('h1').textContent()).resolves.toBe(
      'Domain reseller is not available right now',
    );
    await tab.screenshot({ path: join(ARTIFACTS, 'partner-unavailable.png') });
    // Still failing: the retry asks the partner again and shows the page again.
    let before = autologinCalls();
    await tab.getByRole('link', { name: 'Try again' }).click();
    await tab.waitForLoadState('load');
    expect(autologinCalls()).toBe(before + 1);
    await expect(tab.locator('h1').textContent()).resolves.toBe(
      'Domain reseller is not available right now',
    );
    // Fixed meanwhile: the retry lands at the partner, signed in (no policy of the page stops
    // the redirect to another site).
    await putFlakyLink(partner.autologinUrl({}));
    before = autologinCalls();
    await tab.getByRole('link', { name: 'Try again' }).click();
    await tab.waitForURL((url) => url.origin === partner.url && url.pathname.startsWith('/sso/'));
    await expect(tab.locator('h1').textContent()).resolves.toContain('Signed in to Mock Billing');
    expect(autologinCalls()).toBe(before + 1);
    await tab.close();
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('a launch another site started asks first, then continues to the partner', async () => {
    await putFlakyLink(partner.autologinUrl({}));
    const page = await logIn(context);
    // A page of another site sends the browser to the click path (another port of 127.0.0.1
    // would be the same site: the partner's page under the name localhost is not).
    await page.goto(`${partner.url.replace('127.0.0.1', 'localhost')}/`);
    const before = autologinCalls();
    await Promise.all([
      page.waitForURL((url) => url.origin === server.url),
      page.evaluate((target) => {
        (globalThis as unknown as { location: { href: string } }).location.href = target;
      }, `${server.url}/integration/index.html?app=flaky`),
    ]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Open Domain reseller?');
    expect(autologinCalls()).toBe(before);
    await page.screenshot({ path: join(ARTIFACTS, 'confirm.png') });
    await page.getByRole('link', { name: 'Continue to Domain reseller' }).click();
    await page.waitForURL((url) => url.origin === partner.url && url.pathname.startsWith('/sso/'));
    expect(autologinCalls()).toBe(before + 1);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('closes the username menu on Escape (focus back on it) and on a click outside it', async () => {
    const page = await logIn(context);
    const menu = page.locator('details.usermenu');
    const isOpen = () => menu.evaluate((d) => (d as unknown as { open: boolean }).open);
    await page.locator('details.usermenu > summary').focus();
    await page.keyboard.press('Enter');
    await expect(isOpen()).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await expect(isOpen()).resolves.toBe(false);
    const focused = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { tagName: string } } }).document
          .activeElement.tagName,
    );
    expect(focused).toBe('SUMMARY');
    await page.locator('details.usermenu > summary').click();
    await expect(isOpen()).resolves.toBe(true);
    // Inside, it stays open; outside, it closes.
    await page.locator('.usermenu-panel .menu-heading').click();
    await expect(isOpen()).resolves.toBe(true);
    await page.locator('h1').click();
    await expect(isOpen()).resolves.toBe(false);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('logs out from the username menu', async () => {
    const page = await logIn(context);
    await page.locator('details.usermenu > summary').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/logout');
    await expect(page.locator('h1').textContent()).resolves.toBe('You have been logged out');
    const home = await page.goto(`${server.url}/`);
    expect(home?.status()).toBe(401);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it('wraps long words in labels and headings, and keeps a wide icon’s shape, at 360 and 1280 px', async () => {
    const deps = server.runtime.deps;
    const whm = async (name: string, args: Record<string, string>) => {
      const answer = (await runWhmFunction(whmFunctions, deps, name, {
        'api.version': '1',
        ...args,
      })) as { metadata: { result: number; reason: string }; data?: { url?: string } };
      expect(answer.metadata.reason).toBe('OK');
      return answer;
    };
    const word = `Supercalifragilistic${'x'.repeat(44)}`; // 64 characters, no break
    await whm('createacct', { username: 'wrapper', domain: 'wrapper.example.com' });
    await whm('create_integration_group', {
      user: 'wrapper',
      group_id: 'tools',
      label: word,
      order: '1',
    });
    const link = { user: 'wrapper', subscriber_unique_id: '1', token: 'wrap-token-0123456789' };
    // billing and upgrade go to the username menu (upgrade to "Need more resources?" too).
    for (const [app, group] of [
      ['billing', undefined],
      ['upgrade', undefined],
      ['tool', 'tools'],
    ] as const) {
      await whm('create_integration_link', {
        ...link,
        app,
        implements: app,
        ...(group && { group_id: group }),
        label: `${word} ${app}`,
        url: 'https://partner.example/',
        base64_png_image: makePng(16).toString('base64'),
      });
    }
    await whm('create_integration_link', {
      ...link,
      app: 'wide',
      implements: 'wide',
      group_id: 'tools',
      label: 'Wide icon',
      url: 'https://partner.example/',
      base64_png_image: makePng(160, undefined, 40).toString('base64'),
    });
    for (const width of [360, 1280]) {
      const ctx = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await ctx.newPage();
      const login = await whm('create_user_session', { user: 'wrapper' });
      await page.goto(String(login.data?.url));
      await page.locator('details.usermenu > summary').click();
      const sideways = await page.evaluate(() => {
        const root = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      await page.screenshot({
        path: join(ARTIFACTS, `long-labels-${width}px.png`),
        fullPage: true,
      });
      expect(sideways).toBe(0);
      const fit = await page
        .locator('.items a', { hasText: 'Wide icon' })
        .locator('img')
        .evaluate(
          (img) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { objectFit: string } }
            ).getComputedStyle(img).objectFit,
        );
      expect(fit).toBe('contain');
      await ctx.close();
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('without a session the home page asks to log in', async () => {
    const fresh = await browser.newContext();
    const page = await fresh.newPage();
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(401);
    await expect(page.locator('h1').textContent()).resolves.toBe('Please log in');
    await fresh.close();
  });
});
