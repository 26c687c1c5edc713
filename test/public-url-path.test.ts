// A public URL with a path (LINKBROKER_PUBLIC_URL=https://example.com/sub/): the server behind a
// real reverse proxy that hands `/sub/…` to its `/…`, and a user who only ever goes through
// the proxy. Every link, form, image and redirect of the pages must stay under /sub/.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../mock-partner/index.ts';
import { makePng } from './helpers/png.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const PREFIX = '/sub';
const USER = 'pathuser';

let partner: RunningMockPartner;
let server: TestServer;
let proxy: Server;
let proxyUrl: string;
/** Where the proxy forwards to, set once the server listens. */
let upstream: URL | undefined;
/** Paths the proxy was asked for outside the prefix: a page that leads there is broken. */
const outside: string[] = [];

/** A reverse proxy that strips the prefix, as `location /sub/ { proxy_pass http://…/; }` does. */
function startProxy(): Promise<Server> {
  const started = createServer((req, res) => {
    const path = req.url ?? '/';
    if (!upstream || !path.startsWith(`${PREFIX}/`)) {
      outside.push(path);
      res.writeHead(404).end('outside the prefix');
      return;
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: path.slice(PREFIX.length),
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  return new Promise((resolve) => started.listen(0, '127.0.0.1', () => resolve(started)));
}

interface Answer {
  status: number;
  location: string | undefined;
  cookie: string | undefined;
  body: string;
}

/** A GET or POST through the proxy, as the browser makes it (no redirect followed). */
async function browse(
  path: string,
  init: { cookie?: string; method?: 'GET' | 'POST'; body?: string } = {},
): Promise<Answer> {
  const res = await request(`${proxyUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const setCookie = res.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return {
    status: res.statusCode,
    location: res.headers.location as string | undefined,
    cookie: first?.split(';')[0],
    body: await res.body.text(),
  };
}

/** Every href, src, action and meta-refresh URL of a page. */
function pageUrls(html: string): string[] {
  const urls = [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1] as string);
  const refresh = /http-equiv="refresh" content="\d+;url=([^"]*)"/.exec(html)?.[1];
  return (refresh ? [...urls, refresh] : urls).map((url) => url.replaceAll('&amp;', '&'));
}

async function whm(fn: string, args: Record<string, string>) {
  const answer = (await (await server.whm(fn, args)).json()) as {
    data?: Record<string, unknown>;
    metadata: { result: number; reason: string };
  };
  expect(answer.metadata.reason).toBe('OK');
  return answer;
}

async function login(app?: string): Promise<{ answer: Answer; cookie: string }> {
  const session = await whm('create_user_session', {
    user: USER,
    service: 'cpaneld',
    ...(app ? { app } : {}),
  });
  const url = String(session.data?.url);
  expect(url.startsWith(`${proxyUrl}${PREFIX}/login/?session=`)).toBe(true);
  const answer = await browse(url.slice(proxyUrl.length));
  return { answer, cookie: answer.cookie ?? '' };
}

beforeAll(async () => {
  partner = await startMockPartner({ port: 0 });
  proxy = await startProxy();
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  server = await startTestServer({ LINKBROKER_PUBLIC_URL: `${proxyUrl}${PREFIX}/` });
  upstream = new URL(server.listenUrl);
  await whm('createacct', { username: USER, domain: 'pathuser.example.com' });
  const link = (app: string, extra: Record<string, string>) =>
    whm('create_integration_link', {
      user: USER,
      app,
      implements: 'billing',
      label: `Label ${app}`,
      subscriber_unique_id: '1',
      token: 'path-token-0123456789',
      url: 'https://billing.example/fallback',
      ...extra,
    });
  await link('instant', { autologin_token_url: partner.autologinUrl() });
  await link('waits', {
    autologin_token_url: partner.autologinUrl({ scenario: 'retry', times: 1, retry: 1 }),
    base64_png_image: makePng(8).toString('base64'),
  });
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  await partner?.close();
});

describe('behind a proxy that serves the public URL’s path', () => {
  it('the login URL signs in and lands on the home page under the path', async () => {
    const { answer, cookie } = await login();
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${PREFIX}/`);
    expect(cookie).toMatch(/^cpsession=/);
  });

  it('every link, image and form of the home page stays under the path and answers', async () => {
    const { cookie } = await login();
    const home = await browse(`${PREFIX}/`, { cookie });
    expect(home.status).toBe(200);
    const urls = pageUrls(home.body).filter((url) => !url.startsWith('#'));
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url.startsWith(`${PREFIX}/`), url).toBe(true);
    // The images and the click links answer through the proxy.
    for (const url of urls.filter((u) => u.includes('/integration/'))) {
      const res = await browse(url, { cookie });
      expect([200, 302], url).toContain(res.status);
    }
    const logout =
      /<form method="post" action="([^"]*)">\s*<input type="hidden" name="cp_security_token" value="([^"]*)"/.exec(
        home.body,
      );
    expect(logout?.[1]).toBe(`${PREFIX}/logout`);
    const out = await browse(logout?.[1] ?? '', {
      cookie,
      method: 'POST',
      body: `cp_security_token=${logout?.[2]}`,
    });
    expect(out.status).toBe(303);
    expect(out.location).toBe(`${PREFIX}/logout`);
    const after = await browse(out.location ?? '', { cookie });
    for (const url of pageUrls(after.body)) {
      if (!url.startsWith('#')) expect(url.startsWith(`${PREFIX}/`), url).toBe(true);
    }
    expect(outside).toEqual([]);
  });

  it('the wait page continues under the path, to the partner', async () => {
    const { cookie } = await login();
    const wait = await browse(`${PREFIX}/integration/index.html?app=waits`, { cookie });
    expect(wait.status).toBe(200);
    const urls = pageUrls(wait.body).filter((url) => url.includes('continue='));
    expect(urls.length).toBe(2);
    for (const url of urls) {
      expect(url.startsWith(`${PREFIX}/integration/index.html?app=waits&continue=`)).toBe(true);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const next = await browse(urls[0] as string, { cookie });
    expect(next.status).toBe(302);
    expect(next.location).toMatch(/\/sso\//);
    expect(outside).toEqual([]);
  });

  it('a login URL naming an app launches it; pages without a session link home under the path', async () => {
    const launched = await login('instant');
    expect(launched.answer.status).toBe(302);
    expect(launched.answer.location).toMatch(/\/sso\//);
    const anonymous = await browse(`${PREFIX}/`);
    expect(anonymous.status).toBe(401);
    expect(pageUrls(anonymous.body)).toContain(`${PREFIX}/`);
  });

  it('the API reference links its document and shows calls under the path', async () => {
    const docs = await browse(`${PREFIX}/docs/api`);
    expect(docs.status).toBe(200);
    expect(pageUrls(docs.body)).toContain(`${PREFIX}/openapi.json`);
    expect(docs.body).toContain(`${proxyUrl}${PREFIX}/json-api/`);
    expect((await browse(`${PREFIX}/openapi.json`)).status).toBe(200);
    expect(outside).toEqual([]);
  });
});
