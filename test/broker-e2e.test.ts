// The broker end to end over real sockets: the real server, links created through the WHM API,
// UAPI Integration::fetch_url through the /json-api/cpanel bridge, and the real mock partner
// playing every fault scenario of SPEC §7, each ending in the documented outcome in time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../mock-partner/index.ts';
import type { RecordedRequest } from '../mock-partner/request-log.ts';
import { DEFAULT_CONNECTIONS_PER_ORIGIN } from '../src/broker/partner-client.ts';
import { createFileStore } from '../src/store/file-store.ts';
import { type Json, ROOT_TOKEN, startTestServer, type TestServer } from './helpers/server.ts';

/** Distinctive, so a search of every answer and log line for it cannot miss. */
const TOKEN = 'TOK-e2e-4b7d1c9a-must-never-surface-Wq3';
const ROTATED_TOKEN = 'TOK-e2e-rotated-8e2f6a0d-never-shown-Kp5';
const FALLBACK = 'https://billing.example/clientarea';
const USER = 'alice';
const SUBSCRIBER = '1001';
const AUTH = { authorization: `whm root:${ROOT_TOKEN}` };

/** Every answer body of this file, for the secrecy check at the end. */
const bodies: string[] = [];

interface Target {
  url: string;
  logs: string[];
  dataDir: string;
}

async function call(target: Target, path: string, init: RequestInit = {}): Promise<Json> {
  const res = await fetch(`${target.url}${path}`, init);
  const text = await res.text();
  bodies.push(text);
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

async function whm(target: Target, fn: string, args: Record<string, string>): Promise<Json> {
  const answer = await call(target, `/json-api/${fn}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ 'api.version': '1', ...args }).toString(),
  });
  expect(answer.metadata, JSON.stringify(answer)).toMatchObject({ result: 1 });
  return answer;
}

let appCount = 0;
/** Creates a link with a fresh app name through create_integration_link; returns the name. */
async function createLink(target: Target, fields: Record<string, string>): Promise<string> {
  appCount += 1;
  const app = `e2e_${appCount}`;
  await whm(target, 'create_integration_link', {
    user: USER,
    app,
    implements: 'billing',
    label: 'Mock Billing',
    subscriber_unique_id: SUBSCRIBER,
    token: TOKEN,
    ...fields,
  });
  return app;
}

interface BridgeCall {
  user?: string;
  module?: string;
  func?: string;
  version?: string;
  app?: string;
}

/** fetch_url through the WHM bridge as root; returns the bridge answer and how long it took. */
async function bridge(target: Target, query: BridgeCall): Promise<{ answer: Json; ms: number }> {
  const params = new URLSearchParams({
    cpanel_jsonapi_user: query.user ?? USER,
    cpanel_jsonapi_module: query.module ?? 'Integration',
    cpanel_jsonapi_func: query.func ?? 'fetch_url',
    cpanel_jsonapi_apiversion: query.version ?? '3',
  });
  if (query.app !== undefined) params.set('app', query.app);
  const started = performance.now();
  const answer = await call(target, `/json-api/cpanel?${params}`, { headers: AUTH });
  return { answer, ms: performance.now() - started };
}

/** The POSTs the partner received for one app, in order. */
const postsFor = (partner: RunningMockPartner, app: string): RecordedRequest[] =>
  partner.requests.filter(
    (r) => r.method === 'POST' && r.path === '/autologin' && r.body.app === app,
  );

const success = (data: unknown) => ({
  apiversion: 3,
  module: 'Integration',
  func: 'fetch_url',
  result: { status: 1, data, errors: null, messages: null, warnings: null, metadata: {} },
});

const failure = (error: RegExp, extra: Record<string, unknown> = {}) => ({
  apiversion: 3,
  module: 'Integration',
  func: 'fetch_url',
  ...extra,
  result: {
    status: 0,
    data: null,
    errors: [expect.stringMatching(error)],
    messages: null,
    warnings: null,
    metadata: {},
  },
});

const fallback = success({ redirect_url: FALLBACK, url: FALLBACK });

let server: Target & { stop(): Promise<void> };
let partner: RunningMockPartner;
/** A second loopback listener: a redirecting partner must never get the token sent here. */
let elsewhere: { url: string; requests: string[]; server: Server };

const partnerUrl = () => expect.stringMatching(new RegExp(`^${partner.url}/sso/[\\w-]+$`));
const partnerAnswer = () => success({ redirect_url: partnerUrl(), url: FALLBACK });

/** Creates a link to a scenario (fallback `url` included unless given) and launches it. */
async function launchScenario(query: Record<string, string | number>, fields = {}) {
  const app = await createLink(server, {
    autologin_token_url: partner.autologinUrl(query),
    url: FALLBACK,
    ...fields,
  });
  const { answer, ms } = await bridge(server, { app });
  return { app, answer, ms, posts: postsFor(partner, app) };
}

beforeAll(async () => {
  const [started, mock] = await Promise.all([startTestServer(), startMockPartner({ port: 0 })]);
  server = started;
  partner = mock;
  const requests: string[] = [];
  const listener = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.end('{"redirect_url":"http://stolen.example/"}');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  elsewhere = { url: `http://127.0.0.1:${port}`, requests, server: listener };
  await whm(server, 'createacct', { username: USER, domain: 'alice.example.com' });
});

afterAll(async () => {
  elsewhere.server.closeAllConnections();
  await new Promise<void>((resolve) => elsewhere.server.close(() => resolve()));
  await Promise.all([server.stop(), partner.close()]);
});

describe('fetch_url through the bridge, well-behaved partner', () => {
  it('answers the partner’s one-time URL, which signs in once and then is gone', async () => {
    const { answer, ms, posts } = await launchScenario({});
    expect(answer).toEqual(partnerAnswer());
    expect(ms).toBeLessThan(2_000);

    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(posts[0]?.headers.accept).toBe('application/json');
    expect(posts[0]?.body).toMatchObject({
      user: USER,
      token: TOKEN,
      subscriber_unique_id: SUBSCRIBER,
      attempt: '1',
      url: FALLBACK,
      label: 'Mock Billing',
      implements: 'billing',
    });

    const landing = await fetch(answer.result.data.redirect_url, { redirect: 'manual' });
    const page = await landing.text();
    expect(landing.status).toBe(200);
    expect(page).toContain(`Signed in to Mock Billing as subscriber ${SUBSCRIBER} (user ${USER})`);
    const again = await fetch(answer.result.data.redirect_url, { redirect: 'manual' });
    await again.text();
    expect(again.status).toBe(410);
  });

  it('a link with only `url` answers that url without any POST', async () => {
    const app = await createLink(server, { url: FALLBACK });
    const { answer } = await bridge(server, { app });
    expect(answer).toEqual(fallback);
    expect(postsFor(partner, app)).toHaveLength(0);
  });
});

describe('fetch_url failures answer result.status 0 with a clear error', () => {
  it('a link whose partner fails and which has no `url`', async () => {
    const app = await createLink(server, {
      autologin_token_url: partner.autologinUrl({ scenario: 'status', code: 500 }),
    });
    const { answer } = await bridge(server, { app });
    expect(answer).toEqual(failure(/^“Mock Billing” is not available right now/));
    expect(answer.result.errors[0]).toContain('no fallback “url”');
    expect(postsFor(partner, app)).toHaveLength(1);
  });

  it('a missing link', async () => {
    const { answer } = await bridge(server, { app: 'no_such_app' });
    expect(answer).toEqual(
      failure(/^There is no integration link “no_such_app” for the user “alice”\.$/),
    );
  });

  it('an unknown user', async () => {
    const { answer } = await bridge(server, { user: 'nobodyhere', app: 'x' });
    expect(answer).toEqual(failure(/nobodyhere/));
    expect(answer.result.errors[0]).toMatch(/You do not have a user named/);
  });

  it('an unknown module or function', async () => {
    const module = await bridge(server, { module: 'Billing', app: 'x' });
    expect(module.answer).toEqual(
      failure(/“Billing::fetch_url” does not exist/, { module: 'Billing' }),
    );
    const func = await bridge(server, { func: 'launch', app: 'x' });
    expect(func.answer).toEqual(
      failure(/“Integration::launch” does not exist/, { func: 'launch' }),
    );
  });

  it('cpanel_jsonapi_apiversion=2', async () => {
    const app = await createLink(server, { url: FALLBACK });
    const { answer } = await bridge(server, { version: '2', app });
    expect(answer).toEqual(failure(/apiversion=3/, { apiversion: 2 }));
  });

  it.each(['1.5', 'Infinity', '1e400', '3.0', '0x3', ' 3', '03'])(
    'cpanel_jsonapi_apiversion=%j is refused and echoed as sent',
    async (version) => {
      const { answer } = await bridge(server, { version, app: 'x' });
      expect(answer).toEqual(failure(/apiversion=3/, { apiversion: version }));
    },
  );

  it('answers with Cache-Control: no-store (the answer is a single-use login URL)', async () => {
    const app = await createLink(server, {
      autologin_token_url: partner.autologinUrl(),
      url: FALLBACK,
    });
    const query = new URLSearchParams({
      cpanel_jsonapi_user: USER,
      cpanel_jsonapi_module: 'Integration',
      cpanel_jsonapi_func: 'fetch_url',
      app,
    });
    const res = await fetch(`${server.url}/json-api/cpanel?${query}`, { headers: AUTH });
    const answer = (await res.json()) as { result: { data: { redirect_url: string } } };
    expect(answer.result.data.redirect_url).toMatch(/\/sso\//);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a bad api.version or an unreadable body, still in the bridge’s shape', async () => {
    const query = new URLSearchParams({
      cpanel_jsonapi_user: USER,
      cpanel_jsonapi_module: 'Integration',
      cpanel_jsonapi_func: 'fetch_url',
      cpanel_jsonapi_apiversion: '3',
      app: 'x',
    });
    const version = await call(server, `/json-api/cpanel?${query}&api.version=2`, {
      headers: AUTH,
    });
    expect(version).toEqual(failure(/^The “api\.version” parameter must be 1/));
    for (const [type, body, reason] of [
      ['application/json', '[1]', /^The JSON request body must be an object/],
      ['text/plain', 'x', /^The request body type “text\/plain” is not supported/],
    ] as const) {
      const answer = await call(server, `/json-api/cpanel?${query}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': type },
        body,
      });
      expect(answer.result).toEqual(failure(reason).result);
      // Still named after the module and function asked for (readable in the query).
      expect(answer).toMatchObject({ module: 'Integration', func: 'fetch_url', apiversion: 3 });
    }
    // A form body with one unreadable value: the readable pairs still name the call.
    const form = await call(server, '/json-api/cpanel', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'cpanel_jsonapi_user=alice&cpanel_jsonapi_module=Integration&cpanel_jsonapi_func=fetch_url&cpanel_jsonapi_apiversion=3&app=%ff',
    });
    expect(form).toEqual(failure(/^The argument “app” is not UTF-8 text/));
    // A JSON body that reads, with a query string that does not: named from the body.
    const json = await call(server, '/json-api/cpanel?note=%ff', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({
        cpanel_jsonapi_user: USER,
        cpanel_jsonapi_module: 'Integration',
        cpanel_jsonapi_func: 'fetch_url',
        app: 'x',
      }),
    });
    expect(json).toEqual(failure(/^The argument “note” is not UTF-8 text/));
  });

  it('refuses the bridge without root credentials', async () => {
    const res = await fetch(
      `${server.url}/json-api/cpanel?cpanel_jsonapi_user=alice&cpanel_jsonapi_module=Integration&cpanel_jsonapi_func=fetch_url&cpanel_jsonapi_apiversion=3&app=x`,
    );
    bodies.push(await res.text());
    expect(res.status).toBe(401);
  });
});

describe('fault scenarios that fall back at once', () => {
  it.each([
    ['status 500', { scenario: 'status', code: 500 }],
    ['status 404', { scenario: 'status', code: 404 }],
    ['garbage', { scenario: 'garbage' }],
    ['empty', { scenario: 'empty' }],
    ['wrong-key', { scenario: 'wrong-key' }],
  ])('%s → the stored url after one POST', async (_name, query) => {
    const { answer, ms, posts } = await launchScenario(query);
    expect(answer).toEqual(fallback);
    expect(JSON.stringify(answer)).not.toContain('evil');
    expect(posts.map((p) => p.body.attempt)).toEqual(['1']);
    expect(ms).toBeLessThan(2_000);
  });

  it('a wrong token (the partner answers 401) → the stored url after one POST', async () => {
    const { answer, posts } = await launchScenario({}, { token: 'wrong-token' });
    expect(answer).toEqual(fallback);
    expect(posts).toHaveLength(1);
  });

  it.each([
    'javascript',
    'mixed-case-javascript',
    'tab-javascript',
    'data',
    'relative',
    'protocol-relative',
    'crlf',
    'ftp',
  ])('unsafe-redirect kind=%s → the stored url', async (kind) => {
    const { answer, posts } = await launchScenario({ scenario: 'unsafe-redirect', kind });
    expect(answer).toEqual(fallback);
    expect(posts).toHaveLength(1);
  });

  it.each([301, 302, 307, 308])(
    'redirect3xx (%i) to another loopback listener → it receives nothing; the stored url',
    async (code) => {
      const { answer, posts } = await launchScenario({
        scenario: 'redirect3xx',
        code,
        to: `${elsewhere.url}/steal`,
      });
      expect(answer).toEqual(fallback);
      expect(posts).toHaveLength(1);
      expect(elsewhere.requests).toEqual([]);
    },
  );
});

describe('transient failures are retried within the three attempts', () => {
  it('status 503 → three POSTs after short backoffs, then the stored url', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'status', code: 503 });
    expect(answer).toEqual(fallback);
    expect(posts.map((p) => p.body.attempt)).toEqual(['1', '2', '3']);
    expect(ms).toBeLessThan(3_000);
  });

  it('reset → three POSTs, then the stored url', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'reset' });
    expect(answer).toEqual(fallback);
    expect(posts.map((p) => p.body.attempt)).toEqual(['1', '2', '3']);
    expect(ms).toBeLessThan(3_000);
  });
});

describe('a huge (20 MB) answer', () => {
  it('falls back promptly with bounded memory while the server keeps answering', async () => {
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const huge = Array.from({ length: 3 }, () => launchScenario({ scenario: 'huge', mb: 20 }));
      // Meanwhile: another click and an admin call are answered.
      const [normal, accounts] = await Promise.all([
        launchScenario({}),
        call(server, '/json-api/listaccts?api.version=1', { headers: AUTH }),
      ]);
      expect(normal.answer).toEqual(partnerAnswer());
      expect(accounts.metadata.result).toBe(1);
      for (const { answer, ms, posts } of await Promise.all(huge)) {
        expect(answer).toEqual(fallback);
        expect(posts).toHaveLength(1);
        expect(ms).toBeLessThan(3_000);
      }
    } finally {
      clearInterval(sampler);
    }
    expect(peak - rssBefore).toBeLessThan(50 * 1024 * 1024);
    // The partner stopped streaming because the broker went away, not because it finished.
    await expect.poll(() => partner.state.openStreams()).toBe(0);
  });
});

describe.concurrent('scenarios that take real time (run side by side)', () => {
  it('hang → the stored url at the 10 s attempt deadline, after one POST', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'hang' });
    expect(answer).toEqual(fallback);
    expect(posts).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(9_900);
    expect(ms).toBeLessThan(12_000);
  });

  it('trickle past 10 s → the stored url at the 10 s attempt deadline', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'trickle', ms: 400 });
    expect(answer).toEqual(fallback);
    expect(posts).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(9_900);
    expect(ms).toBeLessThan(12_000);
  });

  it('slow (3 s, below the deadline) → the partner URL', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'slow', ms: 3_000 });
    expect(answer).toEqual(partnerAnswer());
    expect(posts).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(2_900);
    expect(ms).toBeLessThan(5_000);
  });

  it('retry&times=2&retry=1 → the partner URL after ~2 s and POSTs with attempt 1, 2, 3', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'retry', times: 2, retry: 1 });
    expect(answer).toEqual(partnerAnswer());
    expect(posts.map((p) => p.body.attempt)).toEqual(['1', '2', '3']);
    expect(ms).toBeGreaterThanOrEqual(1_950);
    expect(ms).toBeLessThan(4_000);
    const gaps = posts.slice(1).map((p, i) => p.time - (posts[i]?.time ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('always-retry → the stored url after three POSTs (no wait after the last)', async () => {
    const { answer, ms, posts } = await launchScenario({ scenario: 'always-retry', retry: 1 });
    expect(answer).toEqual(fallback);
    expect(posts.map((p) => p.body.attempt)).toEqual(['1', '2', '3']);
    expect(ms).toBeGreaterThanOrEqual(1_950);
    expect(ms).toBeLessThan(3_500);
  });

  it.each([
    ['0', 0],
    ['abc', 0],
    ['0.5', 0],
    ['-5', 5_000],
  ])('retry=%s → the second POST comes %i ms after the first', async (retry, wait) => {
    const { answer, posts } = await launchScenario({ scenario: 'retry', times: 1, retry });
    expect(answer).toEqual(partnerAnswer());
    expect(posts.map((p) => p.body.attempt)).toEqual(['1', '2']);
    const gap = (posts[1]?.time ?? 0) - (posts[0]?.time ?? 0);
    expect(gap).toBeGreaterThanOrEqual(wait - 50);
    expect(gap).toBeLessThan(wait + 700);
  });

  it('a token replaced in the store while the broker waits is the one sent next', async () => {
    // A strict partner: only the rotated token signs subscriber 2002 in.
    const strict = await startMockPartner({ port: 0, subscribers: { '2002': ROTATED_TOKEN } });
    try {
      const app = await createLink(server, {
        autologin_token_url: strict.autologinUrl({ scenario: 'retry', times: 1, retry: 1 }),
        url: FALLBACK,
        subscriber_unique_id: '2002',
      });
      const launched = bridge(server, { app });
      await expect.poll(() => postsFor(strict, app).length, { timeout: 900 }).toBe(1);
      // What update_integration_link_token does: another writer replaces the token on disk.
      expect(
        await createFileStore({ dataDir: server.dataDir }).updateLinkToken(
          USER,
          app,
          ROTATED_TOKEN,
        ),
      ).toBe(true);
      const { answer } = await launched;
      expect(answer.result.status).toBe(1);
      expect(answer.result.data.redirect_url).toMatch(new RegExp(`^${strict.url}/sso/`));
      expect(postsFor(strict, app).map((p) => [p.body.attempt, p.body.token])).toEqual([
        ['1', TOKEN],
        ['2', ROTATED_TOKEN],
      ]);
    } finally {
      await strict.close();
    }
  });
});

describe('the connection cap per partner', () => {
  it('keeps at most the cap of clicks at one partner; the rest queue and follow', async () => {
    const gated = await startMockPartner({ port: 0 });
    try {
      const app = await createLink(server, {
        autologin_token_url: gated.autologinUrl({ scenario: 'gate' }),
        url: FALLBACK,
      });
      const extra = 6;
      const launches = Array.from({ length: DEFAULT_CONNECTIONS_PER_ORIGIN + extra }, () =>
        bridge(server, { app }),
      );
      await expect.poll(() => gated.state.gateWaiting()).toBe(DEFAULT_CONNECTIONS_PER_ORIGIN);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(postsFor(gated, app)).toHaveLength(DEFAULT_CONNECTIONS_PER_ORIGIN);
      // Answering the first ones frees their connections for the queued clicks.
      gated.state.openGate();
      await expect.poll(() => gated.state.gateWaiting()).toBe(extra);
      gated.state.openGate();
      const gatedAnswer = success({
        redirect_url: expect.stringMatching(new RegExp(`^${gated.url}/sso/`)),
        url: FALLBACK,
      });
      for (const { answer } of await Promise.all(launches)) expect(answer).toEqual(gatedAnswer);
    } finally {
      await gated.close();
    }
  });
});

describe('with the partner client and sleep injected through startServer', () => {
  let injected: TestServer;
  const waits: number[] = [];
  /** Runs while the broker waits between attempts. */
  let duringWait: (() => Promise<unknown>) | undefined;

  beforeAll(async () => {
    injected = await startTestServer(
      {},
      {
        partner: { attemptTimeoutMs: 300 },
        // Records the wait instead of sleeping: 60 s waits need no 60 s test.
        sleep: async (ms) => {
          waits.push(ms);
          await duringWait?.();
        },
      },
    );
    await whm(injected, 'createacct', { username: USER, domain: 'alice.example.com' });
  });
  afterAll(() => injected.stop());

  it.each([
    ['0', 0],
    ['-5', 5_000],
    ['abc', 0],
    ['1e9', 60_000],
    ['0.5', 0],
  ])('retry=%s → the broker waits %i ms, then signs in', async (retry, wait) => {
    waits.length = 0;
    const app = await createLink(injected, {
      autologin_token_url: partner.autologinUrl({ scenario: 'retry', times: 1, retry }),
      url: FALLBACK,
    });
    const { answer } = await bridge(injected, { app });
    expect(answer).toEqual(partnerAnswer());
    expect(waits).toEqual([wait]);
    expect(postsFor(partner, app).map((p) => p.body.attempt)).toEqual(['1', '2']);
  });

  it('hang → the stored url at the injected attempt deadline', async () => {
    const app = await createLink(injected, {
      autologin_token_url: partner.autologinUrl({ scenario: 'hang' }),
      url: FALLBACK,
    });
    const { answer, ms } = await bridge(injected, { app });
    expect(answer).toEqual(fallback);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(2_000);
  });

  it('a link removed while fetch_url waits is named as removed, not as a partner failure', async () => {
    const app = await createLink(injected, {
      autologin_token_url: partner.autologinUrl({ scenario: 'retry', times: 1, retry: 2 }),
    });
    duringWait = () => whm(injected, 'remove_integration_link', { user: USER, app });
    try {
      const { answer } = await bridge(injected, { app });
      expect(answer).toEqual(
        failure(
          /^The integration link “e2e_\d+” of the user “alice” was removed or changed while it was being launched/,
        ),
      );
    } finally {
      duringWait = undefined;
    }
    expect(postsFor(partner, app)).toHaveLength(1);
  });

  it('never shows the token in its answers or logs', () => {
    expect(injected.logs.some((line) => line.includes('"msg":"autologin"'))).toBe(true);
    for (const text of injected.logs) {
      expect(text).not.toContain(TOKEN);
    }
  });
});

describe('a caller that goes away', () => {
  /** A session cookie for USER, through create_user_session and its login URL. */
  async function sessionCookie(): Promise<string> {
    const answer = await whm(server, 'create_user_session', { user: USER });
    const res = await fetch(answer.data.url, { redirect: 'manual' });
    await res.body?.cancel();
    const cookie = /^cpsession=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeTruthy();
    return `cpsession=${cookie}`;
  }

  /** The autologin log line of `app`, once the launch has ended. */
  async function endOf(app: string, withinMs: number): Promise<Json> {
    const deadline = performance.now() + withinMs;
    while (performance.now() < deadline) {
      const line = server.logs.find(
        (l) => l.includes('"msg":"autologin"') && l.includes(`"app":"${app}"`),
      );
      if (line) return JSON.parse(line);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no autologin line for ${app} within ${withinMs} ms`);
  }

  it.each([
    ['the click path', 'click'],
    ['UAPI fetch_url over the session', 'execute'],
    ['fetch_url through the WHM bridge', 'bridge'],
  ] as const)('ends the launch on %s at once, with no more partner calls', async (_name, how) => {
    const app = await createLink(server, {
      autologin_token_url: partner.autologinUrl({ scenario: 'hang' }),
      url: FALLBACK,
    });
    const cookie = how === 'bridge' ? '' : await sessionCookie();
    const path = {
      click: `/integration/index.html?app=${app}`,
      execute: `/execute/Integration/fetch_url?app=${app}`,
      bridge: `/json-api/cpanel?cpanel_jsonapi_user=${USER}&cpanel_jsonapi_module=Integration&cpanel_jsonapi_func=fetch_url&cpanel_jsonapi_apiversion=3&app=${app}`,
    }[how];
    const headers: Record<string, string> = how === 'bridge' ? AUTH : { cookie };
    const gone = new AbortController();
    const started = performance.now();
    const request = fetch(`${server.url}${path}`, { headers, signal: gone.signal });
    // Gone once the partner holds the POST (it never answers: the attempt deadline is 10 s).
    while (postsFor(partner, app).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    gone.abort();
    await expect(request).rejects.toThrow();
    const line = await endOf(app, 3_000);
    expect(line).toMatchObject({ reason: 'aborted', attempts: 1 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(postsFor(partner, app)).toHaveLength(1);
  });
});

describe('secrecy', () => {
  it('no answer body and no log line of this file ever carried a token', () => {
    // The partner did receive it: the search below is looking for something real.
    expect(partner.requests.some((r) => r.body.token === TOKEN)).toBe(true);
    const autologinLines = server.logs.filter((line) => line.includes('"msg":"autologin"'));
    expect(autologinLines.length).toBeGreaterThan(30);
    expect(bodies.length).toBeGreaterThan(60);
    for (const text of [...bodies, ...server.logs]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(ROTATED_TOKEN);
    }
  });
});
