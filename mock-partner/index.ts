// Starts the mock partner on a real socket (port 0 → a free port) for tests, the demo and the
// CLI. close() also destroys open and hanging connections, so it never waits on a client.
import type { AddressInfo, Server, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { createMockPartnerApp, type MockPartnerOptions, type MockPartnerState } from './app.ts';
import type { RecordedRequest } from './request-log.ts';

export type { MockPartnerApp, MockPartnerEnv } from './app.ts';
export { createMockPartnerApp } from './app.ts';
export type { RecordedRequest } from './request-log.ts';
export { SCENARIOS, type Scenario, type ScenarioName } from './scenarios.ts';
export type { MockPartnerOptions, MockPartnerState, SsoGrant } from './state.ts';
export { WRONG_TOKEN_PREFIX } from './state.ts';

export interface StartMockPartnerOptions extends MockPartnerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningMockPartner {
  /** The origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  /** Every request received, raw (token included); the same array as `state.requests`. */
  requests: RecordedRequest[];
  state: MockPartnerState;
  /** `${url}/autologin` with the given query, e.g. `{ scenario: 'retry', times: 2 }`. */
  autologinUrl(query?: Readonly<Record<string, string | number>>): string;
  /** Stops listening and destroys every open connection; safe to call more than once. */
  close(): Promise<void>;
}

/** An origin for the address the server is bound to (wildcards → loopback). */
function originOf(address: AddressInfo): string {
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function startMockPartner(
  options: StartMockPartnerOptions = {},
): Promise<RunningMockPartner> {
  const { port = 0, host = '127.0.0.1', ...partnerOptions } = options;
  const { app, state } = createMockPartnerApp(partnerOptions);
  const server: Server = serve({ fetch: app.fetch, port, hostname: host });

  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const url = originOf(address);
  let closing: Promise<void> | undefined;

  return {
    url,
    port: address.port,
    requests: state.requests,
    state,
    autologinUrl(query = {}) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) search.set(key, String(value));
      const text = search.toString();
      return `${url}/autologin${text ? `?${text}` : ''}`;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(async () => {
        // Streamed answers notice their client is gone on their next event loop turns; wait
        // (briefly, never unbounded) so that nothing of this partner outlives close().
        for (let waited = 0; state.openStreams() > 0 && waited < 1000; waited += 5) {
          await new Promise((r) => setTimeout(r, 5));
        }
      });
      return closing;
    },
  };
}
