// The order of a user's menu (SPEC §6): by `order`, then label (case-insensitively), then id.
// The home page and get_users_links both use it, so a built-in appkey leads to the very link
// the user sees first.
import type { LinkUserConfig } from '../store/store.ts';

export const DEFAULT_ORDER = 99999;

/** A stored `order` as a number; absent or unreadable counts as the default. */
export const orderOf = (value: string | undefined) => {
  const n = Number(value ?? DEFAULT_ORDER);
  return Number.isFinite(n) ? n : DEFAULT_ORDER;
};

export interface OrderKey {
  order: number;
  label: string;
  id: string;
}

/** A link's key as the menu shows it: a link without a label is shown by its app. */
export const linkOrderKey = (app: string, config: LinkUserConfig): OrderKey => ({
  order: orderOf(config.order),
  label: config.label || app,
  id: app,
});

export const byOrderThenLabel =
  <T>(key: (item: T) => OrderKey) =>
  (a: T, b: T) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka.order !== kb.order) return ka.order - kb.order;
    const byLabel = ka.label.localeCompare(kb.label, 'en', { sensitivity: 'base' });
    if (byLabel !== 0) return byLabel;
    return ka.id < kb.id ? -1 : ka.id > kb.id ? 1 : 0;
  };
