// cPanel session URLs put a `/cpsessNNNNNNNNNN` segment in front of every path. The app routes
// on the path without it (so Hono keeps its fastest router: a regex route segment would make it
// fall back to a slower one), and a handler that must check the token reads it back here.
import { getPath } from 'hono/utils/url';

const PREFIX = /^\/cpsess[0-9]+(?=\/)/;

/** The request's path without a leading /cpsessNNN segment: Hono's `getPath` for the app. */
export function pathWithoutCpsess(request: Request): string {
  return getPath(request).replace(PREFIX, '');
}

/** The `/cpsessNNN` prefix of a URL, if it has one. */
export function cpsessPrefix(url: string): string | undefined {
  return PREFIX.exec(new URL(url).pathname)?.[0];
}
