// The end-user side as one sub-app: login, home, logout, icons, the click path and UAPI over the
// session. An unexpected error becomes a readable page with a request id (or UAPI JSON).
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { internalErrorReason } from '../errors.ts';
import { uapiFailure } from '../uapi/result.ts';
import { createAccountRoutes } from './account-routes.tsx';
import { createExecuteRoutes } from './execute-routes.ts';
import { createIconRoutes } from './icons.ts';
import { createLaunchRoutes } from './launch-routes.tsx';
import { MessagePage } from './layout.tsx';
import { type PageDeps, type PageEnv, pageMiddleware } from './page-env.ts';
import { sendPage } from './render.ts';

export type { PageDeps } from './page-env.ts';

const PAGE_PATHS = ['/', '/login', '/login/', '/logout', '/integration/*', '/execute/*'];

export function createUserPages(deps: PageDeps): Hono<PageEnv> {
  const pages = new Hono<PageEnv>();
  // Only on these paths: the WHM API beside them keeps its own headers and never reads cookies.
  const middleware = pageMiddleware(deps);
  for (const path of PAGE_PATHS) pages.use(path, middleware);
  pages.route('/', createAccountRoutes(deps));
  pages.route('/', createIconRoutes(deps));
  pages.route('/', createLaunchRoutes(deps));
  pages.route('/', createExecuteRoutes(deps));

  pages.onError((error, c) => {
    const requestId = randomUUID();
    deps.logger.error('page failed', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      error: `${error.name}: ${error.message}`,
      stack: error.stack,
    });
    if (c.req.path.includes('/execute/')) {
      return c.json(uapiFailure(internalErrorReason(requestId)), 500);
    }
    return sendPage(
      c,
      <MessagePage
        nonce={c.get('nonce') ?? ''}
        tone="error"
        title="Something went wrong"
        heading="Something went wrong on our side"
        actions={
          <a class="button" href="/">
            Back to your control panel
          </a>
        }
      >
        <p>
          Please try again in a moment. If it keeps happening, quote this reference to your hosting
          provider: {requestId}.
        </p>
      </MessagePage>,
      500,
    );
  });

  return pages;
}
