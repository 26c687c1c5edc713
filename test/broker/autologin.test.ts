// The autologin protocol's rules with an in-memory store, a scripted partner and fake time:
// attempts, waits and the 60 s budget, fresh tokens, endings, yield mode and the log line.

import { describe, expect, it } from 'vitest';
import {
  type LaunchDeps,
  type LaunchInput,
  launchApp,
  WAIT_BUDGET_MS,
} from '../../src/broker/autologin.ts';
import type { PartnerResponse } from '../../src/broker/partner-client.ts';
import { createMemoryLogger } from '../../src/log.ts';
import {
  type LinkPublicField,
  type LinkUserConfig,
  StoreNameError,
} from '../../src/store/store.ts';
import {
  APP,
  answer,
  createFakeStore,
  createFakeTime,
  createScriptedPartner,
  TOKEN,
  USER,
} from './helpers.ts';

const AUTOLOGIN_URL = 'https://partner.example/autologin';
const FALLBACK_URL = 'https://partner.example/fallback';
const SSO = 'https://sso.partner.example/sso/one-time-code-123?code=SECRETCODE';

const retry = (value: unknown, extra: Record<string, unknown> = {}) =>
  answer(200, { retry: value, ...extra });
const redirect = (url = SSO) => answer(200, { redirect_url: url });
const transport = (code: 'refused' | 'reset' | 'timeout' | 'too-large' | 'other') =>
  ({ kind: 'transport-error', code, message: code, latencyMs: 3 }) as const;

function setup(
  script: PartnerResponse[],
  options: { config?: LinkUserConfig; omit?: LinkPublicField[] } = {},
) {
  const store = createFakeStore();
  const config: LinkUserConfig = {
    autologin_token_url: AUTOLOGIN_URL,
    url: FALLBACK_URL,
    label: 'Billing & Support',
    implements: 'billing',
    subscriber_unique_id: 'sub-42',
    ...options.config,
  };
  for (const field of options.omit ?? []) delete config[field];
  store.put(USER, APP, config, TOKEN);
  const partner = createScriptedPartner(script);
  const time = createFakeTime();
  const logger = createMemoryLogger();
  const deps: LaunchDeps = {
    store,
    partner,
    logger,
    sleep: time.sleep,
    now: time.now,
    retry: { minTimeout: 0, maxTimeout: 0 },
  };
  const launch = (input: Partial<LaunchInput> = {}) =>
    launchApp(deps, { user: USER, app: APP, mode: 'wait', ...input });
  const attempts = () => partner.posts.map((post) => post.form.attempt);
  const logLines = () => logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { store, partner, time, logger, deps, launch, attempts, logLines };
}

describe('launchApp: destinations and endings', () => {
  it('sends the browser to a safe redirect_url at once', async () => {
    const t = setup([redirect()]);
    expect(await t.launch()).toEqual({
      kind: 'partner',
      location: SSO,
      attempt: 1,
      label: 'Billing & Support',
      url: FALLBACK_URL,
    });
    expect(t.partner.posts).toHaveLength(1);
    expect(t.partner.posts[0]?.url).toBe(AUTOLOGIN_URL);
    expect(t.time.waits).toEqual([]);
  });

  it('goes straight to url when there is no autologin_token_url', async () => {
    const t = setup([redirect()], { omit: ['autologin_token_url'] });
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'no-autologin-url',
    });
    expect(t.partner.posts).toHaveLength(0);
    expect(t.store.tokenReads).toBe(0);
  });

  it('answers no-link for a link that does not exist', async () => {
    const t = setup([redirect()]);
    expect(await t.launch({ app: 'missing' })).toEqual({
      kind: 'error',
      reason: 'no-link',
      label: 'missing',
      url: null,
    });
    expect(t.partner.posts).toHaveLength(0);
  });

  it('answers no-link for an app name the store refuses as a path component', async () => {
    const t = setup([redirect()]);
    t.deps.store.getLink = async () => {
      throw new StoreNameError('bad name');
    };
    expect(await t.launch({ app: '../x' })).toMatchObject({ kind: 'error', reason: 'no-link' });
  });

  it('ends with a readable error carrying the label when there is no url to fall back to', async () => {
    const t = setup([answer(500, 'oops')], { omit: ['url'] });
    expect(await t.launch()).toEqual({
      kind: 'error',
      reason: 'partner-failed',
      detail: 'http-500',
      label: 'Billing & Support',
      url: null,
    });
  });

  it('falls back to the stored url when the partner answers with a url key', async () => {
    const t = setup([answer(200, { url: 'http://evil.example/' })]);
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'partner-failed',
      detail: 'no-usable-key',
    });
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/x',
    'https://partner.example/a\r\nSet-Cookie: a=b',
    'https://partner.example/a\tb',
    'https://user:pass@partner.example/',
  ])('treats redirect_url %j as a failed answer', async (url) => {
    const t = setup([redirect(url), redirect()]);
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      detail: 'unsafe-redirect-url',
    });
    expect(t.partner.posts).toHaveLength(1);
  });

  it('never posts the token to a stored autologin_token_url that is not http(s)', async () => {
    const t = setup([redirect()], { config: { autologin_token_url: 'file:///etc/passwd' } });
    expect(await t.launch()).toMatchObject({ kind: 'fallback', detail: 'invalid-autologin-url' });
    expect(t.partner.posts).toHaveLength(0);
  });

  it('does not fall back to a stored url that is unsafe (a file copied from elsewhere)', async () => {
    const t = setup([answer(500, '')], { config: { url: 'javascript:alert(1)' } });
    expect(await t.launch()).toMatchObject({ kind: 'error', reason: 'partner-failed' });
  });

  it.each([
    ['HTTP 500', answer(500, { redirect_url: SSO }), 'http-500'],
    ['HTTP 404', answer(404, ''), 'http-404'],
    ['HTTP 307', answer(307, ''), 'http-307'],
    ['invalid JSON', answer(200, '<html>hi</html>'), 'invalid-json'],
    ['a JSON array', answer(200, '[]'), 'not-an-object'],
    ['a timeout', transport('timeout'), 'timeout'],
    ['a too-large body', transport('too-large'), 'too-large'],
    ['another transport error', transport('other'), 'other'],
  ])('ends at once on %s (one POST)', async (_name, response, detail) => {
    const t = setup([response, redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'partner-failed', detail });
    expect(t.partner.posts).toHaveLength(1);
    expect(t.time.waits).toEqual([]);
  });
});

describe('launchApp: partner-requested waits', () => {
  it('waits what the partner asks, then tries again with the next attempt number', async () => {
    const t = setup([retry(2), retry('3'), redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', location: SSO, attempt: 3 });
    expect(t.time.waits).toEqual([2_000, 3_000]);
    expect(t.attempts()).toEqual(['1', '2', '3']);
  });

  it.each([
    [0, 0],
    [-5, 5_000],
    ['abc', 0],
    [0.5, 0],
    [59.9, 59_000],
  ])('retry %j waits %d ms', async (value, waitMs) => {
    const t = setup([retry(value), redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 2 });
    expect(t.time.waits).toEqual([waitMs]);
  });

  it('caps retry 1e9 at 60 s, after which the budget allows no further wait', async () => {
    const t = setup([retry(1e9), retry(1e9), redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'wait-budget' });
    expect(t.time.waits).toEqual([60_000]);
    expect(t.partner.posts).toHaveLength(2);
  });

  it('lets redirect_url win over retry', async () => {
    const t = setup([answer(200, { retry: 5, redirect_url: SSO })]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 1 });
    expect(t.time.waits).toEqual([]);
  });

  it('makes exactly three attempts and never waits after the last', async () => {
    const t = setup([retry(1)]);
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'retries-exhausted' });
    expect(t.attempts()).toEqual(['1', '2', '3']);
    expect(t.time.waits).toEqual([1_000, 1_000]);
  });

  it('ends the loop when a wait would exceed what remains of the 60 s budget', async () => {
    const t = setup([retry(40), retry(40), redirect()]);
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'wait-budget',
    });
    expect(t.time.waits).toEqual([40_000]);
    expect(t.partner.posts).toHaveLength(2);
  });

  it('allows waits that add up to exactly 60 s', async () => {
    const t = setup([retry(30), retry(30), redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 3 });
    expect(t.time.waits).toEqual([30_000, 30_000]);
  });

  it('honours the budget a continued click brings and its start attempt', async () => {
    const t = setup([retry(20), redirect()]);
    expect(await t.launch({ startAttempt: 2, waitBudgetMs: 10_000 })).toMatchObject({
      kind: 'fallback',
      reason: 'wait-budget',
    });
    expect(t.attempts()).toEqual(['2']);
  });

  it('does not wait after attempt 3 when a continued click starts there', async () => {
    const t = setup([retry(1)]);
    expect(await t.launch({ startAttempt: 3 })).toMatchObject({ reason: 'retries-exhausted' });
    expect(t.attempts()).toEqual(['3']);
    expect(t.time.waits).toEqual([]);
  });

  it('never trusts a budget larger than 60 s', async () => {
    const t = setup([retry(60), retry(60), redirect()]);
    await t.launch({ waitBudgetMs: 10 * WAIT_BUDGET_MS });
    expect(t.time.waits).toEqual([60_000]);
  });
});

describe('launchApp: fresh tokens', () => {
  it('re-reads the token before every attempt', async () => {
    const t = setup([retry(1), redirect()]);
    // The partner pushes a new token (update_integration_link_token) while the user waits.
    t.deps.sleep = async () => t.store.setToken(USER, APP, 'fresh-token');
    await t.launch();
    expect(t.partner.posts.map((post) => post.form.token)).toEqual([TOKEN, 'fresh-token']);
  });

  it('stops when the link disappears between attempts', async () => {
    const t = setup([retry(1), redirect()]);
    t.deps.sleep = async () => t.store.remove(USER, APP);
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'link-removed',
    });
    expect(t.partner.posts).toHaveLength(1);
  });

  it('fails toward the fallback when the store fails mid-launch, and logs an error', async () => {
    const t = setup([redirect()]);
    t.deps.store.getLinkToken = async () => {
      throw new Error('disk on fire');
    };
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'store-failed' });
    const [line] = t.logLines();
    expect(line).toMatchObject({ level: 'error', msg: 'autologin', storeError: 'Error' });
  });

  it('with getLinkForLaunch: each attempt reads the link and its token together, once', async () => {
    const t = setup([retry(1), redirect()]);
    let launchReads = 0;
    t.deps.store.getLinkForLaunch = async (user, app) => {
      launchReads += 1;
      const link = await t.store.getLink(user, app);
      return link && { link, token: launchReads === 1 ? 'read-with-the-link' : 'read-again' };
    };
    await t.launch();
    expect(launchReads).toBe(2);
    expect(t.partner.posts.map((post) => post.form.token)).toEqual([
      'read-with-the-link',
      'read-again',
    ]);
    // No attempt read the token on its own.
    expect(t.store.tokenReads).toBe(0);
  });

  /** Replaces the link (create_integration_link) while the user waits for attempt 2. */
  const replaceWhileWaiting = (
    t: ReturnType<typeof setup>,
    config: LinkUserConfig,
    token: string,
  ) => {
    t.deps.sleep = async () => t.store.put(USER, APP, config, token);
  };

  it('never posts a token to a partner the link no longer names', async () => {
    const t = setup([retry(1), redirect()]);
    replaceWhileWaiting(
      t,
      { autologin_token_url: 'https://other-partner.example/autologin', url: FALLBACK_URL },
      'TOKEN-FOR-THE-OTHER-PARTNER',
    );
    expect(await t.launch()).toMatchObject({
      kind: 'fallback',
      location: FALLBACK_URL,
      reason: 'link-removed',
      detail: 'link-changed',
    });
    expect(t.partner.posts).toHaveLength(1);
    expect(JSON.stringify(t.partner.posts)).not.toContain('TOKEN-FOR-THE-OTHER-PARTNER');
  });

  it('posts the fields of the link version whose token it sends', async () => {
    const t = setup([retry(1), redirect()]);
    replaceWhileWaiting(
      t,
      { autologin_token_url: AUTOLOGIN_URL, url: FALLBACK_URL, subscriber_unique_id: 'sub-77' },
      'token-for-sub-77',
    );
    await t.launch();
    expect(
      t.partner.posts.map((post) => [post.form.subscriber_unique_id, post.form.token]),
    ).toEqual([
      ['sub-42', TOKEN],
      ['sub-77', 'token-for-sub-77'],
    ]);
  });

  it('with getLinkForLaunch failing: reads again file by file, ending as before', async () => {
    const t = setup([redirect()]);
    t.deps.store.getLinkForLaunch = async () => {
      throw new Error('disk on fire');
    };
    t.deps.store.getLinkToken = async () => {
      throw new Error('disk on fire');
    };
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'store-failed' });
  });

  it('answers store-failed when the link cannot be read at all', async () => {
    const t = setup([redirect()]);
    t.deps.store.getLink = async () => {
      throw new Error('disk on fire');
    };
    expect(await t.launch()).toMatchObject({ kind: 'error', reason: 'store-failed' });
  });
});

describe('launchApp: transient failures', () => {
  it('retries 503 twice inside the attempt budget and succeeds on attempt 3', async () => {
    const t = setup([answer(503, ''), answer(503, ''), redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 3 });
    expect(t.attempts()).toEqual(['1', '2', '3']);
    expect(t.time.waits).toEqual([]);
  });

  it.each([
    ['HTTP 502', answer(502, '')],
    ['HTTP 504', answer(504, '')],
    ['refused', transport('refused')],
    ['reset', transport('reset')],
  ])('gives up after three attempts of %s', async (_name, response) => {
    const t = setup([response]);
    expect(await t.launch()).toMatchObject({ kind: 'fallback', reason: 'retries-exhausted' });
    expect(t.partner.posts).toHaveLength(3);
  });

  it('mixes a transient retry and a partner wait within three attempts', async () => {
    const t = setup([transport('reset'), retry(5), redirect()]);
    expect(await t.launch()).toMatchObject({ kind: 'partner', attempt: 3 });
    expect(t.time.waits).toEqual([5_000]);
    expect(t.attempts()).toEqual(['1', '2', '3']);
  });

  it('has no transient retry left after a partner wait used attempt 2', async () => {
    const t = setup([retry(1), retry(1), answer(503, '')]);
    expect(await t.launch()).toMatchObject({ reason: 'retries-exhausted', detail: 'http-503' });
    expect(t.partner.posts).toHaveLength(3);
  });
});

describe('launchApp: the POST', () => {
  it('sends exactly the listed fields, never the image', async () => {
    const t = setup([redirect()], {
      config: {
        group_id: 'billing_group',
        order: '-3',
        hide: '0',
        base64_png_image: 'iVBORw0KGgo=',
      },
    });
    await t.launch();
    expect(t.partner.posts[0]?.form).toEqual({
      app: APP,
      user: USER,
      token: TOKEN,
      subscriber_unique_id: 'sub-42',
      attempt: '1',
      url: FALLBACK_URL,
      label: 'Billing & Support',
      implements: 'billing',
      group_id: 'billing_group',
      order: '-3',
      hide: '0',
    });
  });

  it('leaves out public fields that were not given', async () => {
    const t = setup([redirect()], { omit: ['url', 'label', 'implements'] });
    await t.launch();
    expect(Object.keys(t.partner.posts[0]?.form ?? {})).toEqual([
      'app',
      'user',
      'token',
      'subscriber_unique_id',
      'attempt',
    ]);
  });
});

describe('launchApp: the browser going away', () => {
  it('ends as aborted when the wait is aborted', async () => {
    const t = setup([retry(5), redirect()]);
    const controller = new AbortController();
    t.deps.sleep = async (_ms, signal) => {
      controller.abort();
      signal?.throwIfAborted();
    };
    expect(await t.launch({ signal: controller.signal })).toMatchObject({
      kind: 'fallback',
      reason: 'aborted',
    });
    expect(t.partner.posts).toHaveLength(1);
  });
});

describe('launchApp: yield mode', () => {
  it('returns a wait instead of sleeping, and continues from it', async () => {
    const t = setup([retry(5, { attempt: 1 }), redirect()]);
    const first = await t.launch({ mode: 'yield' });
    expect(first).toEqual({
      kind: 'wait',
      nextAttempt: 2,
      waitMs: 5_000,
      remainingBudgetMs: 55_000,
      partnerAttempt: '1',
      label: 'Billing & Support',
      url: FALLBACK_URL,
    });
    expect(t.time.waits).toEqual([]);
    if (first.kind !== 'wait') throw new Error('expected a wait');
    const second = await t.launch({
      mode: 'yield',
      startAttempt: first.nextAttempt,
      waitBudgetMs: first.remainingBudgetMs,
    });
    expect(second).toMatchObject({ kind: 'partner', attempt: 2 });
    expect(t.attempts()).toEqual(['1', '2']);
  });

  it('continues at once when the partner asks for a zero wait', async () => {
    const t = setup([retry(0), redirect()]);
    expect(await t.launch({ mode: 'yield' })).toMatchObject({ kind: 'partner', attempt: 2 });
  });

  it('does not yield a wait the budget cannot pay for', async () => {
    const t = setup([retry(30)]);
    expect(await t.launch({ mode: 'yield', startAttempt: 2, waitBudgetMs: 20_000 })).toMatchObject({
      kind: 'fallback',
      reason: 'wait-budget',
    });
  });

  it('does not yield a wait after the last attempt', async () => {
    const t = setup([retry(5)]);
    expect(await t.launch({ mode: 'yield', startAttempt: 3 })).toMatchObject({
      kind: 'fallback',
      reason: 'retries-exhausted',
    });
  });
});

describe('launchApp: the log line', () => {
  it('writes one line per launch with the outcome, attempts, status and latency', async () => {
    const t = setup([retry(2, { attempt: 7 }), redirect()]);
    await t.launch();
    const lines = t.logLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'autologin',
      user: USER,
      app: APP,
      outcome: 'partner',
      attempts: 2,
      lastAttempt: 2,
      partnerStatus: 200,
      partnerAttempt: '7',
      latencyMs: 10,
      waitedMs: 2_000,
      durationMs: 2_000,
      partner: 'https://partner.example',
      locationOrigin: 'https://sso.partner.example',
    });
  });

  it('never logs the token, the POST body or the redirect path and query', async () => {
    const logger = createMemoryLogger();
    const scenarios: PartnerResponse[][] = [
      [redirect(`https://sso.partner.example/sso/${TOKEN}?token=${TOKEN}`)],
      [answer(500, `error for token=${TOKEN}`)],
      [answer(200, { redirect_url: `javascript:alert("${TOKEN}")` })],
      [retry(1, { attempt: TOKEN.slice(0, 8) }), answer(200, `not json ${TOKEN}`)],
      [transport('refused')],
    ];
    for (const script of scenarios) {
      const t = setup(script);
      t.deps.logger = logger;
      await t.launch();
      await t.launch({ mode: 'yield' });
    }
    expect(logger.lines).toHaveLength(scenarios.length * 2);
    for (const line of logger.lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain('/sso/');
      expect(line).not.toContain('subscriber_unique_id');
    }
  });
});
