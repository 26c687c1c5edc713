// Test doubles for the broker: an in-memory store, fake time, a scripted partner client and a
// real loopback HTTP server that records what it received.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PartnerClient, PartnerResponse } from '../../src/broker/partner-client.ts';
import type { LinkUserConfig } from '../../src/store/store.ts';

export const USER = 'alice';
export const APP = 'billing_app';
/** Distinctive, so a search of every log line for it cannot miss. */
export const TOKEN = 'TOK-9f3b7c1e-never-logged-Zq8';

export interface FakeStore {
  getLink(user: string, app: string): Promise<LinkUserConfig | undefined>;
  getLinkToken(user: string, app: string): Promise<string | undefined>;
  put(user: string, app: string, config: LinkUserConfig, token: string): void;
  setToken(user: string, app: string, token: string): void;
  remove(user: string, app: string): void;
  tokenReads: number;
}

export function createFakeStore(): FakeStore {
  const links = new Map<string, { config: LinkUserConfig; token: string }>();
  const key = (user: string, app: string) => `${user}/${app}`;
  const store: FakeStore = {
    tokenReads: 0,
    getLink: async (user, app) => {
      const link = links.get(key(user, app));
      return link ? { ...link.config } : undefined;
    },
    getLinkToken: async (user, app) => {
      store.tokenReads += 1;
      return links.get(key(user, app))?.token;
    },
    put: (user, app, config, token) => void links.set(key(user, app), { config, token }),
    setToken: (user, app, token) => {
      const link = links.get(key(user, app));
      if (link) link.token = token;
    },
    remove: (user, app) => void links.delete(key(user, app)),
  };
  return store;
}

/** Fake clock and sleep: sleeping records the wait and advances the clock instantly. */
export function createFakeTime(onSleep?: (ms: number) => void) {
  const time = {
    current: 1_000_000,
    waits: [] as number[],
    now: () => time.current,
    sleep: async (ms: number) => {
      time.waits.push(ms);
      time.current += ms;
      onSleep?.(ms);
    },
  };
  return time;
}

/** A partner client that answers from a script (the last entry repeats) and records forms. */
export function createScriptedPartner(script: PartnerResponse[]) {
  const posts: { url: string; form: Record<string, string> }[] = [];
  const partner: PartnerClient & { posts: typeof posts } = {
    posts,
    post: async (url, form) => {
      posts.push({ url, form: { ...form } });
      const response = script[Math.min(posts.length - 1, script.length - 1)];
      if (!response) throw new Error('empty script');
      return response;
    },
    close: async () => {},
  };
  return partner;
}

export const answer = (status: number, body: unknown): PartnerResponse => ({
  kind: 'answer',
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  latencyMs: 5,
});

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  form: URLSearchParams;
}

export type Responder = (
  req: IncomingMessage,
  res: ServerResponse,
  received: ReceivedRequest,
) => void;

export interface TestServer {
  url: string;
  origin: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server on port 0. Request i is answered by responders[i] (the last one
 * repeats); each request's body is read fully first.
 */
export async function startTestServer(responders: Responder | Responder[]): Promise<TestServer> {
  const list = Array.isArray(responders) ? responders : [responders];
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        form: new URLSearchParams(body),
      };
      requests.push(received);
      const respond = list[Math.min(requests.length - 1, list.length - 1)];
      respond?.(req, res, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/autologin`,
    origin,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** Writes `total` bytes as fast as the client reads them; stops when the client goes away. */
export function streamBytes(res: ServerResponse, total: number, chunk: Buffer): void {
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
