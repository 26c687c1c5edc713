// POST /autologin without a scenario: token checks, form and JSON bodies, and the request log.
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../../mock-partner/index.ts';
import { LINK_FIELDS, postFields } from './helpers.ts';

const SSO_URL = /^http:\/\/127\.0\.0\.1:\d+\/sso\/[A-Za-z0-9_-]{43}$/;

describe('mock partner autologin (permissive default)', () => {
  let partner: RunningMockPartner;
  beforeEach(async () => {
    partner = await startMockPartner();
  });
  afterEach(() => partner.close());

  it('answers a form POST with a one-time sign-in URL on its own origin', async () => {
    const res = await postFields(partner.autologinUrl(), LINK_FIELDS);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = (await res.body.json()) as { redirect_url: string };
    expect(body.redirect_url).toMatch(SSO_URL);
    expect(body.redirect_url.startsWith(`${partner.url}/sso/`)).toBe(true);
  });

  it('accepts a JSON body (non-string values read as strings)', async () => {
    const res = await postFields(
      partner.autologinUrl(),
      { ...LINK_FIELDS, attempt: 2, hide: 0 },
      { json: true },
    );
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { redirect_url: string }).redirect_url).toMatch(SSO_URL);
    expect(partner.requests[0]?.body).toMatchObject({ attempt: '2', hide: '0', token: 'tok-1001' });
  });

  it('issues a different code every time', async () => {
    const urls = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const res = await postFields(partner.autologinUrl(), LINK_FIELDS);
      urls.add(((await res.body.json()) as { redirect_url: string }).redirect_url);
    }
    expect(urls.size).toBe(5);
  });

  it('builds the redirect URL from the Host the request came to', async () => {
    const res = await postFields(partner.autologinUrl(), LINK_FIELDS, {
      headers: { host: 'billing.partner.test:8443' },
    });
    const body = (await res.body.json()) as { redirect_url: string };
    expect(body.redirect_url).toMatch(/^http:\/\/billing\.partner\.test:8443\/sso\/[\w-]{43}$/);
  });

  it.each([
    ['the literal wrong-token', { token: 'wrong-token' }],
    ['any token beginning with wrong- (check-partner’s wrong token)', { token: 'wrong-x1Y2z3' }],
    ['an empty token', { token: '' }],
  ])('refuses %s with HTTP 401 JSON', async (_name, change) => {
    const res = await postFields(partner.autologinUrl(), { ...LINK_FIELDS, ...change });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toEqual({ error: 'invalid token' });
  });

  it('refuses a missing token with 401 and a missing user with 400', async () => {
    const { token: _token, ...withoutToken } = LINK_FIELDS;
    const noToken = await postFields(partner.autologinUrl(), withoutToken);
    expect(noToken.statusCode).toBe(401);
    await noToken.body.dump();
    const { user: _user, ...withoutUser } = LINK_FIELDS;
    const noUser = await postFields(partner.autologinUrl(), withoutUser);
    expect(noUser.statusCode).toBe(400);
    expect(await noUser.body.json()).toEqual({ error: 'missing field: user' });
  });

  it('answers invalid JSON with 400 but still records the request', async () => {
    const res = await request(partner.autologinUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"token": ',
    });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toEqual({ error: 'The request body is not valid JSON.' });
    expect(partner.requests).toHaveLength(1);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const res = await postFields(partner.autologinUrl(), {
      ...LINK_FIELDS,
      label: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(res.statusCode).toBe(413);
    await res.body.dump();
  });

  it('answers other methods with 405 and Allow: POST', async () => {
    const res = await request(partner.autologinUrl());
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    await res.body.dump();
  });

  it('names an unknown scenario or a bad parameter in a 400', async () => {
    const unknown = await postFields(partner.autologinUrl({ scenario: 'explode' }), LINK_FIELDS);
    expect(unknown.statusCode).toBe(400);
    expect(((await unknown.body.json()) as { error: string }).error).toContain('“explode”');
    const bad = await postFields(partner.autologinUrl({ scenario: 'status', code: 'abc' }), {});
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as { error: string }).error).toBe(
      'The “code” parameter must be an integer from 200 to 599.',
    );
  });
});

describe('mock partner autologin with a subscriber map', () => {
  let partner: RunningMockPartner;
  beforeEach(async () => {
    partner = await startMockPartner({ subscribers: { '1001': 'secret-1001', '1002': 'other' } });
  });
  afterEach(() => partner.close());

  const post = (change: Record<string, string>) =>
    postFields(partner.autologinUrl(), { ...LINK_FIELDS, ...change });

  it('accepts only the token of that subscriber', async () => {
    const good = await post({ token: 'secret-1001' });
    expect(good.statusCode).toBe(200);
    await good.body.dump();
    const others = await post({ token: 'other' });
    expect(others.statusCode).toBe(401);
    expect(await others.body.json()).toEqual({ error: 'invalid token' });
    const permissive = await post({ token: 'anything' });
    expect(permissive.statusCode).toBe(401);
    await permissive.body.dump();
  });

  it('refuses an unknown subscriber', async () => {
    const res = await post({ subscriber_unique_id: '9999', token: 'secret-1001' });
    expect(res.statusCode).toBe(401);
    await res.body.dump();
  });

  it('takes a new token pushed while running (as a partner rotating tokens would)', async () => {
    partner.state.setSubscriberToken('1001', 'rotated');
    const old = await post({ token: 'secret-1001' });
    expect(old.statusCode).toBe(401);
    await old.body.dump();
    const fresh = await post({ token: 'rotated' });
    expect(fresh.statusCode).toBe(200);
    await fresh.body.dump();
  });

  it('becomes strict when a token is set on a permissive partner', async () => {
    const permissive = await startMockPartner();
    try {
      permissive.state.setSubscriberToken('1001', 'only-this');
      const res = await postFields(permissive.autologinUrl(), LINK_FIELDS);
      expect(res.statusCode).toBe(401);
      await res.body.dump();
    } finally {
      await permissive.close();
    }
  });
});

describe('mock partner request log', () => {
  let partner: RunningMockPartner;
  beforeEach(async () => {
    partner = await startMockPartner({ now: () => 1_700_000_000_000 });
  });
  afterEach(() => partner.close());

  it('keeps the raw request in process, before the scenario acts', async () => {
    const res = await postFields(
      partner.autologinUrl({ scenario: 'status', code: 503 }),
      LINK_FIELDS,
    );
    expect(res.statusCode).toBe(503);
    await res.body.dump();
    expect(partner.requests).toEqual([
      {
        method: 'POST',
        path: '/autologin',
        query: { scenario: 'status', code: '503' },
        headers: expect.objectContaining({
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        }),
        body: LINK_FIELDS,
        time: 1_700_000_000_000,
      },
    ]);
  });

  it('serves the log over HTTP with the token replaced by a hash prefix', async () => {
    await (await postFields(partner.autologinUrl(), LINK_FIELDS)).body.dump();
    const res = await request(`${partner.url}/_requests`);
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(text).not.toContain('tok-1001');
    const [entry, ...rest] = JSON.parse(text) as { body: Record<string, string> }[];
    expect(rest).toEqual([]); // GET /_requests itself is not recorded
    const sha = createHash('sha256').update('tok-1001').digest('hex').slice(0, 16);
    expect(entry?.body.token_sha256).toBe(sha);
    expect(entry?.body.token).toBeUndefined();
    expect(entry?.body.user).toBe('bob');
    expect(partner.requests[0]?.body.token).toBe('tok-1001'); // in process: untouched
  });

  it('never hands out a sign-in code: /_requests shows it shortened', async () => {
    const posted = await postFields(partner.autologinUrl(), LINK_FIELDS);
    const { redirect_url: url } = (await posted.body.json()) as { redirect_url: string };
    const code = url.split('/sso/')[1] as string;
    // A HEAD leaves the code unused (link checkers, previews)…
    expect((await request(url, { method: 'HEAD' })).statusCode).toBe(200);
    const text = await (await request(`${partner.url}/_requests`)).body.text();
    // …so the log must not show it whole.
    expect(text).not.toContain(code);
    expect(text).toContain(`/sso/${code.slice(0, 4)}…(${code.length})`);
    expect(partner.requests.at(-1)?.path).toBe(`/sso/${code}`); // in process: untouched
    // A path that missed the route (trailing or doubled slash) leaves the code live: shortened too.
    for (const path of [`/sso/${code}/`, `//sso/${code}`]) {
      await (await request(`${partner.url}${path}`)).body.dump();
    }
    const after = await (await request(`${partner.url}/_requests`)).body.text();
    expect(after).not.toContain(code);
  });

  it('clears the log with DELETE /_requests (the same array, emptied)', async () => {
    const requests = partner.requests;
    await (await postFields(partner.autologinUrl(), LINK_FIELDS)).body.dump();
    await (await request(`${partner.url}/`)).body.dump();
    expect(requests.map((r) => r.path)).toEqual(['/autologin', '/']);
    const res = await request(`${partner.url}/_requests`, { method: 'DELETE' });
    expect(res.statusCode).toBe(204);
    await res.body.dump();
    expect(requests).toHaveLength(0);
    expect(partner.requests).toBe(requests);
    expect(await (await request(`${partner.url}/_requests`)).body.json()).toEqual([]);
  });
});
