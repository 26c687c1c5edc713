// The click path (SPEC §5): GET /integration/index.html?app=APP[&continue=TOKEN]. Runs the broker
// in yield mode and answers a redirect, the wait page (with a signed continuation) or a readable
// page — never JSON. Only the session's own links can be launched.
import { Hono } from 'hono';
import {
  type AttemptNumber,
  type LaunchOutcome,
  LaunchStoreFailure,
  launchApp,
} from '../broker/autologin.ts';
import {
  CONTINUATION_GRACE_MS,
  type Continuation,
  openContinuation,
  signContinuation,
} from '../broker/continuation.ts';
import { shownLabel } from '../links/menu-order.ts';
import { appParam } from '../links/schema.ts';
import { launchPath } from '../links/users-links.ts';
import { mayBeStartedElsewhere } from '../request-origin.ts';
import {
  ConfirmPage,
  LaunchProblemPage,
  LoginRequiredPage,
  PartnerUnavailablePage,
  WaitPage,
} from './launch-pages.tsx';
import {
  headersPrepared,
  LAUNCH_ROUTE,
  loadSession,
  type PageContext,
  type PageDeps,
  type PageEnv,
  pageLink,
  pageNonce,
  redirectHeaders,
  setBase,
} from './page-env.ts';
import { sendPage } from './render.tsx';

const continueUrl = (app: string, token: string) =>
  `${launchPath(app)}&continue=${encodeURIComponent(token)}`;

/** How a click ended before the broker ran (the broker logs its own outcomes). */
interface AnsweredClick {
  outcome: 'refused' | 'confirm' | 'early';
  reason?:
    | 'no-session'
    | 'invalid-app'
    | 'no-link'
    | 'continuation-other-user'
    | 'continuation-expired'
    | 'continuation-invalid';
  user?: string;
  app?: string;
  status: number;
}

/**
 * Every click outcome gets a log line (SPEC §5), refusals too: a forged or borrowed
 * continuation must show in the logs. Never the continuation itself, nor an app name that
 * failed its rule (it is whatever the address said).
 */
function logAnswered(deps: PageDeps, click: AnsweredClick): void {
  deps.logger.info('autologin', { mode: 'yield', ...click });
}

function noSuchLink(c: PageContext, app: string) {
  // Logged by the caller (or by the broker, whose outcome it was).
  return sendPage(
    c,
    <LaunchProblemPage nonce={pageNonce(c)} heading="There is no such integration">
      <p>Your account has no integration called “{app}”. It may have been removed.</p>
    </LaunchProblemPage>,
    404,
  );
}

function showWait(
  c: PageContext,
  deps: PageDeps,
  page: {
    label: string;
    app: string;
    wait: Continuation;
    token: string;
    partnerAttempt?: string | undefined;
  },
) {
  const { label, app, wait, token, partnerAttempt } = page;
  const waitMs = Math.max(0, wait.notBefore - deps.now());
  return sendPage(
    c,
    <WaitPage
      nonce={pageNonce(c)}
      label={label}
      nextAttempt={wait.nextAttempt}
      waitMs={waitMs}
      continueUrl={pageLink(c, continueUrl(app, token))}
      partnerAttempt={partnerAttempt}
    />,
  );
}

/**
 * Runs the broker for the session's user and turns the outcome into the browser's answer. Also
 * used by the login route when the login URL names an app. Not an async function: while the
 * partner thinks, a pending click holds the `then` callback rather than a suspended frame.
 */
export function launchResponse(
  c: PageContext,
  deps: PageDeps,
  user: string,
  app: string,
  from?: { nextAttempt: AttemptNumber; remainingBudgetMs: number },
): Promise<Response> {
  return launchApp(deps.broker, {
    user,
    app,
    mode: 'yield',
    // A browser that went away (closed, navigated elsewhere) ends the launch.
    signal: c.req.raw.signal,
    ...(from && { startAttempt: from.nextAttempt, waitBudgetMs: from.remainingBudgetMs }),
  }).then((outcome) => answerOutcome(c, deps, user, app, outcome));
}

function answerOutcome(
  c: PageContext,
  deps: PageDeps,
  user: string,
  app: string,
  outcome: LaunchOutcome,
): Response | Promise<Response> {
  switch (outcome.kind) {
    case 'partner':
    case 'fallback':
      // From the login route, Hono's redirect keeps what that route prepared (the cookie).
      if (headersPrepared(c)) {
        c.header('Cache-Control', 'no-store');
        c.header('Referrer-Policy', 'no-referrer');
        return c.redirect(outcome.location, 302);
      }
      return new Response(null, { status: 302, headers: redirectHeaders(outcome.location) });
    case 'wait': {
      // Measured after the partner answered: the wait starts now, not when the click came in.
      const now = deps.now();
      const wait: Continuation = {
        user,
        app,
        nextAttempt: outcome.nextAttempt,
        remainingBudgetMs: outcome.remainingBudgetMs,
        notBefore: now + outcome.waitMs,
        deadline: now + outcome.waitMs + CONTINUATION_GRACE_MS,
      };
      const token = signContinuation(deps.continuationKey, wait);
      return showWait(c, deps, {
        label: outcome.label,
        app,
        wait,
        token,
        partnerAttempt: outcome.partnerAttempt,
      });
    }
    case 'error':
      if (outcome.reason === 'no-link') return noSuchLink(c, app);
      if (outcome.reason === 'store-failed') throw new LaunchStoreFailure(app);
      return sendPage(
        c,
        <PartnerUnavailablePage nonce={pageNonce(c)} app={app} label={outcome.label} />,
        502,
      );
  }
}

export function createLaunchRoutes(deps: PageDeps): Hono<PageEnv> {
  const routes = new Hono<PageEnv>();

  routes.get(LAUNCH_ROUTE, async (c) => {
    // A HEAD (link previews, prefetchers) gets the status its GET would start with, but never
    // spends a partner call and is no click to log.
    const head = c.req.method === 'HEAD';
    setBase(c, deps);
    await loadSession(c, deps);
    const session = c.get('session');
    if (!session) {
      if (!head) logAnswered(deps, { outcome: 'refused', reason: 'no-session', status: 401 });
      return sendPage(c, <LoginRequiredPage nonce={pageNonce(c)} />, 401);
    }

    const parsed = appParam.safeParse(c.req.query('app'));
    if (!parsed.success) {
      if (!head) {
        logAnswered(deps, {
          outcome: 'refused',
          reason: 'invalid-app',
          user: session.user,
          status: 400,
        });
      }
      return sendPage(
        c,
        <LaunchProblemPage nonce={pageNonce(c)} heading="This link is not valid">
          <p>The address does not name an integration. Open the integration from your menu.</p>
        </LaunchProblemPage>,
        400,
      );
    }
    const app = parsed.data;
    const { user } = session;
    if (head) {
      if (!(await deps.store.getLink(user, app))) return noSuchLink(c, app);
      pageNonce(c);
      return c.body(null, 200);
    }

    if (mayBeStartedElsewhere(c, deps.publicUrl())) {
      const link = await deps.store.getLink(user, app);
      if (!link) {
        logAnswered(deps, { outcome: 'refused', reason: 'no-link', status: 404, user, app });
        return noSuchLink(c, app);
      }
      logAnswered(deps, { outcome: 'confirm', status: 200, user, app });
      return sendPage(
        c,
        <ConfirmPage nonce={pageNonce(c)} app={app} label={shownLabel(app, link.label)} />,
      );
    }

    const token = c.req.query('continue');
    if (token === undefined) return launchResponse(c, deps, user, app);

    const check = openContinuation(deps.continuationKey, token, { user, app, now: deps.now() });
    switch (check.status) {
      case 'ok':
        return launchResponse(c, deps, user, app, check.continuation);
      case 'early': {
        const link = await deps.store.getLink(user, app);
        if (!link) {
          logAnswered(deps, { outcome: 'refused', reason: 'no-link', status: 404, user, app });
          return noSuchLink(c, app);
        }
        logAnswered(deps, { outcome: 'early', status: 200, user, app });
        return showWait(c, deps, {
          label: shownLabel(app, link.label),
          app,
          wait: check.continuation,
          token,
        });
      }
      case 'other-user':
        logAnswered(deps, {
          outcome: 'refused',
          reason: 'continuation-other-user',
          status: 403,
          user,
          app,
        });
        return sendPage(
          c,
          <LaunchProblemPage nonce={pageNonce(c)} heading="This sign-in belongs to another account">
            <p>
              The page you came from was started by a different user. Open the integration from your
              own menu instead.
            </p>
          </LaunchProblemPage>,
          403,
        );
      case 'expired':
        logAnswered(deps, {
          outcome: 'refused',
          reason: 'continuation-expired',
          status: 400,
          user,
          app,
        });
        return sendPage(
          c,
          <LaunchProblemPage nonce={pageNonce(c)} heading="This sign-in has expired" app={app}>
            <p>The waiting page was left open for too long. Start again to get a fresh sign-in.</p>
          </LaunchProblemPage>,
          400,
        );
      default:
        logAnswered(deps, {
          outcome: 'refused',
          reason: 'continuation-invalid',
          status: 400,
          user,
          app,
        });
        return sendPage(
          c,
          <LaunchProblemPage
            nonce={pageNonce(c)}
            heading="This sign-in cannot be continued"
            app={app}
          >
            <p>The address of the waiting page is damaged or incomplete.</p>
          </LaunchProblemPage>,
          400,
        );
    }
  });

  return routes;
}
