// The session's own pages: the login URL from create_user_session, the home page and logout
// (a POST carrying the session's cp_security_token, refused when another site sends it).
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { loginLaunchTarget } from '../links/users-links.ts';
import { BodyTooLargeError, readBodyText } from '../read-body.ts';
import { foreignOrigin, startedElsewhere } from '../request-origin.ts';
import { HomePage } from './home-page.tsx';
import { LoginRequiredPage } from './launch-pages.tsx';
import { launchResponse } from './launch-routes.tsx';
import { HomeLink, MessagePage } from './layout.tsx';
import { buildMenu } from './menu.ts';
import {
  clearSessionCookie,
  type PageDeps,
  type PageEnv,
  pageLink,
  pageNonce,
  sessionAccountExists,
  setSessionCookie,
} from './page-env.ts';
import { sendPage } from './render.tsx';

const LOGOUT_BODY_LIMIT = 4096;

const sameText = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** An Origin header, when the browser sent one, must be this server's (SPEC: CSRF). */
function LogoutRefusedPage(props: { nonce: string }) {
  return (
    <MessagePage
      nonce={props.nonce}
      tone="error"
      title="Not logged out"
      heading="You were not logged out"
      actions={<HomeLink />}
    >
      <p>That request did not come from your control panel. Use “Log out” in the menu instead.</p>
    </MessagePage>
  );
}

export function createAccountRoutes(deps: PageDeps): Hono<PageEnv> {
  const routes = new Hono<PageEnv>();

  routes.on('GET', ['/login/', '/login'], async (c) => {
    // A HEAD (link previews, mail scanners) must not use up the single-use login.
    if (c.req.method === 'HEAD') return c.body(null, 200);
    const opened = await deps.sessions.redeemLogin(c.req.query('session') ?? '');
    // A login made for an account that is gone (or was given to someone else since) opens nothing.
    const valid = opened !== undefined && (await sessionAccountExists(deps, opened.session));
    if (opened && !valid) await deps.sessions.end(opened.sessionId);
    // A reload (or Back) of a login URL this browser already used: its live session carries on
    // at home, rather than being told that the link expired.
    if (!opened && c.get('session')) {
      c.header('Referrer-Policy', 'no-referrer');
      return c.redirect(pageLink(c, '/'), 302);
    }
    if (!opened || !valid) {
      return sendPage(
        c,
        <MessagePage
          nonce={pageNonce(c)}
          tone="error"
          title="Login link not valid"
          heading="This login link has expired or was already used"
        >
          <p>
            Login links work once, within five minutes. Go back to your hosting provider’s client
            area and open your control panel from there again.
          </p>
        </MessagePage>,
        403,
      );
    }
    const previous = c.get('sessionId');
    if (previous) await deps.sessions.end(previous);
    setSessionCookie(c, deps, opened.sessionId);
    // The login token is in this URL: not even this server's next page may see it as Referer.
    c.header('Referrer-Policy', 'no-referrer');
    c.set('session', opened.session);
    c.set('sessionId', opened.sessionId);
    // The login URL itself shows intent, so an app it names is launched at once (a redirect to
    // the click path would arrive as a cross-site navigation and ask for confirmation).
    const user = opened.session.user;
    const app = opened.app && (await loginLaunchTarget(deps.store, user, opened.app));
    if (app) return launchResponse(c, deps, user, app);
    return c.redirect(pageLink(c, '/'), 302);
  });

  routes.get('/', async (c) => {
    const nonce = pageNonce(c);
    const session = c.get('session');
    if (!session) return sendPage(c, <LoginRequiredPage nonce={nonce} />, 401);
    const [menu, account] = await Promise.all([
      buildMenu(deps.store, session.user),
      deps.store.getAccount(session.user),
    ]);
    return sendPage(
      c,
      <HomePage
        nonce={nonce}
        user={session.user}
        domain={account?.domain}
        securityToken={session.securityToken}
        menu={menu}
      />,
    );
  });

  routes.post('/logout', async (c) => {
    const nonce = pageNonce(c);
    const session = c.get('session');
    const sessionId = c.get('sessionId');
    if (!session || !sessionId) return c.redirect(pageLink(c, '/logout'), 303);
    if (startedElsewhere(c) || foreignOrigin(c, deps.publicUrl())) {
      return sendPage(c, <LogoutRefusedPage nonce={nonce} />, 403);
    }
    let body: string;
    try {
      body = await readBodyText(c, LOGOUT_BODY_LIMIT);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return sendPage(c, <LogoutRefusedPage nonce={nonce} />, 413);
    }
    const given = new URLSearchParams(body).get('cp_security_token') ?? '';
    if (!sameText(given, session.securityToken)) {
      return sendPage(c, <LogoutRefusedPage nonce={nonce} />, 403);
    }
    await deps.sessions.end(sessionId);
    clearSessionCookie(c, deps);
    return c.redirect(pageLink(c, '/logout'), 303);
  });

  routes.get('/logout', (c) => {
    const nonce = pageNonce(c);
    const session = c.get('session');
    if (session) {
      // Reached by typing the address: logging out stays a POST with the CSRF token.
      return sendPage(
        c,
        <MessagePage
          nonce={nonce}
          title="Log out"
          heading={`Log out ${session.user}?`}
          actions={
            <>
              <form method="post" action={pageLink(c, '/logout')}>
                <input type="hidden" name="cp_security_token" value={session.securityToken} />
                <button type="submit" class="button">
                  Log out
                </button>
              </form>
              <a class="button secondary" href={pageLink(c, '/')}>
                Stay logged in
              </a>
            </>
          }
        />,
      );
    }
    return sendPage(
      c,
      <MessagePage nonce={nonce} title="Logged out" heading="You have been logged out">
        <p>To open your control panel again, log in from your hosting provider’s client area.</p>
      </MessagePage>,
    );
  });

  return routes;
}
