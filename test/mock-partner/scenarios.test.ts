// Each fault scenario's observable behaviour, over real sockets.
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../../mock-partner/index.ts';
import { eventually, LINK_FIELDS, postFields } from './helpers.ts';

type Query = Record<string, string | number>;

describe('mock partner fault scenarios', () => {
  let partner: RunningMockPartner;
  beforeEach(async () => {
    partner = await startMockPartner();
  });
  afterEach(() => partner.close());

  const post = (query: Query, fields: Record<string, string> = LINK_FIELDS, signal?: AbortSignal) =>
    postFields(partner.autologinUrl(query), fields, signal ? { signal } : {});
  const postJson = async (query: Query, fields: Record<string, string> = LINK_FIELDS) => {
    const res = await post(query, fields);
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  describe('retry', () => {
    it('asks to retry while the posted attempt ≤ times, then signs in', async () => {
      const query = { scenario: 'retry', times: 2, retry: 3 };
      for (const attempt of ['1', '2']) {
        const answer = await postJson(query, { ...LINK_FIELDS, attempt });
        expect(answer).toEqual({ status: 200, body: { retry: 3, attempt: Number(attempt) } });
      }
      const last = await postJson(query, { ...LINK_FIELDS, attempt: '3' });
      expect(last.body.redirect_url).toMatch(/\/sso\/[\w-]{43}$/);
    });

    it('counts per (user, app) when no attempt is posted', async () => {
      const { attempt: _attempt, ...fields } = LINK_FIELDS;
      const query = { scenario: 'retry', times: 1 };
      expect((await postJson(query, fields)).body).toEqual({ retry: 1, attempt: 1 });
      expect((await postJson(query, { ...fields, user: 'carol' })).body).toEqual({
        retry: 1,
        attempt: 1,
      });
      expect((await postJson(query, fields)).body.redirect_url).toBeTypeOf('string');
    });

    it('checks the token only once it stops asking to retry', async () => {
      const fields = { ...LINK_FIELDS, token: 'wrong-token' };
      const query = { scenario: 'retry', times: 1 };
      expect((await postJson(query, fields)).body).toEqual({ retry: 1, attempt: 1 });
      expect(await postJson(query, { ...fields, attempt: '2' })).toEqual({
        status: 401,
        body: { error: 'invalid token' },
      });
    });

    it('echoes a non-numeric retry value as given', async () => {
      const answer = await postJson({ scenario: 'retry', times: 5, retry: 'soon' });
      expect(answer.body).toEqual({ retry: 'soon', attempt: 1 });
    });

    it('always-retry never signs in', async () => {
      for (const attempt of ['1', '2', '3', '4']) {
        const answer = await postJson(
          { scenario: 'always-retry', retry: 2 },
          { ...LINK_FIELDS, attempt },
        );
        expect(answer.body).toEqual({ retry: 2, attempt: Number(attempt) });
      }
    });
  });

  it('slow answers normally after the delay', async () => {
    const started = Date.now();
    const answer = await postJson({ scenario: 'slow', ms: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.body.redirect_url).toBeTypeOf('string');
  });

  it('hang never answers: the client times out, the request was recorded', async () => {
    const started = Date.now();
    await expect(
      post({ scenario: 'hang' }, LINK_FIELDS, AbortSignal.timeout(300)),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(partner.requests[0]?.body.token).toBe('tok-1001');
  });

  describe('status', () => {
    it.each([500, 502, 503, 504, 404, 200])(
      'answers HTTP %i with a small JSON body',
      async (code) => {
        expect(await postJson({ scenario: 'status', code })).toEqual({
          status: code,
          body: { error: `scenario status ${code}`, status: code },
        });
      },
    );

    it('defaults to 503 and sends no body for 204', async () => {
      expect((await postJson({ scenario: 'status' })).status).toBe(503);
      const res = await post({ scenario: 'status', code: 204 });
      expect(res.statusCode).toBe(204);
      expect(await res.body.text()).toBe('');
    });

    it('refuses codes outside 200–599', async () => {
      expect((await postJson({ scenario: 'status', code: 700 })).status).toBe(400);
    });
  });

  it('garbage answers 200 "JSON" that does not parse', async () => {
    const res = await post({ scenario: 'garbage' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const text = await res.body.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('empty answers 200 with no body', async () => {
    const res = await post({ scenario: 'empty' });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('');
  });

  describe('huge', () => {
    it('streams exactly N MiB of valid JSON with redirect_url last', async () => {
      const res = await post({ scenario: 'huge', mb: 1 });
      expect(res.statusCode).toBe(200);
      const text = await res.body.text();
      expect(Buffer.byteLength(text)).toBe(1024 * 1024);
      const parsed = JSON.parse(text) as Record<string, string>;
      expect(Object.keys(parsed)).toEqual(['padding', 'redirect_url']);
      expect(parsed.redirect_url).toBe(`${partner.url}/sso/oversized-response`);
    });

    it('stops producing when the client goes away after a few MB', async () => {
      const res = await post({ scenario: 'huge', mb: 2048 });
      let received = 0;
      for await (const chunk of res.body) {
        received += (chunk as Buffer).length;
        if (received > 3 * 1024 * 1024) break; // leaving the loop destroys the body
      }
      expect(received).toBeGreaterThan(3 * 1024 * 1024);
      await eventually(() => partner.state.openStreams() === 0);
    });

    it('defaults to 20 MiB', async () => {
      const res = await post({ scenario: 'huge' });
      let received = 0;
      for await (const chunk of res.body) received += (chunk as Buffer).length;
      expect(received).toBe(20 * 1024 * 1024);
    });
  });

  it('reset drops the connection without an answer', async () => {
    const error = await post({ scenario: 'reset' }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException },
    );
    expect(error).toBeDefined();
    expect([error?.code, error?.cause?.code]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/)]),
    );
    expect(partner.requests).toHaveLength(1);
  });

  describe('redirect3xx', () => {
    it('answers 307 to its own /autologin by default', async () => {
      const res = await post({ scenario: 'redirect3xx' });
      expect(res.statusCode).toBe(307);
      expect(res.headers.location).toBe(`${partner.url}/autologin`);
      await res.body.dump();
    });

    it('takes the target and the status from the query', async () => {
      const res = await post({
        scenario: 'redirect3xx',
        to: 'http://evil.example/steal',
        code: 302,
      });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('http://evil.example/steal');
      await res.body.dump();
    });
  });

  describe('unsafe-redirect', () => {
    it('answers a javascript: redirect_url', async () => {
      expect((await postJson({ scenario: 'unsafe-redirect' })).body).toEqual({
        redirect_url: 'javascript:alert(document.cookie)',
      });
    });

    it.each([
      ['data', /^data:/],
      ['relative', /^\/sso\//],
      ['protocol-relative', /^\/\/evil\.example/],
      ['crlf', /\r\n/],
      ['ftp', /^ftp:/],
    ])('answers a %s redirect_url with kind=%s', async (kind, pattern) => {
      const { body } = await postJson({ scenario: 'unsafe-redirect', kind });
      expect(body.redirect_url).toMatch(pattern);
    });
  });

  it('wrong-key answers a url the broker must ignore', async () => {
    expect(await postJson({ scenario: 'wrong-key' })).toEqual({
      status: 200,
      body: { url: 'http://evil.example/' },
    });
  });

  describe('trickle', () => {
    it('sends headers at once, then a byte per interval, then the answer', async () => {
      const started = Date.now();
      const res = await post({ scenario: 'trickle', ms: 60, bytes: 4 });
      expect(res.statusCode).toBe(200);
      const headersAfter = Date.now() - started;
      const arrivals: number[] = [];
      let text = '';
      for await (const chunk of res.body) {
        arrivals.push(Date.now() - started);
        text += String(chunk);
      }
      expect(headersAfter).toBeLessThan(200);
      expect(arrivals.at(-1)).toBeGreaterThanOrEqual(4 * 60 - 10);
      expect(arrivals.length).toBeGreaterThanOrEqual(3);
      expect(text.startsWith('    {')).toBe(true);
      expect((JSON.parse(text) as { redirect_url: string }).redirect_url).toMatch(/\/sso\//);
    });

    it('trickles a refusal with its status: a wrong token is a 401 here too', async () => {
      const res = await post(
        { scenario: 'trickle', ms: 1, bytes: 2 },
        { ...LINK_FIELDS, token: 'wrong-x' },
      );
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(await res.body.text())).toEqual({ error: 'invalid token' });
    });

    it('stops when the client goes away', async () => {
      const res = await post({ scenario: 'trickle', ms: 20 });
      let chunks = 0;
      for await (const _chunk of res.body) {
        chunks += 1;
        if (chunks === 3) break;
      }
      await eventually(() => partner.state.openStreams() === 0);
    });
  });

  it('records every scenario request with its token before acting', async () => {
    const res = await post({ scenario: 'garbage' });
    await res.body.dump();
    const reset = await post({ scenario: 'reset' }).catch(() => undefined);
    expect(reset).toBeUndefined();
    expect(partner.requests.map((r) => [r.query.scenario, r.body.token])).toEqual([
      ['garbage', 'tok-1001'],
      ['reset', 'tok-1001'],
    ]);
    const fetched = await request(`${partner.url}/_requests`);
    expect(await fetched.body.text()).not.toContain('tok-1001');
  });
});
