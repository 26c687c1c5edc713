// Link icons: the stored PNG of the session user's link (never inlined into a page) and the
// default puzzle piece, both cached for a year under URLs that carry a content hash.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { decodeStoredIcon, iconHash } from '../links/icon-hash.ts';
import type { PageDeps, PageEnv } from './page-env.ts';

const PUZZLE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">
<rect width="48" height="48" rx="10" fill="#e8f1fb"/>
<path fill="#0a66c2" d="M20 10a4 4 0 0 1 8 0v3h7a2 2 0 0 1 2 2v7h-3a4 4 0 0 0 0 8h3v7a2 2 0 0 1-2 2h-7v-3a4 4 0 0 0-8 0v3h-7a2 2 0 0 1-2-2v-7h3a4 4 0 0 0 0-8h-3v-7a2 2 0 0 1 2-2h7z"/>
</svg>
`;
const PUZZLE_HASH = createHash('sha256').update(PUZZLE_SVG).digest('hex').slice(0, 32);

export const PUZZLE_URL = `/integration/puzzle.svg?v=${PUZZLE_HASH}`;
export const iconUrl = (app: string, hash: string) =>
  `/integration/icon/${encodeURIComponent(app)}.png?v=${hash}`;

const YEAR = 31_536_000;

/** True when the request's If-None-Match names `etag` (or is "*"). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

export function createIconRoutes(deps: PageDeps): Hono<PageEnv> {
  const icons = new Hono<PageEnv>();

  icons.get('/integration/puzzle.svg', (c) => {
    const etag = `"${PUZZLE_HASH}"`;
    c.header('ETag', etag);
    c.header(
      'Cache-Control',
      c.req.query('v') === PUZZLE_HASH ? `public, max-age=${YEAR}, immutable` : 'no-cache',
    );
    if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    return c.body(PUZZLE_SVG, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8' });
  });

  icons.get('/integration/icon/:file{[A-Za-z0-9_-]{1,64}\\.png}', async (c) => {
    const session = c.get('session');
    if (!session) return c.text('Log in to see this icon.', 401);
    const app = c.req.param('file').slice(0, -'.png'.length);
    const link = app.startsWith('group_') ? undefined : await deps.store.getLink(session.user, app);
    const png = decodeStoredIcon(link?.base64_png_image);
    if (!png) return c.text('This link has no icon of its own.', 404);
    const hash = iconHash(png);
    const etag = `"${hash}"`;
    c.header('ETag', etag);
    // Only the URL naming this very content may be cached for good; an older URL revalidates.
    c.header(
      'Cache-Control',
      c.req.query('v') === hash ? `private, max-age=${YEAR}, immutable` : 'private, no-cache',
    );
    if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png' });
  });

  return icons;
}
