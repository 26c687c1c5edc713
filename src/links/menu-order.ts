// The order of a user's menu (SPEC §6): by `order`, then label (case-insensitively), then id.
// The home page and get_users_links both use it, so a built-in appkey leads to the very link
// the user sees first.
import { BLANK } from '../rules.ts';
import type { LinkUserConfig } from '../store/store.ts';

export const DEFAULT_ORDER = 99999;

/** A stored `order` as a number; absent, empty or not an integer counts as the default. */
export const orderOf = (value: string | undefined) =>
  value !== undefined && /^\s*-?\d+\s*$/.test(value) ? Number(value) : DEFAULT_ORDER;

/** What a link is shown as: its label, or its app when the label has nothing visible. */
export const shownLabel = (app: string, label: string | undefined) =>
  label && !BLANK.test(label) ? label : app;

export interface OrderKey {
  order: number;
  label: string;
  id: string;
}

/** A link's key as the menu shows it: a link without a label is shown by its app. */
export const linkOrderKey = (
  app: string,
  config: Pick<LinkUserConfig, 'order' | 'label'>,
): OrderKey => ({
  order: orderOf(config.order),
  label: shownLabel(app, config.label),
  id: app,
});

/**
 * Labels compare as localeCompare(…, 'en', {sensitivity: 'base'}) does, through one collator:
 * localeCompare with options builds one per call, which made sorting 10,000 links take most of
 * a second (a shared collator: about 20 ms).
 */
const labelCollator = new Intl.Collator('en', { sensitivity: 'base' });

export const byOrderThenLabel =
  <T>(key: (item: T) => OrderKey) =>
  (a: T, b: T) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka.order !== kb.order) return ka.order - kb.order;
    const byLabel = labelCollator.compare(ka.label, kb.label);
    if (byLabel !== 0) return byLabel;
    return ka.id < kb.id ? -1 : ka.id > kb.id ? 1 : 0;
  };
