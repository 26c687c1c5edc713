// What the end-user routes share: their dependencies, the per-request variables (CSP nonce,
// session) and the middleware that sets them with the security headers every page carries.
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
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
    /** The CSP nonce of this response's <style> and <script>; read it through pageNonce(c). */
    nonce: string | undefined;
    session: Session | undefined;
    sessionId: string | undefined;
    /** The public URL's path ('' or '/sub'), in front of the page's own links: see setBase. */
    base: string | undefined;
  };
}

export type PageContext = Context<PageEnv>;

/** The click path (cPanel's own path for integration links). */
export const LAUNCH_ROUTE = '/integration/index.html';

let lastPublicUrl = '';
let lastBase = '';

/**
 * The path of a public URL without its final slash: '' for `https://panel.example.com/`, '/sub'
 * for `https://example.com/sub/` (a proxy that hands `/sub/…` to this server's `/…`).
 */
export function basePath(publicUrl: string): string {
  if (publicUrl !== lastPublicUrl) {
    lastBase = new URL(publicUrl).pathname.replace(/\/+$/, '');
    lastPublicUrl = publicUrl;
  }
  return lastBase;
}

/** Makes the page's own links and redirects start with the public URL's path (sendPage, pageLink). */
export function setBase(c: PageContext, deps: { publicUrl(): string }): void {
  c.set('base', basePath(deps.publicUrl()));
}

/** One of this server's own paths as the browser must ask for it (for a redirect). */
export const pageLink = (c: PageContext, path: string): string => `${c.get('base') ?? ''}${path}`;

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

/** The CSP of an answer without content (a redirect): nothing may load, frame or submit. */
const NO_CONTENT_CSP =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The CSP nonce of this response. The first call draws it and prepares the security headers
 * every page carries; they are set before the handler answers, so they go into the response it
 * creates (setting headers on a finished response makes Hono copy it). A handler may still
 * override any of them with c.header().
 */
export function pageNonce(c: PageContext): string {
  let nonce = c.get('nonce');
  if (nonce === undefined) {
    // randomUUID draws from a pooled entropy cache: 122 random bits, far cheaper than randomBytes.
    nonce = randomUUID().replaceAll('-', '');
    c.set('nonce', nonce);
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce));
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    // Page URLs may carry a continuation: never pass them to another site. (Not no-referrer:
    // then a browser sends `Origin: null` with the logout form, which the CSRF check refuses.)
    // Redirects to partners set no-referrer themselves.
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  }
  return nonce;
}

/** True once pageNonce prepared headers on this context: an answer must then come from Hono. */
export const headersPrepared = (c: PageContext) => c.get('nonce') !== undefined;

/**
 * The whole header set of the click path's redirect (to the partner or the fallback), for a
 * `new Response` of its own: a plain object, which @hono/node-server writes as it is, where
 * headers prepared on the context would first be built into a WHATWG Headers and read back.
 */
export function redirectHeaders(location: string): Record<string, string> {
  return {
    Location: location,
    'Cache-Control': 'no-store',
    // The destination's URL carries a one-time code: no Referer to the next site either.
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': NO_CONTENT_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

/** Sets the CSP nonce and the security headers; pages that need no session use this alone. */
export function pageSecurity(): MiddlewareHandler<PageEnv> {
  return (c, next) => {
    pageNonce(c);
    return next();
  };
}

/**
 * The session cookie's value in a Cookie header, the first one if several. Read as sent: a
 * session id is base64url, nothing to unquote or decode (anything else fails its format check).
 * Five times cheaper than hono/cookie's general parser, and every page request reads it.
 */
export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === SESSION_COOKIE) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether the session's account exists and is the very account the session was opened for: a
 * removed account's session ends with it, and does not come back with a later account that is
 * given the same name.
 */
export async function sessionAccountExists(deps: PageDeps, session: Session): Promise<boolean> {
  const account = await deps.store.getAccount(session.user);
  return account !== undefined && account.id === session.account;
}

/** Sets the session named by the cookie, if it is live and its account still exists. */
export async function loadSession(c: PageContext, deps: PageDeps): Promise<void> {
  const sessionId = sessionCookie(c.req.header('cookie'));
  if (!sessionId) return;
  const session = await deps.sessions.resume(sessionId);
  if (session && (await sessionAccountExists(deps, session))) {
    c.set('session', session);
    c.set('sessionId', sessionId);
  }
}

/** pageSecurity plus the session named by the cookie. */
export function pageMiddleware(deps: PageDeps): MiddlewareHandler<PageEnv> {
  return async (c, next) => {
    pageNonce(c);
    setBase(c, deps);
    await loadSession(c, deps);
    // Returned, not awaited: nothing to do afterwards, so no frame waits for the answer.
    return next();
  };
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
