// get_users_links (SPEC §3.2): the appkeys of the user's interface mapped to server-relative
// paths — the four built-in appkeys partners implement, plus one launch path per link.
import type { LinkUserConfig, Store } from '../store/store.ts';
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

const orderOf = (config: LinkUserConfig) => {
  const n = Number(config.order ?? '99999');
  return Number.isFinite(n) ? n : 99999;
};

/** The menu's order: `order`, then label, then app (so "first" is what the user sees first). */
function menuOrder(a: [string, LinkUserConfig], b: [string, LinkUserConfig]): number {
  const byOrder = orderOf(a[1]) - orderOf(b[1]);
  if (byOrder !== 0) return byOrder;
  const [la, lb] = [a[1].label ?? '', b[1].label ?? ''];
  if (la !== lb) return la < lb ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

async function readLinks(store: Store, user: string): Promise<[string, LinkUserConfig][]> {
  const apps = await store.listLinks(user);
  const links: [string, LinkUserConfig][] = [];
  for (let i = 0; i < apps.length; i += READ_CONCURRENCY) {
    const batch = apps.slice(i, i + READ_CONCURRENCY);
    const configs = await Promise.all(batch.map((app) => store.getLink(user, app)));
    // A link whose file vanished or is corrupt since the listing cannot be launched: skip it.
    configs.forEach((config, j) => {
      if (config) links.push([batch[j] as string, config]);
    });
  }
  return links;
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
  const links = await readLinks(store, user);
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
