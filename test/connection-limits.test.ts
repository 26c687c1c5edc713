// Clients that hold connections without using them: silent, trickling headers or a body, or
// simply too many. The real server, with its limits shortened for the test.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionLimits,
  defaultMaxConnections,
  openFilesLimit,
} from '../src/connection-limits.ts';
import { ROOT_TOKEN, startTestServer, type TestServer } from './helpers/server.ts';

describe('the limits', () => {
  it('leave a quarter of the open-files limit to the store and the partners', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkbroker-limits-'));
    try {
      const limits = join(dir, 'limits');
      writeFileSync(
        limits,
        'Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax open files            1024                 524288               files     \n',
      );
      expect(openFilesLimit(limits)).toBe(1024);
      expect(openFilesLimit(join(dir, 'missing'))).toBeUndefined();
      expect(defaultMaxConnections(1024)).toBe(768);
      expect(defaultMaxConnections(40)).toBe(64);
      expect(defaultMaxConnections(undefined)).toBe(10_000);
      // A request takes at most these to arrive; answering it (fetch_url may wait about 90 s
      // for its partner) is under no limit of these.
      expect(connectionLimits()).toMatchObject({
        headersTimeoutMs: 30_000,
        requestTimeoutMs: 120_000,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the server', () => {
  let server: TestServer;
  let port: number;
  const open: Socket[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      {},
      {
        connections: {
          headersTimeoutMs: 600,
          requestTimeoutMs: 1_000,
          checkIntervalMs: 100,
          maxConnections: 4,
        },
      },
    );
    port = Number(new URL(server.listenUrl).port);
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await server.stop();
  });

  /** Opens a connection and reports when it was closed, and what the server sent. */
  function client(onConnect: (socket: Socket) => void = () => {}) {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => onConnect(socket));
    open.push(socket);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => {});
    const closed = new Promise<{ afterMs: number; received: string }>((resolve) =>
      socket.on('close', () => resolve({ afterMs: performance.now() - started, received })),
    );
    return { socket, closed };
  }

  /** Writes `text` a byte at a time, every `everyMs`, while the socket is open. */
  function trickle(socket: Socket, text: string, everyMs: number) {
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || i >= text.length) return clearInterval(timer);
      socket.write(text[i++] as string);
    }, everyMs);
  }

  it('closes a connection that sends nothing, at the headers deadline', async () => {
    const { closed } = client();
    const { afterMs, received } = await closed;
    expect(afterMs).toBeGreaterThanOrEqual(550);
    expect(afterMs).toBeLessThan(3_000);
    expect(received).toMatch(/^HTTP\/1.1 408 /);
  });

  it('leaves an answer that takes longer than every deadline alone', async () => {
    // A request that arrived in time is answered whenever its answer is ready (fetch_url waits
    // for its partner up to about 90 s): the server stays silent meanwhile.
    const partner = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 1_500);
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    try {
      await server.whm('createacct', { username: 'slow', domain: 'slow.example.com' });
      const partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}/`;
      await server.whm('create_integration_link', {
        user: 'slow',
        app: 'slow',
        implements: 'billing',
        label: 'Slow',
        subscriber_unique_id: '1',
        token: 'slow-token-0123456789',
        autologin_token_url: partnerUrl,
        url: 'https://fallback.example/',
      });
      const started = performance.now();
      const answer = (await (
        await server.whm('cpanel', {
          cpanel_jsonapi_user: 'slow',
          cpanel_jsonapi_module: 'Integration',
          cpanel_jsonapi_func: 'fetch_url',
          app: 'slow',
        })
      ).json()) as { result: { status: number; data: { redirect_url: string } } };
      expect(performance.now() - started).toBeGreaterThan(1_400);
      // The partner answered no redirect_url: the fallback, after the whole wait.
      expect(answer.result).toMatchObject({
        status: 1,
        data: { redirect_url: 'https://fallback.example/' },
      });
    } finally {
      await new Promise((resolve) => partner.close(resolve));
    }
  });

  it('cuts headers that trickle in past their deadline', async () => {
    const { closed } = client((socket) =>
      trickle(
        socket,
        `GET /json-api/listaccts HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}`,
        100,
      ),
    );
    const { afterMs, received } = await closed;
    expect(afterMs).toBeLessThan(3_000);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts a body that trickles in past the request deadline', async () => {
    const { closed } = client((socket) => {
      socket.write(
        `POST /json-api/listaccts HTTP/1.1\r\nHost: x\r\nAuthorization: whm root:${ROOT_TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n`,
      );
      trickle(socket, 'a'.repeat(500), 100);
    });
    const { afterMs, received } = await closed;
    expect(afterMs).toBeLessThan(4_000);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('turns away connections past the cap, and serves again once they are gone', async () => {
    const held = Array.from({ length: 4 }, () =>
      client((socket) => trickle(socket, 'GET / HTTP/1.1\r\nHost: x\r\n', 50)),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { closed } = client((socket) =>
      socket.write('GET /json-api/listaccts HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    // Accepted, it would have been answered (401): it was closed unread instead.
    expect((await closed).received).toBe('');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await server.whm('listaccts');
    expect(answer.status).toBe(200);
  });
});
