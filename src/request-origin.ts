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

/**
 * An Origin header naming another origin than this server's: the one the request reached, or its
 * public URL. "null" (a sandboxed or data: page) is another origin too. No Origin is no page.
 */
export function foreignOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  return origin !== new URL(c.req.url).origin && origin !== new URL(publicUrl).origin;
}
