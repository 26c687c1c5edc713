// Throttling behind a reverse proxy: X-Forwarded-For is believed only from a configured trusted
// proxy, and then its nearest untrusted entry is the client (what a client writes in front of
// the proxy's own entry counts for nothing). Real sockets from several loopback addresses.
import type { Context } from 'hono';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress } from '../src/client-address.ts';
import { loadConfig } from '../src/config.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const PROXY = '127.0.0.5';
const OUTSIDER = '127.0.0.6';
let server: TestServer;
const agents: Agent[] = [];
const from = (localAddress: string) => {
  const agent = new Agent({ localAddress });
  agents.push(agent);
  return agent;
};

beforeAll(async () => {
  server = await startTestServer({
    LINKBROKER_AUTH_MAX_FAILURES: '2',
    LINKBROKER_TRUSTED_PROXIES: `10.9.9.9, ::ffff:${PROXY}`,
  });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.stop();
});

async function status(agent: Agent, authorization: string, forwardedFor?: string) {
  const res = await request(`${server.url}/json-api/listaccts?api.version=1`, {
    dispatcher: agent,
    headers: {
      authorization,
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
  });
  await res.body.dump();
  return res.statusCode;
}

describe('X-Forwarded-For and the failure throttle', () => {
  it('blocks the forwarded client, not the proxy, and believes only the entries the proxies added', async () => {
    const proxy = from(PROXY);
    const wrong = 'whm root:wrong';
    const right = server.auth.authorization as string;
    const attacker = '203.0.113.7';
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await status(proxy, wrong, attacker));
    expect(statuses).toEqual([403, 403, 403, 429]);
    // Another client behind the same proxy still gets in.
    expect(await status(proxy, right, '198.51.100.9')).toBe(200);
    // Whatever the attacker puts in front of the proxy's entry, it is still the attacker…
    expect(await status(proxy, right, `198.51.100.9, ${attacker}`)).toBe(429);
    // …also through a chain of trusted proxies.
    expect(await status(proxy, right, `${attacker}, 10.9.9.9`)).toBe(429);
    // A request from the proxy itself (no header) is the proxy's own, not blocked.
    expect(await status(proxy, right)).toBe(200);
  });

  it('ignores X-Forwarded-For from a socket that is no trusted proxy', async () => {
    const outsider = from(OUTSIDER);
    const statuses = [];
    // Each claims to be someone else; all count against the outsider's own address.
    for (let i = 0; i < 4; i++) {
      statuses.push(await status(outsider, 'whm root:wrong', `192.0.2.${i + 1}`));
    }
    expect(statuses).toEqual([403, 403, 403, 429]);
    // The addresses it named were never blocked.
    expect(await status(from(PROXY), server.auth.authorization as string, '192.0.2.1')).toBe(200);
  });
});

describe('clientAddress', () => {
  const context = (remoteAddress: string, forwardedFor?: string) =>
    ({
      env: { incoming: { socket: { remoteAddress } } },
      req: { header: () => forwardedFor },
    }) as unknown as Context;

  it('reads an IPv4 address seen through an IPv6 socket as the IPv4 address', () => {
    expect(clientAddress(context('::ffff:10.0.0.1', '203.0.113.7'), ['10.0.0.1'])).toBe(
      '203.0.113.7',
    );
    expect(clientAddress(context('::FFFF:192.0.2.4'), [])).toBe('192.0.2.4');
    expect(clientAddress(context('10.0.0.1', '::ffff:203.0.113.7'), ['10.0.0.1'])).toBe(
      '203.0.113.7',
    );
    expect(clientAddress(context('2001:db8::1'), [])).toBe('2001:db8::1');
  });

  it('compares IPv6 addresses in one spelling, however the proxy list or a hop writes them', () => {
    const { trustedProxies: proxies } = loadConfig({
      LINKBROKER_TRUSTED_PROXIES: '2001:DB8::1, 2001:0db8:0:0:0:0:0:2, 0:0:0:0:0:ffff:a00:3',
    });
    expect(proxies).toEqual(['2001:db8::1', '2001:db8::2', '10.0.0.3']);
    for (const socket of ['2001:db8::1', '2001:db8::2', '10.0.0.3']) {
      expect(clientAddress(context(socket, '203.0.113.7'), proxies)).toBe('203.0.113.7');
    }
    // A hop written in another spelling is the same address, for the throttle too.
    expect(clientAddress(context('2001:db8::1', '2001:DB8:0::9, 2001:0db8::2'), proxies)).toBe(
      '2001:db8::9',
    );
    expect(clientAddress(context('fe80::1%eth0'), [])).toBe('fe80::1%eth0');
  });

  it('falls back to the socket when every forwarded entry is a trusted proxy or none is given', () => {
    expect(clientAddress(context('10.0.0.1', '10.0.0.2, 10.0.0.1'), ['10.0.0.1', '10.0.0.2'])).toBe(
      '10.0.0.1',
    );
    expect(clientAddress(context('10.0.0.1', ' , '), ['10.0.0.1'])).toBe('10.0.0.1');
  });
});
