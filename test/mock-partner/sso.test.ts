// GET /sso/:code: the landing page, single use, expiry on an injected clock.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../../mock-partner/index.ts';
import { LINK_FIELDS, postFields } from './helpers.ts';

const GONE_TEXT = 'This sign-in link has already been used or has expired';

describe('mock partner sign-in landing page', () => {
  let partner: RunningMockPartner;
  afterEach(() => partner.close());

  async function signInUrl(fields: Record<string, string> = LINK_FIELDS): Promise<string> {
    const res = await postFields(partner.autologinUrl(), fields);
    expect(res.statusCode).toBe(200);
    return ((await res.body.json()) as { redirect_url: string }).redirect_url;
  }

  it('signs in once, naming subscriber, user and link, never the token', async () => {
    partner = await startMockPartner();
    const url = await signInUrl();
    const first = await request(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    expect(first.headers['cache-control']).toBe('no-store');
    const html = await first.body.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Signed in to Mock Billing as subscriber 1001 (user bob)');
    expect(html).toContain('Billing');
    expect(html).toContain('billing');
    expect(html).not.toContain('tok-1001');

    const second = await request(url);
    expect(second.statusCode).toBe(410);
    expect(await second.body.text()).toContain(GONE_TEXT);
  });

  it('escapes what the broker sent', async () => {
    partner = await startMockPartner();
    const url = await signInUrl({
      ...LINK_FIELDS,
      user: '<b>bob</b>',
      label: '<script>x</script>',
    });
    const html = await (await request(url)).body.text();
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('(user &lt;b&gt;bob&lt;/b&gt;)');
  });

  it('does not use a code up on HEAD', async () => {
    partner = await startMockPartner();
    const url = await signInUrl();
    const head = await request(url, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    await head.body.dump();
    expect((await request(url)).statusCode).toBe(200);
    const afterUse = await request(url, { method: 'HEAD' });
    expect(afterUse.statusCode).toBe(410);
    await afterUse.body.dump();
  });

  it('answers 410 for a code it never issued', async () => {
    partner = await startMockPartner();
    const res = await request(`${partner.url}/sso/${'A'.repeat(43)}`);
    expect(res.statusCode).toBe(410);
    expect(await res.body.text()).toContain(GONE_TEXT);
  });

  it('expires codes after 120 s by default (injected clock)', async () => {
    let now = 1_000_000;
    partner = await startMockPartner({ now: () => now });
    const early = await signInUrl();
    const late = await signInUrl();
    now += 119_999;
    expect((await request(early)).statusCode).toBe(200);
    now += 1;
    const expired = await request(late);
    expect(expired.statusCode).toBe(410);
    expect(await expired.body.text()).toContain(GONE_TEXT);
  });

  it('honours codeTtlMs', async () => {
    let now = 0;
    partner = await startMockPartner({ now: () => now, codeTtlMs: 5_000 });
    const url = await signInUrl();
    now = 5_000;
    expect((await request(url)).statusCode).toBe(410);
  });
});
