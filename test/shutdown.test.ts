// Stopping the server: requests in progress finish (a click still at its partner gets its
// answer, and no partner failure is logged for our own stop), up to the drain time; without a
// drain they are cut at once.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../mock-partner/index.ts';
import { json, startTestServer, type TestServer } from './helpers/server.ts';

let partner: RunningMockPartner;
beforeAll(async () => {
  partner = await startMockPartner({ port: 0 });
});
afterAll(() => partner.close());

/** A server with an account whose link's partner takes `ms` to answer. */
async function serverWithSlowLink(ms: number): Promise<TestServer> {
  const server = await startTestServer();
  await server.whm('createacct', { username: 'alice', domain: 'alice.example.com' });
  const created = await server.whm('create_integration_link', {
    user: 'alice',
    app: 'slow',
    implements: 'billing',
    label: 'Slow',
    subscriber_unique_id: '1',
    token: 'slow-token',
    autologin_token_url: partner.autologinUrl({ scenario: 'slow', ms }),
  });
  expect((await json(created)).metadata.result).toBe(1);
  return server;
}

/** fetch_url through the WHM bridge: the broker's round trip, as root. */
const fetchUrl = (server: TestServer) =>
  fetch(
    `${server.url}/json-api/cpanel?${new URLSearchParams({
      cpanel_jsonapi_user: 'alice',
      cpanel_jsonapi_module: 'Integration',
      cpanel_jsonapi_func: 'fetch_url',
      cpanel_jsonapi_apiversion: '3',
      app: 'slow',
    })}`,
    { headers: server.auth },
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stopping the server', () => {
  it('lets a click at its partner finish within the drain time', async () => {
    const server = await serverWithSlowLink(800);
    const click = fetchUrl(server);
    await sleep(200);
    const started = Date.now();
    const closed = server.close(5_000);
    const answer = await json(await click);
    expect(answer.result.data.redirect_url).toMatch(new RegExp(`^${partner.url}/sso/`));
    await closed;
    // Done once the click was answered, not after a keep-alive timeout or the drain time.
    expect(Date.now() - started).toBeLessThan(2_000);
    const outcomes = server.logs
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'autologin')
      .map((line) => line.outcome);
    expect(outcomes).toEqual(['partner']);
    // No new request is taken meanwhile.
    await expect(fetchUrl(server)).rejects.toThrow();
  });

  it('does not wait for a connection that never sent a request', async () => {
    const server = await startTestServer();
    const { port } = new URL(server.url);
    const idle = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    const started = Date.now();
    await server.close(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    idle.destroy();
  });

  it('cuts what is still running when the drain time is over', async () => {
    const server = await serverWithSlowLink(5_000);
    const click = fetchUrl(server).then(
      () => 'answered',
      () => 'cut',
    );
    await sleep(200);
    const started = Date.now();
    await server.close(300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await click).toBe('cut');
  });
});
