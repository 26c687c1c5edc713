// Shared bench fixtures: linkbroker's real server on a temp data dir, a bare Hono server for
// baselines, and a keep-alive HTTP client.
import { timingSafeEqual } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { Agent, request } from 'undici';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, startServer } from '../src/server.ts';

export const BENCH_TOKEN = 'bench-root-token-0123456789abcdef';
export const AUTH = { authorization: `whm root:${BENCH_TOKEN}` };

/**
 * The floors' root check, by hand: the token compared in constant time with the bench's (over a
 * buffer of its length, the lengths compared too), and the `whm root:` scheme.
 */
export function floorAuthorised(): (header: string | undefined) => boolean {
  const token = Buffer.from(BENCH_TOKEN);
  const scratch = Buffer.alloc(token.length);
  return (header = '') => {
    const secret = header.slice(header.indexOf(':') + 1);
    scratch.write(secret);
    const same = timingSafeEqual(scratch, token) && Buffer.byteLength(secret) === token.length;
    return same && header.startsWith('whm root:');
  };
}

export async function startLinkbroker(): Promise<RunningServer & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-bench-'));
  const config = loadConfig({
    PORT: '0',
    LINKBROKER_DATA_DIR: dataDir,
    LINKBROKER_ROOT_TOKEN: BENCH_TOKEN,
    LINKBROKER_ROOT_PASSWORD: 'bench-password',
  });
  return { ...(await startServer(config, silentLogger)), dataDir };
}

export async function startBare(app: Hono): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One keep-alive client for the whole bench (like a billing system's HTTP client). */
export const client = new Agent({ connections: 64, pipelining: 1 });

export async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    dispatcher: client,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text}`);
  return text;
}
