// Starting and stopping the mock partner: port 0, close() with requests in flight, the app on
// its own (app.request), the index page.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createMockPartnerApp } from '../../mock-partner/app.ts';
import { SCENARIOS, startMockPartner } from '../../mock-partner/index.ts';
import { LINK_FIELDS, postFields } from './helpers.ts';

describe('startMockPartner', () => {
  it('listens on a free port and reports its origin', async () => {
    const partner = await startMockPartner({ port: 0 });
    try {
      expect(partner.url).toBe(`http://127.0.0.1:${partner.port}`);
      expect(partner.port).toBeGreaterThan(0);
      expect(partner.autologinUrl({ scenario: 'retry', times: 2 })).toBe(
        `${partner.url}/autologin?scenario=retry&times=2`,
      );
      const res = await request(`${partner.url}/`);
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    } finally {
      await partner.close();
    }
  });

  it.each([
    ['hang', {}],
    ['slow', { ms: 60_000 }],
    ['trickle', { ms: 60_000 }],
    ['huge', { mb: 4096 }],
  ])('closes at once with a %s request in flight', async (scenario, params) => {
    const partner = await startMockPartner();
    const inFlight = postFields(partner.autologinUrl({ scenario, ...params }), LINK_FIELDS).then(
      async (res) => {
        for await (const _chunk of res.body) {
          // keep reading until the server goes away
        }
      },
    );
    const settled = inFlight.then(
      () => 'completed',
      () => 'failed',
    );
    while (partner.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await partner.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await settled).toBe('failed');
    expect(partner.state.openStreams()).toBe(0);
  });

  it('can be closed twice and then refuses connections', async () => {
    const partner = await startMockPartner();
    await Promise.all([partner.close(), partner.close()]);
    await partner.close();
    await expect(request(`${partner.url}/`)).rejects.toThrow();
  });

  it('rejects when the port is taken', async () => {
    const first = await startMockPartner();
    try {
      await expect(startMockPartner({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe('createMockPartnerApp without a socket', () => {
  it('serves autologin through app.request', async () => {
    const { app, state } = createMockPartnerApp();
    const res = await app.request('http://partner.test/autologin', {
      method: 'POST',
      body: new URLSearchParams(LINK_FIELDS),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { redirect_url: string };
    expect(body.redirect_url).toMatch(/^http:\/\/partner\.test\/sso\/[\w-]{43}$/);
    expect(state.requests).toHaveLength(1);
  });

  it('answers unknown paths with JSON 404', async () => {
    const { app } = createMockPartnerApp();
    const res = await app.request('/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });

  it('describes every scenario on the index page', async () => {
    const { app } = createMockPartnerApp();
    const res = await app.request('http://partner.test/');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('http://partner.test/autologin?scenario=retry&amp;times=2&amp;retry=1');
    for (const scenario of SCENARIOS) expect(html).toContain(`<code>${scenario.name}</code>`);
  });
});
