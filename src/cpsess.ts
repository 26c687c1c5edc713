// cPanel session URLs put a `/cpsessNNNNNNNNNN` segment in front of every path. The app routes
// on the path without it (so Hono keeps its fastest router: a regex route segment would make it
// fall back to a slower one), and a handler that must check the token reads it back here.
import { getPath } from 'hono/utils/url';

const PREFIX = /^\/cpsess[0-9]+(?=\/)/;

/** The request's path without a leading /cpsessNNN segment: Hono's `getPath` for the app. */
export function pathWithoutCpsess(request: Request): string {
  return getPath(request).replace(PREFIX, '');
}

/**
 * The `/cpsessNNN` prefix of the request's path, if it has one, read from the same decoded path
 * the app routes on: a prefix spelled with percent escapes (`/cpsess%30…`, `/%63psess…`) is
 * routed without it, so it must be checked too.
 */
export function cpsessPrefix(request: Request): string | undefined {
  return PREFIX.exec(getPath(request))?.[0];
}
