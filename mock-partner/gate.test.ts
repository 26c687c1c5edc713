// The `gate` scenario: requests are held until the gate opens, then answered normally; a client
// that goes away is no longer counted.
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from './index.ts';

const form = new URLSearchParams({
  user: 'alice',
  app: 'billing',
  subscriber_unique_id: '1001',
  token: 'tok',
}).toString();
const post = (partner: RunningMockPartner, signal?: AbortSignal) =>
  fetch(partner.autologinUrl({ scenario: 'gate' }), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    ...(signal ? { signal } : {}),
  });

let partner: RunningMockPartner;
afterEach(() => partner.close());

describe('gate scenario', () => {
  it('holds requests until the gate opens, then signs them in', async () => {
    partner = await startMockPartner({ port: 0 });
    const answers = [post(partner), post(partner), post(partner)];
    await expect.poll(() => partner.state.gateWaiting()).toBe(3);
    const opened = await fetch(`${partner.url}/_gate`, { method: 'POST' });
    expect(await opened.json()).toEqual({ released: 3 });
    for (const res of await Promise.all(answers)) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { redirect_url?: string }).redirect_url).toMatch(
        new RegExp(`^${partner.url}/sso/`),
      );
    }
    expect(partner.state.gateWaiting()).toBe(0);
  });

  it('forgets a request whose client went away', async () => {
    partner = await startMockPartner({ port: 0 });
    const controller = new AbortController();
    const gone = post(partner, controller.signal).catch(() => 'aborted');
    await expect.poll(() => partner.state.gateWaiting()).toBe(1);
    controller.abort();
    expect(await gone).toBe('aborted');
    await expect.poll(() => partner.state.gateWaiting()).toBe(0);
    expect(partner.state.openGate()).toBe(0);
  });
});
