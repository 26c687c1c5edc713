// Requests a browser made for a page of another site or origin. What acts for a logged-in user or
// for root runs only for this server's own pages, or for no page at all (an API client).

import type { Context } from 'hono';

/**
 * Sec-Fetch-Site (browsers send it over HTTPS and to localhost) says a page of another origin
 * started the request: another site, or a sibling origin of the same site (another subdomain,
 * port or scheme: on a hosting server, a customer's page), which a SameSite=Lax cookie reaches.
 */
export function startedElsewhere(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  return site === 'cross-site' || site === 'same-site';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * For a navigation that acts at once (the click path): whether it may have been started by a
 * page of another origin. Sec-Fetch-Site decides where a browser sends it: over HTTPS and to
 * localhost. Over plain HTTP to another host no browser sends it, so only a Referer of this
 * server's own pages (they send one: Referrer-Policy same-origin) shows the click came from
 * here; no Referer, or another's, may be a sibling site's page (an <img> the Lax cookie
 * reaches) and asks first. A request to a loopback host without the header is no browser's.
 */
export function mayBeStartedElsewhere(c: Context, publicUrl: string): boolean {
  if (c.req.header('sec-fetch-site') !== undefined) return startedElsewhere(c);
  const here = new URL(c.req.url);
  if (LOOPBACK_HOSTS.has(here.hostname) || here.hostname.endsWith('.localhost')) return false;
  const referer = c.req.header('referer');
  if (referer === undefined) return true;
  let from: string;
  try {
    from = new URL(referer).origin;
  } catch {
    return true;
  }
  return from !== here.origin && from !== new URL(publicUrl).origin;
}

/**
 * An Origin header naming another origin than this server's: the one the request reached, or its
 * public URL. "null" (a sandboxed or data: page) is another origin too. No Origin is no page.
 */
export function foreignOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  return origin !== new URL(c.req.url).origin && origin !== new URL(publicUrl).origin;
}
