// createApp(deps) → the one Hono app: the WHM API, the end-user pages, the click path and the API
// documentation.
// One onError and one notFound; nothing here listens (see server.ts).
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Sessions } from './accounts/sessions.ts';
import type { LaunchDeps } from './broker/autologin.ts';
import { pathWithoutCpsess } from './cpsess.ts';
import { internalErrorReason } from './errors.ts';
import type { Logger } from './log.ts';
import { ClientGoneError } from './read-body.ts';
import type { Store } from './store/store.ts';
import { API_DOCS_PATH, createApiDocsRoutes } from './ui/api-docs-routes.tsx';
import { createUserPages, isPagePath, notFoundPage, pageErrorResponse } from './ui/pages.tsx';
import type { RootCredentials } from './whm/auth.ts';
import { failure } from './whm/envelope.ts';
import { whmFunctions } from './whm/functions/index.ts';
import { createWhmRoutes } from './whm/routes.ts';
import type { Throttle } from './whm/throttle.ts';

export interface AppDeps {
  store: Store;
  logger: Logger;
  now: () => number;
  broker: LaunchDeps;
  root: RootCredentials;
  throttle: Throttle;
  trustedProxies: readonly string[];
  maxBodyBytes: number;
  sessions: Sessions;
  /** Base of returned URLs (LINKBROKER_PUBLIC_URL, else the server's own), no trailing slash. */
  publicUrl(): string;
  /** HMAC key of the wait page's continuations. */
  continuationKey: Buffer;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono({ getPath: pathWithoutCpsess });
  const whm = createWhmRoutes({ ...deps, functions: whmFunctions });
  app.route('/json-api', whm);
  app.route('/', createUserPages(deps));
  app.route('/', createApiDocsRoutes({ functions: whmFunctions, publicUrl: deps.publicUrl }));

  app.notFound((c) => {
    if (c.req.path === '/json-api' || c.req.path.includes('/json-api/')) {
      const reference = `${deps.publicUrl()}${API_DOCS_PATH}`;
      return c.json(
        failure('', `There is no such API endpoint; the API reference is at ${reference}.`),
        404,
      );
    }
    return notFoundPage(c, deps);
  });

  app.onError((error, c) => {
    // No one is left to answer, and nothing went wrong here: a notice, not an error.
    if (error instanceof ClientGoneError) {
      deps.logger.info('client went away mid-request', { method: c.req.method, path: c.req.path });
      return c.body(null, 400);
    }
    const requestId = randomUUID();
    deps.logger.error('unhandled error', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      error: `${error.name}: ${error.message}`,
      stack: error.stack,
    });
    if (c.req.path.includes('/json-api/')) {
      const command = c.req.path.split('/json-api/')[1] ?? '';
      return c.json(failure(command, internalErrorReason(requestId)), 200);
    }
    if (isPagePath(c.req.path)) return pageErrorResponse(c, deps, requestId);
    return c.text(`Something went wrong (request id ${requestId}).`, 500);
  });

  return app;
}
