// get_users_links (SPEC §3.2): the appkeys of the user's interface mapped to server-relative
// paths — the four built-in appkeys partners implement, plus one launch path per link.
import type { LinkSummary, Store } from '../store/store.ts';
import { byOrderThenLabel, linkOrderKey } from './menu-order.ts';
import type { UsersLinksParams } from './schema.ts';

export const BUILTIN_APPKEYS = ['billing', 'customer_service', 'support', 'upgrade'] as const;

/**
 * Where a built-in appkey leads while no visible link implements it. cPanel points appkeys at
 * pages of its theme (`frontend/jupiter/…`); linkbroker has none of those, and its home page is
 * where the username menu lives (and where an implementing link shows up once created), so the
 * home page is the one path that is never a dead end.
 */
export const APPKEY_FALLBACK_PATH = '/';

const READ_CONCURRENCY = 32;

/** cPanel's own launch path for an integration link (SPEC §5). */
export const launchPath = (app: string) => `/integration/index.html?app=${encodeURIComponent(app)}`;

/** The menu's order (so "first" is what the user sees first). */
const menuOrder = byOrderThenLabel(([app, config]: [string, LinkSummary]) =>
  linkOrderKey(app, config),
);

/**
 * `read` of each id, a bounded number at a time, as [id, value] in the ids' order. What is gone
 * (or corrupt) since the listing cannot be shown or launched: it is left out.
 */
export async function readAll<T>(
  ids: string[],
  read: (id: string) => Promise<T | undefined>,
): Promise<[string, T][]> {
  const found: [string, T][] = [];
  for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
    const batch = ids.slice(i, i + READ_CONCURRENCY);
    const values = await Promise.all(batch.map(read));
    values.forEach((value, j) => {
      if (value !== undefined) found.push([batch[j] as string, value]);
    });
  }
  return found;
}

const isBuiltinAppkey = (value: string) => (BUILTIN_APPKEYS as readonly string[]).includes(value);

/** The user's links, and the visible ones in menu order. */
async function readLinks(store: Store, user: string) {
  const links = await readAll(await store.listLinks(user), (app) =>
    store.getLinkSummary(user, app),
  );
  const visible = links.filter(([, config]) => config.hide !== '1').sort(menuOrder);
  return { links, visible };
}

/** The first visible link implementing a built-in appkey, in menu order (what the user sees). */
const firstImplementing = (visible: [string, LinkSummary][], appkey: string) =>
  visible.find(([, config]) => config.implements === appkey)?.[0];

/**
 * appkey → path. Each built-in appkey leads to the first visible link implementing it, else to
 * APPKEY_FALLBACK_PATH; each link (hidden ones too: they stay launchable) is keyed by its app
 * (SPEC §3.2), and so wins when its app is a built-in appkey: launching that app opens that link.
 */
export async function getUsersLinks(
  store: Store,
  params: UsersLinksParams,
): Promise<Record<string, string>> {
  // params.service is cpaneld, the one interface there is (the schema refuses others).
  const { links, visible } = await readLinks(store, params.user);
  // No prototype: an app may be named "__proto__", which on a plain object would set nothing.
  const data: Record<string, string> = Object.create(null);
  for (const appkey of BUILTIN_APPKEYS) {
    const first = firstImplementing(visible, appkey);
    data[appkey] = first === undefined ? APPKEY_FALLBACK_PATH : launchPath(first);
  }
  for (const [app] of links) data[app] = launchPath(app);
  return data;
}

/**
 * The link a login URL made with `app` launches, read when the URL is opened: what
 * get_users_links maps `app` to (the link named `app`, else for a built-in appkey the first
 * visible link implementing it); undefined (the home page) when there is none. `app` must
 * already follow the link-name rule.
 */
export async function loginLaunchTarget(
  store: Store,
  user: string,
  app: string,
): Promise<string | undefined> {
  if (await store.getLinkSummary(user, app)) return app;
  if (!isBuiltinAppkey(app)) return undefined;
  return firstImplementing((await readLinks(store, user)).visible, app);
}
