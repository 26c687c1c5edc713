// Sends a hono/jsx page as a complete HTML document (standards mode needs the doctype), with the
// path of this server under its public URL at hand for the page's own links (useLink).
import type { Context } from 'hono';
import { html } from 'hono/html';
import { createContext, useContext } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PageContext } from './page-env.ts';

/** The path in front of this server's own paths as the browser sees them ('' or '/sub'). */
const BaseContext = createContext('');

/** A link to one of this server's own paths (`/logout`) as the browser must ask for it. */
export const useLink = (path: string): string => `${useContext(BaseContext)}${path}`;

export function sendPage(
  c: Context,
  page: JSX.Element,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  const base = (c as PageContext).get('base') ?? '';
  return c.html(
    html`<!doctype html>${<BaseContext.Provider value={base}>{page}</BaseContext.Provider>}`,
    status,
  );
}
