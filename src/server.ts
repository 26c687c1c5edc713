// Reads the configuration, builds the app and listens. Nothing else.
import type { ServerResponse } from 'node:http';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { connectionLimits } from './connection-limits.ts';
import type { Logger } from './log.ts';
import { type BrokerOverrides, createRuntime, defaultPublicUrl, type Runtime } from './runtime.ts';

export interface RunningServer {
  /** The public URL (LINKBROKER_PUBLIC_URL, else the listen URL). */
  url: string;
  /** Where the socket listens: http://HOST:PORT. */
  listenUrl: string;
  runtime: Runtime;
  server: ServerType;
  /**
   * Stops listening and closes idle connections, lets the requests in progress finish for up to
   * `drainMs` (0: cut them now), then cuts what is left and closes the partner client.
   */
  close(drainMs?: number): Promise<void>;
  /** Cuts every connection now (a second Ctrl-C during a drain). */
  dropConnections(): void;
}

/** `overrides` is for tests and benchmarks only (see BrokerOverrides). */
export async function startServer(
  config: Config,
  logger: Logger,
  overrides: BrokerOverrides = {},
): Promise<RunningServer> {
  const runtime = await createRuntime(config, logger, overrides);
  const app = createApp(runtime.deps);
  const limits = connectionLimits(overrides.connections);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          connectionsCheckingInterval: limits.checkIntervalMs,
        },
      },
      () => resolve(s),
    );
    s.maxConnections = limits.maxConnections;
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    await runtime.deps.broker.partner.close();
    throw error;
  });
  const dropConnections = () => {
    if ('closeAllConnections' in server) server.closeAllConnections();
  };
  // Requests in progress, so that a stop waits for them and for nothing else (a connection
  // opened but never used, as browsers preconnect, is not one). One listener for all.
  let inProgress = 0;
  let draining = false;
  function requestDone() {
    inProgress -= 1;
    if (draining && inProgress === 0) dropConnections();
  }
  server.on('request', (_request, response: ServerResponse) => {
    inProgress += 1;
    response.on('close', requestDone);
  });
  const close = async (drainMs = 0) => {
    await new Promise<void>((resolve) => {
      // A keep-alive connection whose request finishes during the drain turns idle and would
      // otherwise stay until its keep-alive timeout: close idle ones as they appear.
      const closeIdle = () => {
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      };
      const sweep = setInterval(closeIdle, 50).unref();
      const cut = drainMs > 0 ? setTimeout(dropConnections, drainMs).unref() : undefined;
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cut);
        resolve();
      });
      draining = true;
      closeIdle();
      if (drainMs <= 0 || inProgress === 0) dropConnections();
    });
    // After the requests: a click still at the partner must not see its call aborted.
    await runtime.deps.broker.partner.close();
  };
  // Only now: generated credentials are printed once the server listens (see printBanner).
  await runtime.storeGeneratedSecrets().catch(async (error: unknown) => {
    await close();
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  runtime.setListenUrl(defaultPublicUrl(config.host, port));
  return {
    url: runtime.deps.publicUrl(),
    listenUrl: defaultPublicUrl(config.host, port),
    runtime,
    server,
    close,
    dropConnections,
  };
}
