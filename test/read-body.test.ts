// Reading a request body when the client goes away: the read fails instead of waiting forever
// (the handler, its request and its listeners would stay in memory).
import { connect } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, expect, it } from 'vitest';
import { readBodyBytes } from '../src/read-body.ts';

let server: ServerType | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose handler waits `delayMs`, then reads the body; resolves with how that ended. */
async function start(delayMs: number) {
  let settle!: (outcome: string) => void;
  const outcome = new Promise<string>((resolve) => {
    settle = resolve;
  });
  const app = new Hono();
  app.post('/', async (c) => {
    await new Promise((r) => setTimeout(r, delayMs));
    try {
      settle(`read ${(await readBodyBytes(c, 1000)).length} bytes`);
    } catch (error) {
      settle(`failed: ${(error as Error).message}`);
    }
    return c.text('ok');
  });
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(info.port),
    );
  });
  return { port, outcome };
}

/** Sends the headers of a 100-byte body and 10 bytes of it, then goes away after `afterMs`. */
function sendPartly(port: number, afterMs: number) {
  const socket = connect(port, '127.0.0.1', () => {
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    setTimeout(() => socket.destroy(), afterMs);
  });
  socket.on('error', () => {});
}

const within = (promise: Promise<string>, ms: number) =>
  Promise.race([promise, new Promise<string>((r) => setTimeout(() => r('still waiting'), ms))]);

it('fails when the client went away before the handler got to the body', async () => {
  const { port, outcome } = await start(150);
  sendPartly(port, 20);
  expect(await within(outcome, 2000)).toBe('failed: aborted');
});

it('fails when the client goes away in the middle of the body', async () => {
  const { port, outcome } = await start(0);
  sendPartly(port, 100);
  expect(await within(outcome, 2000)).toBe('failed: aborted');
});
