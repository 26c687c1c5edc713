// What the home page shows (SPEC §6), as plain data: the username menu, the group panels in
// cPanel's order and the "need more resources?" links. No HTML and no Hono here.
import {
  byOrderThenLabel,
  linkOrderKey,
  type OrderKey,
  orderOf,
  shownLabel,
} from '../links/menu-order.ts';
import { BUILTIN_GROUPS, isBuiltinGroup } from '../links/schema.ts';
import { BUILTIN_APPKEYS, readAll } from '../links/users-links.ts';
import type { Store } from '../store/store.ts';

/** Links implementing these (the appkeys partners implement) live in the username menu. */
const USER_MENU_IMPLEMENTS = new Set<string>(BUILTIN_APPKEYS);

/** cPanel's names for its built-in groups (`pref` is the username menu itself). */
export const BUILTIN_GROUP_LABELS: Record<(typeof BUILTIN_GROUPS)[number], string> = {
  files: 'Files',
  databases: 'Databases',
  domains: 'Domains',
  email: 'Email',
  metrics: 'Metrics',
  security: 'Security',
  software: 'Software',
  advanced: 'Advanced',
  pref: 'Preferences',
};

export interface MenuItem {
  app: string;
  label: string;
  implements: string | undefined;
  /** Content hash of the link's PNG icon; undefined → the default puzzle piece. */
  iconHash: string | undefined;
}

export interface MenuPanel {
  id: string;
  label: string;
  items: MenuItem[];
}

export interface Menu {
  userMenu: MenuItem[];
  panels: MenuPanel[];
  /** Links implementing `upgrade`, shown again in the "need more resources?" box. */
  upgrades: MenuItem[];
  /** True when not a single link is visible. */
  empty: boolean;
}

export async function buildMenu(store: Store, user: string): Promise<Menu> {
  const [links, groups] = await Promise.all([
    store.listLinks(user).then((apps) => readAll(apps, (app) => store.getLinkSummary(user, app))),
    store.listGroups(user).then((ids) => readAll(ids, (id) => store.getGroup(user, id))),
  ]);
  const customGroups = new Map(groups);

  const userMenu: MenuItem[] = [];
  const grouped = new Map<string, MenuItem[]>();
  const upgrades: MenuItem[] = [];
  const sortKey = new Map<MenuItem, OrderKey>();

  for (const [app, config] of links) {
    if (config.hide === '1') continue;
    const item: MenuItem = {
      app,
      label: shownLabel(app, config.label),
      implements: config.implements,
      iconHash: config.iconHash,
    };
    sortKey.set(item, linkOrderKey(app, config));
    const group = config.group_id;
    const inUserMenu =
      group === undefined ||
      group === 'pref' ||
      USER_MENU_IMPLEMENTS.has(config.implements ?? '') ||
      // A removed custom group: its links wait in the username menu until it exists again.
      (!isBuiltinGroup(group) && !customGroups.has(group));
    if (inUserMenu) userMenu.push(item);
    else grouped.set(group, [...(grouped.get(group) ?? []), item]);
    if (config.implements === 'upgrade') upgrades.push(item);
  }

  const itemOrder = byOrderThenLabel((item: MenuItem) => sortKey.get(item) as OrderKey);
  const panels: MenuPanel[] = [];
  for (const id of BUILTIN_GROUPS) {
    const items = grouped.get(id);
    if (items) panels.push({ id, label: BUILTIN_GROUP_LABELS[id], items: items.sort(itemOrder) });
  }
  const custom = [...customGroups]
    .filter(([id]) => grouped.has(id))
    .sort(
      byOrderThenLabel(([id, group]) => ({ order: orderOf(group.order), label: group.label, id })),
    );
  for (const [id, group] of custom) {
    panels.push({
      id,
      label: shownLabel(id, group.label),
      items: (grouped.get(id) ?? []).sort(itemOrder),
    });
  }

  return {
    userMenu: userMenu.sort(itemOrder),
    panels,
    upgrades: upgrades.sort(itemOrder),
    empty: userMenu.length === 0 && panels.length === 0,
  };
}
