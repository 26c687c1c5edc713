// The end-user side over real sockets, from an attacker's point of view: single-use, expiring
// login URLs; idle sessions; cookie flags; logout CSRF; only one's own links; forged, altered,
// borrowed and expired continuations; markup in labels; and the link token never shown.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../mock-partner/index.ts';
import { createApp } from '../src/app.ts';
import { CONTINUATION_GRACE_MS } from '../src/broker/continuation.ts';
import { loadConfig } from '../src/config.ts';
import { createMemoryLogger } from '../src/log.ts';
import { startServer } from '../src/server.ts';
import { fetchUrlData } from '../src/uapi/fetch-url.ts';
import { json, ROOT_TOKEN, startTestServer, type TestServer } from './helpers/server.ts';

/** Every link token contains this, so one search finds a leak anywhere. */
const SENTINEL = 'TOKEN-SENTINEL-d41d8cd98f';
const MARKUP_LABEL = '<script>alert("label")</script>';
const ATTR_LABEL = '"><img src=x onerror=alert(1)>';
const MARKUP_GROUP = '<b>Group</b><script>x()</script>';

let clock = Date.parse('2026-01-01T00:00:00Z');
const now = () => clock;
const minutes = (n: number) => n * 60_000;

let partner: RunningMockPartner;
let server: TestServer;
/** Everything any response said: status line, headers and body. */
const seen: string[] = [];

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function call(
  path: string,
  init: {
    method?: string;
    cookie?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  const res = await request(`${server.url}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(res.headers)) {
    flat[key] = Array.isArray(value) ? value.join('\n') : String(value);
  }
  const answer = { status: res.statusCode, headers: flat, body: await res.body.text() };
  seen.push(JSON.stringify(answer));
  return answer;
}

async function whm(fn: string, args: Record<string, string>) {
  const res = await server.whm(fn, args);
  const text = await res.text();
  seen.push(text);
  return JSON.parse(text);
}

async function createLink(user: string, app: string, extra: Record<string, string>) {
  const answer = await whm('create_integration_link', {
    user,
    app,
    implements: 'tool',
    label: app,
    subscriber_unique_id: '7',
    token: `${SENTINEL}-${user}-${app}`,
    group_id: 'software',
    ...extra,
  });
  expect(answer.metadata.result).toBe(1);
}

/** Every login secret handed out, to prove none reaches a log line. */
const loginSecrets: string[] = [];

async function loginUrl(user: string, app?: string): Promise<string> {
  const answer = await whm('create_user_session', { user, ...(app ? { app } : {}) });
  expect(answer.metadata).toMatchObject({ result: 1 });
  loginSecrets.push(answer.data.session);
  return answer.data.url;
}

/** Logs in and returns the cookie header value. */
async function logIn(user: string): Promise<string> {
  const url = new URL(await loginUrl(user));
  const res = await call(`${url.pathname}${url.search}`);
  expect(res.status).toBe(302);
  const cookie = /^cpsession=([^;]+)/.exec(res.headers['set-cookie'] ?? '')?.[1];
  expect(cookie).toBeTruthy();
  return `cpsession=${cookie}`;
}

const launch = (app: string, cookie: string, extra = '', headers: Record<string, string> = {}) =>
  call(`/integration/index.html?app=${encodeURIComponent(app)}${extra}`, { cookie, headers });

/** The continuation token in a wait page (the "continue now" link). */
function continuationOf(page: string): string {
  const href = /id="continue" href="([^"]+)"/.exec(page)?.[1] ?? '';
  const token = new URLSearchParams(href.replaceAll('&amp;', '&').split('?')[1]).get('continue');
  expect(token).toBeTruthy();
  return token as string;
}

beforeAll(async () => {
  partner = await startMockPartner({ port: 0 });
  const dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-pages-'));
  const logger = createMemoryLogger();
  const config = loadConfig({
    PORT: '0',
    LINKBROKER_DATA_DIR: dataDir,
    LINKBROKER_ROOT_TOKEN: ROOT_TOKEN,
  });
  const running = await startServer(config, logger, { now });
  const auth = { authorization: `whm root:${ROOT_TOKEN}` };
  server = {
    ...running,
    dataDir,
    logs: logger.lines,
    auth,
    whm: (fn, args = {}) =>
      fetch(`${running.url}/json-api/${fn}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'api.version': '1', ...args }).toString(),
      }),
    async stop() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  for (const [user, domain] of [
    ['alice', 'alice.example.com'],
    ['bob', 'bob.example.com'],
  ] as const) {
    expect((await whm('createacct', { username: user, domain })).metadata.result).toBe(1);
  }
  const autologin = partner.autologinUrl();
  await createLink('alice', 'instant', { autologin_token_url: autologin });
  await createLink('alice', 'waits', {
    autologin_token_url: partner.autologinUrl({ scenario: 'retry', times: 1, retry: 5 }),
    label: MARKUP_LABEL,
  });
  await createLink('alice', 'broken', {
    autologin_token_url: partner.autologinUrl({ scenario: 'status', code: 500 }),
    label: ATTR_LABEL,
  });
  await createLink('bob', 'secret', {
    autologin_token_url: partner.autologinUrl({ scenario: 'retry', times: 1, retry: 5 }),
    label: 'Bob only',
  });
  await whm('create_integration_group', {
    user: 'alice',
    group_id: 'markup',
    label: MARKUP_GROUP,
    order: '1',
  });
  await createLink('alice', 'grouped', { url: 'https://example.com/', group_id: 'markup' });
});

afterAll(async () => {
  await server?.stop();
  await partner?.close();
});

describe('create_user_session', () => {
  it('returns a login URL under the server URL, valid for 300 s, and a cp_security_token', async () => {
    const answer = await whm('create_user_session', { user: 'alice' });
    expect(answer.metadata).toEqual({
      command: 'create_user_session',
      reason: 'OK',
      result: 1,
      version: 1,
    });
    const { url, session, expires, service, cp_security_token } = answer.data;
    expect(url).toBe(`${server.url}/login/?session=${session}`);
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expires).toBe(Math.floor(clock / 1000) + 300);
    expect(service).toBe('cpaneld');
    expect(cp_security_token).toMatch(/^\/cpsess\d{10}$/);
  });

  it('refuses other services naming cpaneld, and unknown users', async () => {
    const other = await whm('create_user_session', { user: 'alice', service: 'whostmgrd' });
    expect(other.metadata.result).toBe(0);
    expect(other.metadata.reason).toContain('“cpaneld”');
    const nobody = await whm('create_user_session', { user: 'nobody1' });
    expect(nobody.metadata.reason).toBe('You do not have a user named “nobody1”.');
  });

  it('stores only digests: session files are 0600 in a 0700 directory and hold no secret', async () => {
    const answer = await whm('create_user_session', { user: 'alice' });
    const dir = join(server.dataDir, 'sessions');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const names = await readdir(dir);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
      expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, name), 'utf8')).not.toContain(answer.data.session);
    }
    expect(names.join()).not.toContain(answer.data.session);
  });
});

describe('the login URL', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie (not Secure over http) and goes home', async () => {
    const url = new URL(await loginUrl('alice'));
    const res = await call(`${url.pathname}${url.search}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const cookie = res.headers['set-cookie'] ?? '';
    expect(cookie).toMatch(/^cpsession=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    // The session id is new: knowing the login URL does not give the cookie.
    expect(cookie).not.toContain(url.searchParams.get('session'));
  });

  it('works once: a second use is refused with a readable page', async () => {
    const url = new URL(await loginUrl('alice'));
    // A HEAD (link preview) does not use it up.
    expect((await call(`${url.pathname}${url.search}`, { method: 'HEAD' })).status).toBe(200);
    expect((await call(`${url.pathname}${url.search}`)).status).toBe(302);
    const again = await call(`${url.pathname}${url.search}`);
    expect(again.status).toBe(403);
    expect(again.headers['content-type']).toMatch(/text\/html/);
    expect(again.body).toContain('This login link has expired or was already used');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('used again by the browser that used it (a reload, Back), goes home in its session', async () => {
    const url = new URL(await loginUrl('alice', 'instant'));
    const first = await call(`${url.pathname}${url.search}`);
    expect(first.status).toBe(302);
    const cookie = /^cpsession=([^;]+)/.exec(first.headers['set-cookie'] ?? '')?.[1];
    const before = partner.requests.length;
    const reload = await call(`${url.pathname}${url.search}`, { cookie: `cpsession=${cookie}` });
    expect(reload.status).toBe(302);
    expect(reload.headers.location).toBe('/');
    expect(reload.headers['referrer-policy']).toBe('no-referrer');
    expect(reload.headers['set-cookie']).toBeUndefined();
    // Going home launches nothing again.
    expect(partner.requests.length).toBe(before);
    const home = await call('/', { cookie: `cpsession=${cookie}` });
    expect(home.status).toBe(200);
  });

  it('expires after 300 s', async () => {
    const fresh = new URL(await loginUrl('alice'));
    const stale = new URL(await loginUrl('alice'));
    clock += 299_999;
    expect((await call(`${fresh.pathname}${fresh.search}`)).status).toBe(302);
    clock += 1;
    expect((await call(`${stale.pathname}${stale.search}`)).status).toBe(403);
  });

  it('refuses made-up and malformed tokens', async () => {
    for (const token of ['', 'x', 'A'.repeat(43), '../../etc/passwd', 'A'.repeat(5000)]) {
      const res = await call(`/login/?session=${encodeURIComponent(token)}`);
      expect(res.status).toBe(403);
    }
  });

  it('is Secure when the public URL is https, or when the request came over https', async () => {
    const https = await startTestServer({ LINKBROKER_PUBLIC_URL: 'https://panel.example.com/' });
    try {
      // The public URL is a proxy in front; talk to where the server really listens.
      const address = https.server.address();
      const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const whmCall = async (fn: string, args: Record<string, string>) =>
        json(
          await fetch(`${origin}/json-api/${fn}`, {
            method: 'POST',
            headers: { ...https.auth, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(args).toString(),
          }),
        );
      expect(
        (await whmCall('createacct', { username: 'carol', domain: 'c.io' })).metadata.result,
      ).toBe(1);
      const session = await whmCall('create_user_session', { user: 'carol' });
      expect(session.data.url).toMatch(/^https:\/\/panel\.example\.com\/login\/\?session=/);
      const path = new URL(session.data.url);
      const login = await fetch(`${origin}${path.pathname}${path.search}`, { redirect: 'manual' });
      expect(login.status).toBe(302);
      expect(login.headers.get('set-cookie')).toContain('; Secure');
    } finally {
      await https.stop();
    }
    const app = createApp(server.runtime.deps);
    const path = new URL(await loginUrl('alice'));
    const overTls = await app.request(`https://127.0.0.1${path.pathname}${path.search}`);
    expect(overTls.headers.get('set-cookie')).toContain('; Secure');
  });

  it('with an app that opens nothing logs in to the home page, as cPanel does', async () => {
    // cPanel: "An invalid application name, to create the session but not link it to an
    // application." Another user's link, a cPanel app name, a malformed or huge name.
    for (const app of ['secret', 'Email_Accounts', 'a b', '../x', 'x'.repeat(5000)]) {
      const url = new URL(await loginUrl('alice', app));
      const res = await call(`${url.pathname}${url.search}`);
      expect(res.status, app).toBe(302);
      expect(res.headers.location, app).toBe('/');
      expect(res.headers['set-cookie']).toContain('cpsession=');
    }
    // A link removed between the call and the login: home too, not an error page.
    await createLink('alice', 'soon_gone', { url: 'https://gone.example/' });
    const url = new URL(await loginUrl('alice', 'soon_gone'));
    expect(
      (await whm('remove_integration_link', { user: 'alice', app: 'soon_gone' })).metadata.result,
    ).toBe(1);
    const res = await call(`${url.pathname}${url.search}`);
    expect(res.headers.location).toBe('/');
  });

  it('with an appkey from get_users_links launches the link it maps to when opened', async () => {
    expect(
      (await whm('createacct', { username: 'keys', domain: 'keys.example.com' })).metadata.result,
    ).toBe(1);
    // Hidden links are not what an appkey maps to; among visible ones, the menu's first.
    await createLink('keys', 'hidden_help', {
      implements: 'support',
      hide: '1',
      url: 'https://hidden.example/',
    });
    await createLink('keys', 'help_b', {
      implements: 'support',
      label: 'B help',
      url: 'https://b.example/',
    });
    await createLink('keys', 'help_a', {
      implements: 'support',
      label: 'A help',
      url: 'https://a.example/',
    });
    const keys = (await whm('get_users_links', { user: 'keys' })).data;
    expect(keys.support).toBe('/integration/index.html?app=help_a');
    expect(keys.upgrade).toBe('/');
    const open = async (app: string) => {
      const url = new URL(await loginUrl('keys', app));
      return call(`${url.pathname}${url.search}`);
    };
    // The links have no autologin_token_url: a launch goes to the link's url.
    expect((await open('support')).headers.location).toBe('https://a.example/');
    // Resolved when the URL is opened, not when it was made.
    const made = new URL(await loginUrl('keys', 'upgrade'));
    await createLink('keys', 'more', { implements: 'upgrade', url: 'https://more.example/' });
    expect((await call(`${made.pathname}${made.search}`)).headers.location).toBe(
      'https://more.example/',
    );
    // An appkey with no visible link implementing it: home.
    expect((await open('customer_service')).headers.location).toBe('/');
    // A link whose app is an appkey is what that key names (SPEC §3.2: each link keyed by its
    // app), in get_users_links and at login alike.
    await createLink('keys', 'support', { implements: 'tool', url: 'https://own.example/' });
    expect((await open('support')).headers.location).toBe('https://own.example/');
    expect((await whm('get_users_links', { user: 'keys' })).data).toMatchObject({
      support: '/integration/index.html?app=support',
    });
  });

  it('with app= goes straight into that launch', async () => {
    const url = new URL(await loginUrl('alice', 'instant'));
    const res = await call(`${url.pathname}${url.search}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(new RegExp(`^${partner.url}/sso/`));
    expect(res.headers['set-cookie']).toContain('cpsession=');
  });
});

/** A new account, a logged-in session of it and an unused login URL (path and query). */
async function accountWithLogins(user: string, domain: string) {
  expect((await whm('createacct', { username: user, domain })).metadata.result).toBe(1);
  const cookie = await logIn(user);
  const url = new URL(await loginUrl(user));
  return { cookie, pendingLogin: `${url.pathname}${url.search}` };
}

/** Removes the account and gives its name to a new one. */
async function recreateAccount(user: string, domain: string) {
  expect((await whm('removeacct', { user })).metadata.result).toBe(1);
  expect((await whm('createacct', { username: user, domain })).metadata.result).toBe(1);
}

describe('sessions', () => {
  it('end after 15 minutes without activity, and activity keeps them alive', async () => {
    const cookie = await logIn('alice');
    clock += minutes(14);
    expect((await call('/', { cookie })).status).toBe(200);
    clock += minutes(14);
    expect((await call('/', { cookie })).status).toBe(200);
    clock += minutes(15);
    const expired = await call('/', { cookie });
    expect(expired.status).toBe(401);
    expect(expired.body).toContain('Please log in');
    // Still gone afterwards.
    clock -= minutes(10);
    expect((await call('/', { cookie })).status).toBe(401);
    clock += minutes(10);
  });

  it('end with their account, and stay ended when an account of the same name is created', async () => {
    const { cookie, pendingLogin } = await accountWithLogins('carol', 'carol.example');
    expect((await call('/', { cookie })).status).toBe(200);

    expect((await whm('removeacct', { user: 'carol' })).metadata.result).toBe(1);
    expect((await call('/', { cookie })).status).toBe(401);
    // A new customer is given the same username: the old browser session and an unused login
    // URL of the old account must not open the new account's panel.
    expect(
      (await whm('createacct', { username: 'carol', domain: 'new-carol.example' })).metadata.result,
    ).toBe(1);
    expect((await call('/', { cookie })).status).toBe(401);
    const reuse = await call(pendingLogin);
    expect(reuse.headers['set-cookie'] ?? '').not.toContain('cpsession=');
    expect((await call('/', { cookie: await logIn('carol') })).status).toBe(200);
  });

  it('belong to the account they were opened for, even if their record outlives it', async () => {
    const { cookie, pendingLogin } = await accountWithLogins('dave', 'dave.example');
    // Keep the session records as they are now, as a write racing the removal could leave them.
    const sessionDir = join(server.dataDir, 'sessions');
    const kept = new Map<string, string>();
    for (const name of await readdir(sessionDir)) {
      if (name.endsWith('.json')) kept.set(name, await readFile(join(sessionDir, name), 'utf8'));
    }
    await recreateAccount('dave', 'dave.example');
    for (const [name, text] of kept) await writeFile(join(sessionDir, name), text, { mode: 0o600 });
    // The same name and domain, but another account: the old session and login open nothing.
    expect((await call('/', { cookie })).status).toBe(401);
    const reuse = await call(pendingLogin);
    expect(reuse.status).toBe(403);
    expect(reuse.headers['set-cookie'] ?? '').not.toContain('cpsession=');
    expect((await call('/', { cookie: await logIn('dave') })).status).toBe(200);
    await whm('removeacct', { user: 'dave' });
  });

  it('log out only with the cp_security_token from a same-site form', async () => {
    const cookie = await logIn('alice');
    const home = await call('/', { cookie });
    const token = /name="cp_security_token" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    expect(token).toMatch(/^\/cpsess\d{10}$/);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const post = (body: string, headers: Record<string, string> = {}) =>
      call('/logout', { method: 'POST', cookie, headers: { ...form, ...headers }, body });

    expect((await post('')).status).toBe(403);
    expect((await post('cp_security_token=%2Fcpsess0000000000')).status).toBe(403);
    const body = `cp_security_token=${encodeURIComponent(token)}`;
    expect((await post(body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(body, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(body, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post(body, { origin: 'null' })).status).toBe(403);
    expect((await call('/', { cookie })).status).toBe(200);

    const out = await post(body, { origin: server.url, 'sec-fetch-site': 'same-origin' });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/logout');
    expect(out.headers['set-cookie']).toMatch(/^cpsession=; Max-Age=0; Path=\/; HttpOnly;/);
    expect((await call('/', { cookie })).status).toBe(401);
    const done = await call('/logout');
    expect(done.body).toContain('You have been logged out');
  });

  it('a logout without a session goes to the logged-out page; an oversized form is refused', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const anonymous = await call('/logout', { method: 'POST', headers: form, body: '' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/logout');

    const cookie = await logIn('alice');
    const huge = await call('/logout', {
      method: 'POST',
      cookie,
      headers: { ...form, origin: server.url, 'sec-fetch-site': 'same-origin' },
      body: `cp_security_token=${'x'.repeat(64 * 1024)}`,
    });
    expect(huge.status).toBe(413);
    expect(huge.headers['content-type']).toMatch(/text\/html/);
    // Still logged in: nothing was ended.
    expect((await call('/', { cookie })).status).toBe(200);
  });
});

describe('pages', () => {
  it('escape markup in link and group labels everywhere', async () => {
    const cookie = await logIn('alice');
    const home = await call('/', { cookie });
    expect(home.status).toBe(200);
    const waited = await launch('waits', cookie);
    const broken = await launch('broken', cookie);
    const confirm = await launch('broken', cookie, '', { 'sec-fetch-site': 'cross-site' });
    expect(waited.status).toBe(200);
    expect(broken.status).toBe(502);
    expect(confirm.status).toBe(200);
    for (const page of [home.body, waited.body, broken.body, confirm.body]) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
      expect(page).not.toContain('<b>Group</b>');
      // No event-handler or style attribute inside any tag.
      expect(page).not.toMatch(/<[^>]*\son[a-z]+=/i);
      expect(page).not.toMatch(/<[^>]*\sstyle=/i);
      // The only script is the nonce-bearing countdown; every <script> carries the nonce.
      const nonce = /'nonce-([^']+)'/.exec(home.headers['content-security-policy'] ?? '');
      expect(nonce).toBeTruthy();
      for (const tag of page.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ nonce="/);
    }
    expect(home.body).toContain('&lt;script&gt;alert(&quot;label&quot;)&lt;/script&gt;');
    expect(home.body).toContain('&lt;b&gt;Group&lt;/b&gt;');
    expect(waited.body).toContain('Connecting you to &lt;script&gt;');
    expect(broken.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; is not available');
  });

  it('carry a CSP allowing only self plus the nonce, and no framing', async () => {
    const cookie = await logIn('alice');
    const home = await call('/', { cookie });
    const csp = home.headers['content-security-policy'] ?? '';
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`script-src 'nonce-${nonce}'`);
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(home.body).toContain(`<style nonce="${nonce}">`);
    expect(home.body.startsWith('<!doctype html>')).toBe(true);
    expect(home.headers['cache-control']).toBe('no-store');
    expect(home.headers['x-content-type-options']).toBe('nosniff');
  });

  it('show "No integrations yet" to a user without visible links', async () => {
    expect(
      (await whm('createacct', { username: 'empty', domain: 'e.example' })).metadata.result,
    ).toBe(1);
    await createLink('empty', 'hidden', { url: 'https://example.com/', hide: '1' });
    const home = await call('/', { cookie: await logIn('empty') });
    expect(home.body).toContain('No integrations yet');
    expect(home.body).not.toContain('app=hidden');
  });
});

describe('icons', () => {
  it('are served to the owner only, with a strong ETag, immutable under their hash, 304 on a match', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await createLink('alice', 'iconic', {
      url: 'https://example.com/',
      base64_png_image: png.toString('base64'),
    });
    const cookie = await logIn('alice');
    const home = await call('/', { cookie });
    const src = /src="(\/integration\/icon\/iconic\.png\?v=[0-9a-f]+)"/.exec(home.body)?.[1];
    expect(src).toBeTruthy();
    const icon = await call(src as string, { cookie });
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/png');
    expect(icon.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    const etag = icon.headers.etag ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await call(src as string, { cookie, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    // An old hash in the URL is not cached for good.
    const old = await call('/integration/icon/iconic.png?v=0000', { cookie });
    expect(old.headers['cache-control']).toBe('private, no-cache');

    expect((await call(src as string)).status).toBe(401);
    const bob = await logIn('bob');
    expect((await call(src as string, { cookie: bob })).status).toBe(404);
    const puzzle = /src="(\/integration\/puzzle\.svg\?v=[0-9a-f]+)"/.exec(home.body)?.[1];
    const svg = await call(puzzle as string);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});

describe('the click path', () => {
  it('needs a session: a readable page, never JSON', async () => {
    const res = await launch('instant', '');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Please log in');
  });

  it('redirects with no-store and no-referrer', async () => {
    const res = await launch('instant', await logIn('alice'));
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(new RegExp(`^${partner.url}/sso/`));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // A redirect has no content: its CSP allows nothing at all.
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it("cannot launch another user's app, and the partner is never called", async () => {
    const before = partner.requests.length;
    const res = await launch('secret', await logIn('alice'));
    expect(res.status).toBe(404);
    expect(res.body).toContain('There is no such integration');
    expect(partner.requests.length).toBe(before);
  });

  it('asks for confirmation when a page of another site or origin started the launch', async () => {
    const cookie = await logIn('alice');
    const before = partner.requests.length;
    // same-site: a sibling origin (another subdomain or port, e.g. a customer's page on the
    // hosting server), which the Lax cookie reaches even from an <img>.
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    ]) {
      const res = await launch('instant', cookie, '', headers);
      expect(res.status).toBe(200);
      expect(res.body).toContain('Open instant?');
      expect(res.body).toContain('<a class="button" href="/integration/index.html?app=instant">');
    }
    expect(partner.requests.length).toBe(before);
    // The panel's own pages (same-origin), or a typed address (none), launch at once.
    for (const site of ['same-origin', 'none']) {
      const res = await launch('instant', cookie, '', { 'sec-fetch-site': site });
      expect(res.status).toBe(302);
    }
  });

  it('over plain HTTP to a named host (no Sec-Fetch-Site), launches only from its own pages', async () => {
    const cookie = await logIn('alice');
    const before = partner.requests.length;
    const host = { host: 'panel.example.com' };
    // No Referer (an <img referrerpolicy=no-referrer>, a bookmark), or a sibling site's page.
    for (const headers of [host, { ...host, referer: 'http://customer.example.com/shop' }]) {
      const res = await launch('instant', cookie, '', headers);
      expect(res.status).toBe(200);
      expect(res.body).toContain('Open instant?');
      expect(res.body).toContain('did not start from your control panel');
    }
    expect(partner.requests.length).toBe(before);
    // A page of its own, by the address it was reached at or by its public URL.
    for (const referer of ['http://panel.example.com/', `${server.url}/`]) {
      const res = await launch('instant', cookie, '', { ...host, referer });
      expect(res.status).toBe(302);
    }
    // A client with no Sec-Fetch-Site on a loopback address is no browser: it launches.
    expect((await launch('instant', cookie)).status).toBe(302);
  });

  it('refuses bad app names with a page', async () => {
    const res = await launch('../etc', await logIn('alice'));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers a HEAD (a link preview, a prefetcher) without calling the partner', async () => {
    const cookie = await logIn('alice');
    const before = partner.requests.length;
    const head = await call('/integration/index.html?app=instant', { method: 'HEAD', cookie });
    expect(head.status).toBe(200);
    const uapi = await call('/execute/Integration/fetch_url?app=instant', {
      method: 'HEAD',
      cookie,
    });
    expect(uapi.status).toBe(200);
    // The status its GET would start with: no session, a bad app name, no such link.
    const heads = {
      '/integration/index.html?app=instant': 401,
      '/execute/Integration/fetch_url?app=instant': 401,
    };
    for (const [path, status] of Object.entries(heads)) {
      expect((await call(path, { method: 'HEAD' })).status).toBe(status);
    }
    const withCookie = {
      '/integration/index.html?app=%3Cx': 400,
      '/integration/index.html?app=nosuch': 404,
      '/cpsess0000000001/execute/Integration/fetch_url?app=instant': 403,
    };
    for (const [path, status] of Object.entries(withCookie)) {
      expect((await call(path, { method: 'HEAD', cookie })).status).toBe(status);
    }
    expect(partner.requests.length).toBe(before);
    // The GET after it does reach the partner.
    expect((await launch('instant', cookie)).status).toBe(302);
    expect(partner.requests.length).toBe(before + 1);
  });

  it('a failing partner without fallback gives a 502 page with a retry button', async () => {
    const res = await launch('broken', await logIn('alice'));
    expect(res.status).toBe(502);
    expect(res.body).toContain('is not available right now');
    // A link, not a form: the CSP's form-action would stop the redirect to the partner.
    expect(res.body).toContain(
      '<a class="button" href="/integration/index.html?app=broken">Try again</a>',
    );
    expect(res.body).not.toContain('<form');
  });
});

describe('continuations', () => {
  it('continue after the wait; too early shows the wait page again', async () => {
    const cookie = await logIn('alice');
    const wait = await launch('waits', cookie);
    expect(wait.status).toBe(200);
    expect(wait.body).toMatch(
      /Attempt 2 of 3,\s+continuing in\s+<span class="nowrap"><span[^>]*>5<\/span>\s+s<\/span>\./,
    );
    expect(wait.body).toMatch(/<noscript><meta http-equiv="refresh" content="5;url=/);
    // The partner's informational attempt is shown (SPEC §5.3).
    expect(wait.body).toContain('reports attempt 1.');
    const token = continuationOf(wait.body);

    clock += 4_000;
    const early = await launch('waits', cookie, `&continue=${token}`);
    expect(early.status).toBe(200);
    expect(early.body).toMatch(/continuing in\s+<span class="nowrap"><span[^>]*>1<\/span>/);
    expect(continuationOf(early.body)).toBe(token);

    clock += 1_000;
    const done = await launch('waits', cookie, `&continue=${token}`);
    expect(done.status).toBe(302);
    expect(done.headers.location).toMatch(new RegExp(`^${partner.url}/sso/`));
    const attempts = partner.requests
      .filter((r) => r.body.app === 'waits')
      .slice(-2)
      .map((r) => r.body.attempt);
    expect(attempts).toEqual(['1', '2']);
  });

  it('refuse a token with one character changed, or used for another app', async () => {
    const cookie = await logIn('alice');
    const token = continuationOf((await launch('waits', cookie)).body);
    clock += 5_000;
    for (let i = 0; i < token.length; i += 7) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const flipped = `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
      const res = await launch('waits', cookie, `&continue=${encodeURIComponent(flipped)}`);
      expect([i, res.status]).toEqual([i, 400]);
      expect(res.body).toContain('cannot be continued');
    }
    const last = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await launch('waits', cookie, `&continue=${last}`)).status).toBe(400);
    const otherApp = await launch('instant', cookie, `&continue=${token}`);
    expect(otherApp.status).toBe(400);
  });

  it("refuse another user's continuation", async () => {
    const bob = await logIn('bob');
    const token = continuationOf((await launch('secret', bob)).body);
    clock += 5_000;
    const alice = await logIn('alice');
    const before = partner.requests.length;
    const res = await launch('secret', alice, `&continue=${token}`);
    expect(res.status).toBe(403);
    expect(res.body).toContain('belongs to another account');
    expect(partner.requests.length).toBe(before);
  });

  it('refuse an expired continuation', async () => {
    const cookie = await logIn('alice');
    const token = continuationOf((await launch('waits', cookie)).body);
    clock += 5_000 + CONTINUATION_GRACE_MS;
    const res = await launch('waits', cookie, `&continue=${token}`);
    expect(res.status).toBe(400);
    expect(res.body).toContain('This sign-in has expired');
  });
});

describe('click log lines', () => {
  it('record the clicks answered before the broker runs, never the continuation', async () => {
    const from = server.logs.length;
    const bob = await logIn('bob');
    const token = continuationOf((await launch('secret', bob)).body);
    const alice = await logIn('alice');
    const waits = continuationOf((await launch('waits', alice)).body);
    const flipped = `${waits.slice(0, -1)}${waits.endsWith('A') ? 'B' : 'A'}`;
    const statuses = [
      (await launch('waits', alice, `&continue=${waits}`)).status, // too early
      (await launch('secret', alice, `&continue=${token}`)).status,
      (await launch('waits', alice, `&continue=${flipped}`)).status,
      (await launch('waits', '')).status,
      (await launch('../etc', alice)).status,
      (await launch('instant', alice, '', { 'sec-fetch-site': 'cross-site' })).status,
      (await launch('nothing', alice, '', { 'sec-fetch-site': 'cross-site' })).status,
    ];
    clock += 5_000 + CONTINUATION_GRACE_MS;
    statuses.push((await launch('waits', alice, `&continue=${waits}`)).status);
    expect(statuses).toEqual([200, 403, 400, 401, 400, 200, 404, 400]);
    const lines = server.logs
      .slice(from)
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'autologin' && line.outcome !== 'wait');
    expect(
      lines.map(({ outcome, reason, user, app, status }) => ({
        outcome,
        reason,
        user,
        app,
        status,
      })),
    ).toEqual([
      { outcome: 'early', user: 'alice', app: 'waits', status: 200 },
      {
        outcome: 'refused',
        reason: 'continuation-other-user',
        user: 'alice',
        app: 'secret',
        status: 403,
      },
      {
        outcome: 'refused',
        reason: 'continuation-invalid',
        user: 'alice',
        app: 'waits',
        status: 400,
      },
      { outcome: 'refused', reason: 'no-session', status: 401 },
      { outcome: 'refused', reason: 'invalid-app', user: 'alice', status: 400 },
      { outcome: 'confirm', user: 'alice', app: 'instant', status: 200 },
      { outcome: 'refused', reason: 'no-link', user: 'alice', app: 'nothing', status: 404 },
      {
        outcome: 'refused',
        reason: 'continuation-expired',
        user: 'alice',
        app: 'waits',
        status: 400,
      },
    ]);
    for (const line of server.logs.slice(from)) {
      for (const secret of [token, waits, flipped]) expect(line).not.toContain(secret);
    }
  });
});

describe('UAPI over the session', () => {
  it('runs Integration::fetch_url for the session user only', async () => {
    const none = await call('/execute/Integration/fetch_url?app=instant');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ status: 0, data: null });

    const cookie = await logIn('alice');
    const ok = await call('/execute/Integration/fetch_url?app=instant', { cookie });
    expect(ok.status).toBe(200);
    const result = JSON.parse(ok.body);
    expect(result).toMatchObject({ status: 1, errors: null, messages: null, warnings: null });
    expect(result.data.redirect_url).toMatch(new RegExp(`^${partner.url}/sso/`));
    // Exactly the data the API reference documents.
    expect(fetchUrlData.strict().parse(result.data)).toEqual(result.data);

    const posted = await call('/execute/Integration/fetch_url', {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'app=instant',
    });
    expect(JSON.parse(posted.body).status).toBe(1);

    const bobs = JSON.parse(
      (await call('/execute/Integration/fetch_url?app=secret', { cookie })).body,
    );
    expect(bobs.status).toBe(0);
    const before = partner.requests.length;
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'image' },
      { origin: 'https://customer.example' },
      { origin: 'null' },
    ]) {
      const cross = await call('/execute/Integration/fetch_url?app=instant', { cookie, headers });
      expect(cross.status).toBe(403);
      expect(JSON.parse(cross.body).errors).toEqual([
        'Requests started by another website are refused.',
      ]);
    }
    expect(partner.requests.length).toBe(before);
    const own = await call('/execute/Integration/fetch_url?app=instant', {
      cookie,
      headers: { origin: server.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(JSON.parse(own.body).status).toBe(1);
  });

  it('reads its arguments as the WHM API does: body first, JSON too, UTF-8 only, GET or POST', async () => {
    const cookie = await logIn('alice');
    const before = partner.requests.length;
    const run = async (path: string, init: Parameters<typeof call>[1] = {}) => {
      const answer = await call(path, { cookie, ...init });
      return { status: answer.status, result: JSON.parse(answer.body), headers: answer.headers };
    };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // The body wins over the query string (as a WHM call's does).
    const bodyWins = await run('/execute/Integration/fetch_url?app=nosuch', {
      method: 'POST',
      headers: form,
      body: 'app=instant',
    });
    expect(bodyWins.result.status).toBe(1);
    const json = await run('/execute/Integration/fetch_url', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"app":"instant"}',
    });
    expect(json.result.status).toBe(1);
    expect(partner.requests.length).toBe(before + 2);
    for (const [init, reason] of [
      [{ method: 'POST', headers: form, body: 'app=%ff' }, /^The argument “app” is not UTF-8 text/],
      [
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'app=instant' },
        /^The request body type “text\/plain” is not supported/,
      ],
      [
        { method: 'POST', headers: form, body: Buffer.from([0x61, 0x70, 0x70, 0x3d, 0xff]) },
        /UTF-8/,
      ],
    ] as const) {
      const refused = await run('/execute/Integration/fetch_url', init);
      expect(refused.status).toBe(200);
      expect(refused.result).toMatchObject({ status: 0, data: null });
      expect(refused.result.errors[0]).toMatch(reason);
    }
    const put = await run('/execute/Integration/fetch_url?app=instant', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    expect(put.result).toMatchObject({ status: 0, errors: ['UAPI is called with GET or POST.'] });
    expect(partner.requests.length).toBe(before + 2);
  });

  it('refuses a body over the limit with 413, and closes the connection', async () => {
    const cookie = await logIn('alice');
    const before = partner.requests.length;
    const big = await call('/execute/Integration/fetch_url', {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `app=instant&pad=${'x'.repeat(3 * 1024 * 1024)}`,
    });
    expect(big.status).toBe(413);
    expect(big.headers.connection).toBe('close');
    expect(JSON.parse(big.body)).toMatchObject({
      status: 0,
      errors: ['The request body is too large.'],
    });
    expect(partner.requests.length).toBe(before);
  });

  it('accepts the /cpsessNNNNNNNNNN prefix only with the session’s own token', async () => {
    const cookie = await logIn('alice');
    const token = /name="cp_security_token" value="([^"]+)"/.exec(
      (await call('/', { cookie })).body,
    )?.[1];
    const good = await call(`${token}/execute/Integration/fetch_url?app=instant`, { cookie });
    expect(JSON.parse(good.body).status).toBe(1);
    const bad = await call('/cpsess0000000001/execute/Integration/fetch_url?app=instant', {
      cookie,
    });
    expect(bad.status).toBe(403);
    // The app routes on the decoded path, so a prefix spelled with escapes is checked too.
    for (const spelled of ['/cpsess%300000000001', '/%63psess0000000001']) {
      const escaped = await call(`${spelled}/execute/Integration/fetch_url?app=instant`, {
        cookie,
      });
      expect(escaped.status).toBe(403);
    }
    const ownEscaped = `/%63${token?.slice(2)}/execute/Integration/fetch_url?app=instant`;
    expect(JSON.parse((await call(ownEscaped, { cookie })).body).status).toBe(1);
  });
});

describe('secrets', () => {
  it('a partner echoing the token as its attempt gets neither to the wait page nor the log', async () => {
    const echo = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ retry: 5, attempt: new URLSearchParams(body).get('token') }));
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = echo.address() as AddressInfo;
      await createLink('alice', 'echo', { autologin_token_url: `http://127.0.0.1:${port}/` });
      const page = await launch('echo', await logIn('alice'));
      expect(page.status).toBe(200);
      expect(page.body).toContain('Connecting you to');
      expect(page.body).not.toContain('reports attempt');
      // The test below looks for the token in every page and log line, this one's included.
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('no link token appears in any page, header or log line', async () => {
    expect(seen.length).toBeGreaterThan(50);
    for (const text of seen) expect(text).not.toContain(SENTINEL);
    expect(server.logs.length).toBeGreaterThan(10);
    for (const line of server.logs) {
      expect(line).not.toContain(SENTINEL);
      for (const secret of loginSecrets) expect(line).not.toContain(secret);
    }
    expect(loginSecrets.length).toBeGreaterThan(10);
    // The partner did receive it (so the search above looked for the right thing).
    expect(partner.requests.some((r) => r.body.token?.startsWith(SENTINEL))).toBe(true);
  });
});
