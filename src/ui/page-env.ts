// What the end-user routes share: their dependencies, the per-request variables (CSP nonce,
// session) and the middleware that sets them with the security headers every page carries.
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Session, Sessions } from '../accounts/sessions.ts';
import type { LaunchDeps } from '../broker/autologin.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

export interface PageDeps {
  store: Store;
  logger: Logger;
  broker: LaunchDeps;
  sessions: Sessions;
  /** Clock of continuations (milliseconds); injected by tests. */
  now(): number;
  publicUrl(): string;
  /** HMAC key of wait-page continuations (32 bytes, from the data dir). */
  continuationKey: Buffer;
  maxBodyBytes: number;
}

export interface PageEnv {
  Variables: {
    /** The CSP nonce of this response's <style> and <script>. */
    nonce: string;
    session: Session | undefined;
    sessionId: string | undefined;
  };
}

export type PageContext = Context<PageEnv>;

/** cPanel's own cookie name for a control-panel session. */
export const SESSION_COOKIE = 'cpsession';

/**
 * Only this server's own resources, plus the nonce-bearing <style> and countdown <script>; no
 * inline attribute styles or handlers, no framing, forms only back to this server.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sets the CSP nonce and, on the way out, the security headers every page carries. Pages that
 * need no session (the API reference) use this alone.
 */
export function pageSecurity(): MiddlewareHandler<PageEnv> {
  return async (c, next) => {
    // randomUUID draws from a pooled entropy cache: 122 random bits, far cheaper than randomBytes.
    const nonce = randomUUID().replaceAll('-', '');
    c.set('nonce', nonce);
    c.set('session', undefined);
    c.set('sessionId', undefined);
    // Set before the handler runs, so they go into the response it creates (setting headers on
    // a finished response makes Hono copy it — a measurable cost on the click path). A handler
    // may still override any of them with c.header().
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce));
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    // Page URLs may carry a continuation: never pass them to another site. (Not no-referrer:
    // then a browser sends `Origin: null` with the logout form, which the CSRF check refuses.)
    // Redirects to partners set no-referrer themselves.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
    await next();
  };
}

/** pageSecurity, plus the session named by the cookie. */
export function pageMiddleware(deps: PageDeps): MiddlewareHandler<PageEnv> {
  const security = pageSecurity();
  return (c, next) =>
    security(c, async () => {
      const sessionId = getCookie(c, SESSION_COOKIE);
      if (sessionId) {
        const session = await deps.sessions.resume(sessionId);
        // A removed account's session ends with it.
        if (session && (await deps.store.getAccount(session.user))) {
          c.set('session', session);
          c.set('sessionId', sessionId);
        }
      }
      await next();
    });
}

/** True when the cookie must be `Secure`: an https public URL, or a request that came over TLS. */
function wantsSecureCookie(c: Context, deps: PageDeps): boolean {
  return deps.publicUrl().startsWith('https:') || new URL(c.req.url).protocol === 'https:';
}

export function setSessionCookie(c: Context, deps: PageDeps, sessionId: string): void {
  setCookie(c, SESSION_COOKIE, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: wantsSecureCookie(c, deps),
  });
}

export function clearSessionCookie(c: Context, deps: PageDeps): void {
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: wantsSecureCookie(c, deps),
  });
}

/** A navigation another site started (a link or form elsewhere): never act on it unasked. */
export const isCrossSite = (c: Context) => c.req.header('sec-fetch-site') === 'cross-site';
