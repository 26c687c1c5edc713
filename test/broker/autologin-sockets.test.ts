// The autologin protocol end to end over real loopback sockets: the real partner client
// against small node:http partners written here, with fake sleep and clock.

import type { ServerResponse } from 'node:http';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type LaunchInput, launchApp } from '../../src/broker/autologin.ts';
import { createPartnerClient, type PartnerClientOptions } from '../../src/broker/partner-client.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { LinkUserConfig } from '../../src/store/store.ts';
import {
  APP,
  closedPort,
  createFakeStore,
  createFakeTime,
  type Responder,
  sendJson,
  startTestServer,
  streamBytes,
  TOKEN,
  USER,
} from './helpers.ts';

const FALLBACK_URL = 'https://billing.example/account';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts a partner, stores a link pointing at it and returns a launcher wired to both. */
async function setup(
  responders: Responder | Responder[],
  options: { client?: PartnerClientOptions; config?: LinkUserConfig; autologinUrl?: string } = {},
) {
  const partner = await startTestServer(responders);
  cleanups.push(partner.close);
  const client = createPartnerClient(options.client);
  cleanups.push(client.close);
  const store = createFakeStore();
  store.put(
    USER,
    APP,
    {
      autologin_token_url: options.autologinUrl ?? partner.url,
      url: FALLBACK_URL,
      label: 'Mock Billing',
      implements: 'billing',
      subscriber_unique_id: '1001',
      group_id: 'billing_group',
      order: '5',
      hide: '0',
      base64_png_image:
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg==',
      ...options.config,
    },
    TOKEN,
  );
  const time = createFakeTime();
  const logger = createMemoryLogger();
  const deps = {
    store,
    partner: client,
    logger,
    sleep: time.sleep,
    now: time.now,
    retry: { minTimeout: 0, maxTimeout: 0 },
  };
  const launch = (input: Partial<LaunchInput> = {}) =>
    launchApp(deps, { user: USER, app: APP, mode: 'wait', ...input });
  const attempts = () => partner.requests.map((request) => request.form.get('attempt'));
  return { partner, store, time, logger, deps, launch, attempts };
}

const ssoUrl = (res: ServerResponse, code: string) => {
  const { localPort } = res.socket ?? {};
  return `http://127.0.0.1:${localPort}/sso/${code}?one_time=${code}`;
};
const redirecting: Responder = (_req, res) =>
  sendJson(res, 200, { redirect_url: ssoUrl(res, 'code-1') });
const retrying =
  (retry: unknown): Responder =>
  (_req, res) =>
    sendJson(res, 200, { retry, attempt: 1 });
const status =
  (code: number): Responder =>
  (_req, res) =>
    sendJson(res, code, { error: 'unavailable' });

describe('launchApp over real sockets', () => {
  it('redirects to the partner’s one-time URL', async () => {
    const t = await setup(redirecting);
    const outcome = await t.launch();
    expect(outcome).toEqual({
      kind: 'partner',
      location: `${t.partner.origin}/sso/code-1?one_time=code-1`,
      attempt: 1,
      label: 'Mock Billing',
      url: FALLBACK_URL,
    });
    expect(t.partner.requests).toHaveLength(1);
  });

  it('posts exactly the listed fields, form-encoded, without the image', async () => {
    const t = await setup([retrying(0), retrying(0), redirecting]);
    await t.launch();
    expect(t.attempts()).toEqual(['1', '2', '3']);
    const [first] = t.partner.requests;
    expect(first?.method).toBe('POST');
    expect(first?.url).toBe('/autologin');
    expect(first?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(first?.headers.accept).toBe('application/json');
    expect([...(first?.form.entries() ?? [])]).toEqual([
      ['app', APP],
      ['user', USER],
      ['token', TOKEN],
      ['subscriber_unique_id', '1001'],
      ['attempt', '1'],
      ['url', FALLBACK_URL],
      ['label', 'Mock Billing'],
      ['implements', 'billing'],
      ['group_id', 'billing_group'],
      ['order', '5'],
      ['hide', '0'],
    ]);
    expect(first?.body).not.toContain('base64_png_image');
  });

  it('waits what the partner asks and then redirects', async () => {
    const t = await setup([retrying(2), retrying('3'), redirecting]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 3 });
    expect(t.time.waits).toEqual([2_000, 3_000]);
  });

  it.each([
    [0, [0]],
    [-5, [5_000]],
    ['abc', [0]],
    [0.5, [0]],
  ])('retry %j then a redirect waits %j', async (retry, waits) => {
    const t = await setup([retrying(retry), redirecting]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 2 });
    expect(t.time.waits).toEqual(waits);
  });

  it('retry 1e9 waits 60 s once; then the budget is spent and the click falls back', async () => {
    const t = await setup(retrying(1e9));
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'wait-budget',
    });
    expect(t.time.waits).toEqual([60_000]);
    expect(t.partner.requests).toHaveLength(2);
  });

  it('always-retry: exactly three POSTs, no wait after the last', async () => {
    const t = await setup(retrying(1));
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'retries-exhausted' });
    expect(t.attempts()).toEqual(['1', '2', '3']);
    expect(t.time.waits).toEqual([1_000, 1_000]);
  });

  it('retry 40 then 40: the second wait exceeds the budget and the loop ends', async () => {
    const t = await setup([retrying(40), retrying(40), redirecting]);
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'wait-budget' });
    expect(t.time.waits).toEqual([40_000]);
    expect(t.partner.requests).toHaveLength(2);
  });

  it('sends the token the partner pushed between attempts', async () => {
    let store: ReturnType<typeof createFakeStore> | undefined;
    const t = await setup([
      (_req, res) => {
        // What a partner does with update_integration_link_token before asking to retry.
        store?.setToken(USER, APP, 'TOKEN-PUSHED-BY-PARTNER');
        sendJson(res, 200, { retry: 1 });
      },
      redirecting,
    ]);
    store = t.store;
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 2 });
    expect(t.partner.requests.map((r) => r.form.get('token'))).toEqual([
      TOKEN,
      'TOKEN-PUSHED-BY-PARTNER',
    ]);
  });

  it('does not follow a 307: the other listener receives nothing', async () => {
    const elsewhere = await startTestServer(redirecting);
    cleanups.push(elsewhere.close);
    const t = await setup((_req, res) => {
      res.writeHead(307, { location: elsewhere.url });
      res.end();
    });
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'partner-failed',
      detail: 'http-307',
    });
    expect(elsewhere.requests).toHaveLength(0);
    expect(t.partner.requests).toHaveLength(1);
  });

  it('falls back when the body trickles past the attempt deadline, without retrying', async () => {
    const t = await setup(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"redirect_url":');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      },
      { client: { attemptTimeoutMs: 300 } },
    );
    const started = Date.now();
    expect(await t.launch()).toMatchObject({ kind: 'fallback', detail: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(t.partner.requests).toHaveLength(1);
  });

  it('aborts a 20 MB body at 64 KiB and falls back promptly', async () => {
    const t = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      streamBytes(res, 20 * 1024 * 1024, Buffer.alloc(16 * 1024, 0x20));
    });
    const started = Date.now();
    expect(await t.launch()).toMatchObject({ kind: 'fallback', detail: 'too-large' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(t.partner.requests).toHaveLength(1);
  });

  it('aborts a gzip body that inflates past 64 KiB', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    const t = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    expect(await t.launch()).toMatchObject({ kind: 'fallback', detail: 'too-large' });
  });

  it.each([
    ['zlib-wrapped, as HTTP defines it', deflateSync],
    ['raw, as PHP’s gzdeflate sends it', deflateRawSync],
    ['zlib-wrapped, at the strongest level', (b: Buffer) => deflateSync(b, { level: 9 })],
    ['raw, stored uncompressed', (b: Buffer) => deflateRawSync(b, { level: 0 })],
  ])('reads a deflate answer %s', async (_form, deflate) => {
    const t = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' });
      res.end(deflate(Buffer.from(JSON.stringify({ redirect_url: ssoUrl(res, 'deflated') }))));
    });
    expect(await t.launch()).toMatchObject({ kind: 'partner' });
  });

  it('fails a deflate answer that is neither form, and an empty one', async () => {
    for (const body of [Buffer.from('not deflate at all'), Buffer.alloc(0)]) {
      const t = await setup((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate' });
        res.end(body);
      });
      expect(await t.launch()).toMatchObject({ kind: 'fallback', location: FALLBACK_URL });
    }
  });

  it('reads a gzip-compressed answer', async () => {
    const t = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ redirect_url: ssoUrl(res, 'zipped') })));
    });
    expect(await t.launch()).toMatchObject({ kind: 'partner' });
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,hi',
    '/x',
    'https://partner.example/a\r\nSet-Cookie: a=1',
    'https://partner.example/a\tb',
    'https://user:pw@partner.example/',
  ])('falls back on redirect_url %j', async (url) => {
    const t = await setup((_req, res) => sendJson(res, 200, { redirect_url: url }));
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      detail: 'unsafe-redirect-url',
    });
    expect(t.partner.requests).toHaveLength(1);
  });

  it.each([
    ['as posted', (token: string) => token],
    ['form-encoded', (token: string) => new URLSearchParams({ token }).toString().slice(6)],
  ])('falls back when the redirect_url carries the token %s', async (_how, encode) => {
    const t = await setup((_req, res, received) => {
      const posted = received.form.get('token') ?? '';
      sendJson(res, 200, { redirect_url: `${ssoUrl(res, 'x')}&token=${encode(posted)}` });
    });
    const outcome = await t.launch();
    expect(outcome).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      detail: 'token-in-redirect-url',
    });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    expect(t.partner.requests).toHaveLength(1);
    expect(t.logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('does not let the partner change the fallback url', async () => {
    const t = await setup((_req, res) => sendJson(res, 200, { url: 'http://evil.example/' }));
    expect(await t.launch()).toMatchObject({ kind: 'fallback', location: FALLBACK_URL });
  });

  it('retries 503 twice through p-retry and is redirected on attempt 3', async () => {
    const t = await setup([status(503), status(503), redirecting]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 3 });
    expect(t.attempts()).toEqual(['1', '2', '3']);
    expect(t.time.waits).toEqual([]);
  });

  it('retries a connection reset before any answer', async () => {
    const t = await setup([(req) => req.socket.destroy(), redirecting]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 2 });
  });

  it('falls back when the connection is refused', async () => {
    const port = await closedPort();
    const t = await setup(redirecting, { autologinUrl: `http://127.0.0.1:${port}/autologin` });
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'retries-exhausted',
      detail: 'refused',
    });
    const [line] = t.logger.lines.map((l) => JSON.parse(l));
    expect(line).toMatchObject({ attempts: 3, transportError: 'refused' });
  });

  it('fails at once on HTTP 500 (one POST)', async () => {
    const t = await setup([status(500), redirecting]);
    expect(await t.launch()).toMatchObject({ kind: 'fallback', detail: 'http-500' });
    expect(t.partner.requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts a hanging attempt', async () => {
    const t = await setup(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await t.launch({ signal: controller.signal })).toMatchObject({
      kind: 'fallback',
      reason: 'aborted',
    });
    expect(t.partner.requests).toHaveLength(1);
  });

  it('yields a wait in yield mode and continues on the next attempt', async () => {
    const t = await setup([retrying(7), redirecting]);
    const first = await t.launch({ mode: 'yield' });
    expect(first).toMatchObject({
      kind: 'wait',
      nextAttempt: 2,
      waitMs: 7_000,
      remainingBudgetMs: 53_000,
      partnerAttempt: '1',
    });
    if (first.kind !== 'wait') throw new Error('expected a wait');
    const second = await t.launch({
      mode: 'yield',
      startAttempt: first.nextAttempt,
      waitBudgetMs: first.remainingBudgetMs,
    });
    expect(second).toMatchObject({ kind: 'partner', attempt: 2 });
    expect(t.attempts()).toEqual(['1', '2']);
    expect(t.time.waits).toEqual([]);
  });

  it('never writes the token or the one-time URL’s path into the log', async () => {
    const t = await setup([
      (_req, res) => sendJson(res, 200, { retry: 1 }),
      (_req, res) => sendJson(res, 503, `token ${TOKEN} rejected`),
      (_req, res) => sendJson(res, 200, { redirect_url: `${ssoUrl(res, 'x')}&t=one_time` }),
    ]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 3 });
    await t.launch({ app: 'missing' });
    expect(t.logger.lines).toHaveLength(2);
    for (const line of t.logger.lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain('one_time');
      expect(line).not.toContain('/sso/');
    }
    expect(JSON.parse(t.logger.lines[0] ?? '{}')).toMatchObject({
      outcome: 'partner',
      attempts: 3,
      partnerStatus: 200,
      locationOrigin: t.partner.origin,
    });
  });
});
