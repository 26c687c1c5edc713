// The end-user side as one sub-app: login, home, logout, icons, the click path and UAPI over the
// session. An unexpected error becomes a readable page with a request id (or UAPI JSON).
import { type Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { internalErrorReason } from '../errors.ts';
import { uapiFailure } from '../uapi/result.ts';
import { createAccountRoutes } from './account-routes.tsx';
import { createExecuteRoutes } from './execute-routes.ts';
import { createIconRoutes } from './icons.ts';
import { createLaunchRoutes } from './launch-routes.tsx';
import { HomeLink, MessagePage } from './layout.tsx';
import {
  LAUNCH_ROUTE,
  type PageContext,
  type PageDeps,
  type PageEnv,
  pageMiddleware,
  pageNonce,
  setBase,
} from './page-env.ts';
import { sendPage } from './render.tsx';

export type { PageDeps } from './page-env.ts';

/**
 * The paths that run pageMiddleware. Not the click path (LAUNCH_ROUTE): it reads the session
 * itself and prepares page headers only for a page, so its one route runs without a middleware
 * chain (Hono then calls it directly: less CPU, and two fewer suspended frames per pending click).
 */
const PAGE_PATHS = [
  '/',
  '/login',
  '/login/',
  '/logout',
  '/integration/icon/*',
  '/integration/puzzle.svg',
  '/execute/*',
];

export function createUserPages(deps: PageDeps): Hono<PageEnv> {
  const pages = new Hono<PageEnv>();
  // Only on these paths: the WHM API beside them keeps its own headers and never reads cookies.
  const middleware = pageMiddleware(deps);
  for (const path of PAGE_PATHS) pages.use(path, middleware);
  pages.route('/', createAccountRoutes(deps));
  pages.route('/', createIconRoutes(deps));
  pages.route('/', createLaunchRoutes(deps));
  pages.route('/', createExecuteRoutes(deps));
  // No pages.onError: a sub-app's own error handler makes Hono wrap each of its routes in one
  // more composed handler, two more suspended frames per pending click. The app's onError
  // renders page errors with pageErrorResponse instead.
  return pages;
}

/** True for the paths of this sub-app, whose errors are answered by pageErrorResponse. */
export function isPagePath(path: string): boolean {
  return (
    path === LAUNCH_ROUTE ||
    PAGE_PATHS.some((page) =>
      page.endsWith('/*') ? path.startsWith(page.slice(0, -1)) : path === page,
    )
  );
}

/**
 * A message page with the way home, from the app's own handlers (not found, errors), which run
 * outside the page routes: the base path and the page headers are set here.
 */
function sendHomeMessage(
  c: Context,
  deps: { publicUrl(): string },
  message: { title: string; heading: string; tone?: 'error'; text: Child },
  status: ContentfulStatusCode,
): Response | Promise<Response> {
  const page = c as PageContext;
  setBase(page, deps);
  const { text, ...props } = message;
  return sendPage(
    page,
    <MessagePage nonce={pageNonce(page)} {...props} actions={<HomeLink />}>
      <p>{text}</p>
    </MessagePage>,
    status,
  );
}

/** A path that is no page: a readable page, with the pages' headers and the way home. */
export function notFoundPage(
  c: Context,
  deps: { publicUrl(): string },
): Response | Promise<Response> {
  return sendHomeMessage(
    c,
    deps,
    {
      title: 'Page not found',
      heading: 'There is no page at this address',
      text: 'Check the address, or start again from your control panel.',
    },
    404,
  );
}

/** An unexpected error on a page path: a readable page with the request id (or UAPI JSON). */
export function pageErrorResponse(
  c: Context,
  deps: { publicUrl(): string },
  requestId: string,
): Response | Promise<Response> {
  if (c.req.path.includes('/execute/')) {
    return c.json(uapiFailure(internalErrorReason(requestId)), 500);
  }
  return sendHomeMessage(
    c,
    deps,
    {
      tone: 'error',
      title: 'Something went wrong',
      heading: 'Something went wrong on our side',
      text: `Please try again in a moment. If it keeps happening, quote this reference to your hosting provider: ${requestId}.`,
    },
    500,
  );
}
