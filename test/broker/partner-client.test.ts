// The partner client's limits over real loopback sockets: deadline, size caps (raw and
// decompressed), no redirects, and how transport failures are classified.

import { randomBytes } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPartnerClient,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  MAX_BODY_BYTES,
  type PartnerClient,
  type PartnerResponse,
} from '../../src/broker/partner-client.ts';
import { closedPort, sendJson, startTestServer, streamBytes, type TestServer } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const started = await startTestServer(...args);
  cleanups.push(started.close);
  return started;
}

function client(options: Parameters<typeof createPartnerClient>[0] = {}): PartnerClient {
  const created = createPartnerClient(options);
  cleanups.push(created.close);
  return created;
}

const FORM = { app: 'a', user: 'u', token: 't' };

describe('createPartnerClient', () => {
  it('posts a url-encoded form with the expected headers', async () => {
    const partner = await server((_req, res) => sendJson(res, 200, { ok: true }));
    const response = await client().post(partner.url, { a: '1 2', b: 'x&y=z' });
    expect(response).toMatchObject({ kind: 'answer', status: 200, body: '{"ok":true}' });
    const [received] = partner.requests;
    expect(received?.method).toBe('POST');
    expect(received?.body).toBe('a=1+2&b=x%26y%3Dz');
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received?.headers.accept).toBe('application/json');
    expect(received?.headers['user-agent']).toBe('linkbroker/0.1');
  });

  it('reuses keep-alive connections across calls', async () => {
    const ports = new Set<number | undefined>();
    const partner = await server((req, res) => {
      ports.add(req.socket.remotePort);
      sendJson(res, 200, {});
    });
    const c = client();
    for (let i = 0; i < 6; i++) await c.post(partner.url, FORM);
    expect(partner.requests).toHaveLength(6);
    // undici may open a second socket while the first is being released; never one per call.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it('does not follow a redirect: the other listener receives nothing', async () => {
    const elsewhere = await server((_req, res) => sendJson(res, 200, { stolen: true }));
    const partner = await server((_req, res) => {
      res.writeHead(307, { location: elsewhere.url });
      res.end();
    });
    const response = await client().post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'answer', status: 307 });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('times out a body that trickles past the deadline', async () => {
    const partner = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const response = await client({ attemptTimeoutMs: 300 }).post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a partner that never answers', async () => {
    const partner = await server(() => {});
    const response = await client({ attemptTimeoutMs: 300 }).post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'timeout' });
  });

  it('arms a 10 s deadline per attempt by default, and the deadline aborts the attempt', async () => {
    expect(DEFAULT_ATTEMPT_TIMEOUT_MS).toBe(10_000);
    const armed: number[] = [];
    let fire: (() => void) | undefined;
    let cancelled = 0;
    const partner = await server((_req, res) => {
      res.writeHead(200);
      res.write('{');
      // Fire the deadline only once the body has started: it must cover the body too.
      setTimeout(() => fire?.(), 20);
    });
    const c = client({
      scheduleDeadline: (onDeadline, ms) => {
        armed.push(ms);
        fire = onDeadline;
        return () => {
          cancelled += 1;
        };
      },
    });
    const response = await c.post(partner.url, FORM);
    expect(armed).toEqual([10_000]);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'timeout' });
    expect(cancelled).toBe(0);
  });

  it('leaves no deadline armed once nothing is in flight', async () => {
    let armed = 0;
    let cancelled = 0;
    const partner = await server((_req, res) => sendJson(res, 200, {}));
    const c = client({
      scheduleDeadline: () => {
        armed += 1;
        return () => {
          cancelled += 1;
        };
      },
    });
    await Promise.all([c.post(partner.url, FORM), c.post(partner.url, FORM)]);
    // One timer serves both attempts; it goes once the last one has its answer.
    expect(armed).toBe(1);
    expect(cancelled).toBe(1);
  });

  it.each([
    ['with content-length', true],
    ['chunked', false],
  ])('aborts a 20 MB body at 64 KiB promptly (%s)', async (_name, withLength) => {
    const total = 20 * 1024 * 1024;
    const partner = await server((_req, res) => {
      res.writeHead(200, withLength ? { 'content-length': String(total) } : {});
      streamBytes(res, total, Buffer.alloc(16 * 1024, 0x20));
    });
    const started = Date.now();
    const response = await client().post(partner.url, FORM);
    // The status came before the body failed: kept, so a report can tell what was answered.
    expect(response).toMatchObject({ kind: 'transport-error', code: 'too-large', status: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('has no status when the failure came before any answer', async () => {
    const partner = await server((req) => req.socket.destroy());
    const response = await client().post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'reset' });
    expect('status' in response).toBe(false);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const body = `"${'x'.repeat(MAX_BODY_BYTES - 2)}"`;
    const partner = await server((_req, res) => sendJson(res, 200, body));
    const response = await client().post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'answer', status: 200 });
    expect((response as Extract<PartnerResponse, { kind: 'answer' }>).body).toHaveLength(
      MAX_BODY_BYTES,
    );
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)('decompresses %s answers', async (encoding, compress) => {
    const json = JSON.stringify({ redirect_url: 'https://partner.example/sso/1' });
    const partner = await server((_req, res) => {
      res.writeHead(200, { 'content-encoding': encoding });
      res.end(compress(Buffer.from(json)));
    });
    expect(await client().post(partner.url, FORM)).toMatchObject({ kind: 'answer', body: json });
  });

  // Brotli's default quality is slow on 20 MB; quality 1 still makes a tiny bomb.
  const fastBrotli = (input: Buffer) =>
    brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });

  it.each([
    ['gzip', gzipSync],
    ['br', fastBrotli],
  ] as const)('aborts a small %s body that inflates past 64 KiB', async (encoding, compress) => {
    const bomb = compress(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const partner = await server((_req, res) => {
      res.writeHead(200, { 'content-encoding': encoding, 'content-length': bomb.length });
      res.end(bomb);
    });
    const started = Date.now();
    const response = await client().post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'too-large' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caps the bytes on the wire too, not only the decoded ones', async () => {
    // Stored (level 0) gzip of random bytes: just over 64 KiB on the wire, just under decoded.
    const decoded = randomBytes(MAX_BODY_BYTES - 16);
    const wire = gzipSync(decoded, { level: 0 });
    expect(wire.length).toBeGreaterThan(MAX_BODY_BYTES);
    const partner = await server((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(wire);
    });
    expect(await client().post(partner.url, FORM)).toMatchObject({
      kind: 'transport-error',
      code: 'too-large',
    });
  });

  it('refuses an unknown content-encoding', async () => {
    const partner = await server((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'zstd' });
      res.end('whatever');
    });
    expect(await client().post(partner.url, FORM)).toMatchObject({
      kind: 'transport-error',
      code: 'other',
    });
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const response = await client().post(`http://127.0.0.1:${port}/autologin`, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'refused' });
  });

  it('reports a connection reset before any answer', async () => {
    const partner = await server((req) => req.socket.destroy());
    const response = await client().post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'reset' });
  });

  it('reports a connection lost mid-body as other, not reset', async () => {
    const partner = await server((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"redirect');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const response = await client().post(partner.url, FORM);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'other' });
  });

  it('reports an unasked-for 100 Continue or 101 upgrade as other, not a reset to retry', async () => {
    // undici refuses to read on past either (the broker never sends `Expect`); the partner has
    // the token by then, so sending it again would be wrong.
    let posts = 0;
    const continued = await server((_req, res) => {
      posts += 1;
      res.writeContinue();
      sendJson(res, 200, { redirect_url: 'https://partner.example/sso' });
    });
    expect(await client().post(continued.url, FORM)).toMatchObject({
      kind: 'transport-error',
      code: 'other',
    });
    const upgraded = await server((req) => {
      posts += 1;
      req.socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n',
      );
    });
    expect(await client().post(upgraded.url, FORM)).toMatchObject({
      kind: 'transport-error',
      code: 'other',
    });
    expect(posts).toBe(2);
  });

  it('stops when the caller aborts', async () => {
    const partner = await server(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const response = await client().post(partner.url, FORM, controller.signal);
    expect(response).toMatchObject({ kind: 'transport-error', code: 'other' });
  });
});
