// get_users_links (SPEC §3.2): the appkeys of the user's interface mapped to server-relative
// paths — the four built-in appkeys partners implement, plus one launch path per link.
import type { LinkUserConfig, Store } from '../store/store.ts';
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
const menuOrder = byOrderThenLabel(([app, config]: [string, LinkUserConfig]) =>
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

/**
 * appkey → path. Each built-in appkey leads to the first visible link implementing it, else to
 * APPKEY_FALLBACK_PATH; each link (hidden ones too: they stay launchable) is keyed by its app,
 * and wins when its app equals a built-in appkey, since launching that app must open that link.
 */
export async function getUsersLinks(
  store: Store,
  params: UsersLinksParams,
): Promise<Record<string, string>> {
  // params.service is cpaneld, the one interface there is (the schema refuses others).
  const { user } = params;
  const links = await readAll(await store.listLinks(user), (app) => store.getLink(user, app));
  const visible = links.filter(([, config]) => config.hide !== '1').sort(menuOrder);
  // No prototype: an app may be named "__proto__", which on a plain object would set nothing.
  const data: Record<string, string> = Object.create(null);
  for (const appkey of BUILTIN_APPKEYS) {
    const first = visible.find(([, config]) => config.implements === appkey);
    data[appkey] = first ? launchPath(first[0]) : APPKEY_FALLBACK_PATH;
  }
  for (const [app] of links) data[app] = launchPath(app);
  return data;
}
