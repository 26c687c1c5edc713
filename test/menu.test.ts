// The home page's model: which link goes where, and in which order (SPEC §6).
import { describe, expect, it } from 'vitest';
import { summarizeLink } from '../src/links/icon-hash.ts';
import { getUsersLinks, launchPath } from '../src/links/users-links.ts';
import type { GroupConfig, LinkUserConfig, Store } from '../src/store/store.ts';
import { buildMenu } from '../src/ui/menu.ts';
import { makePng } from './helpers/png.ts';

function fakeStore(links: Record<string, LinkUserConfig>, groups: Record<string, GroupConfig>) {
  return {
    listLinks: async () => Object.keys(links).sort(),
    getLink: async (_user: string, app: string) => links[app],
    getLinkSummary: async (_user: string, app: string) => {
      const config = links[app];
      return config && summarizeLink(config);
    },
    listGroups: async () => Object.keys(groups).sort(),
    getGroup: async (_user: string, id: string) => groups[id],
  } as unknown as Store;
}

const link = (label: string, extra: LinkUserConfig = {}): LinkUserConfig => ({
  label,
  implements: 'tool',
  url: 'https://example.com/',
  ...extra,
});

describe('buildMenu', () => {
  it('puts links in the username menu, the panels and the upgrade box by the rules', async () => {
    const menu = await buildMenu(
      fakeStore(
        {
          nogroup: link('No group'),
          pref: link('Preferences link', { group_id: 'pref' }),
          billing: link('Billing', { implements: 'billing', group_id: 'files' }),
          support: link('Support', { implements: 'support', group_id: 'email' }),
          care: link('Care', { implements: 'customer_service', group_id: 'email' }),
          upgrade: link('Upgrade', { implements: 'upgrade', group_id: 'metrics' }),
          orphan: link('Orphan', { group_id: 'gone' }),
          hidden: link('Hidden', { group_id: 'files', hide: '1' }),
          hiddenUpgrade: link('Hidden upgrade', { implements: 'upgrade', hide: '1' }),
          backup: link('Backup', { group_id: 'files' }),
          dns: link('DNS', { group_id: 'domains' }),
          mine: link('Mine', { group_id: 'custom_b' }),
          yours: link('Yours', { group_id: 'custom_a' }),
          theirs: link('Theirs', { group_id: 'custom_c' }),
        },
        {
          custom_a: { label: 'Zeta tools', order: '5' },
          custom_b: { label: 'Alpha tools', order: '5' },
          custom_c: { label: 'First tools', order: '1' },
          unused: { label: 'Unused', order: '1' },
        },
      ),
      'alice',
    );
    expect(menu.userMenu.map((i) => i.app).sort()).toEqual(
      ['billing', 'care', 'nogroup', 'orphan', 'pref', 'support', 'upgrade'].sort(),
    );
    expect(menu.panels.map((p) => [p.label, p.items.map((i) => i.app)])).toEqual([
      ['Files', ['backup']],
      ['Domains', ['dns']],
      ['First tools', ['theirs']],
      ['Alpha tools', ['mine']],
      ['Zeta tools', ['yours']],
    ]);
    expect(menu.upgrades.map((i) => i.app)).toEqual(['upgrade']);
    expect(menu.empty).toBe(false);
  });

  it('orders items by order (default 99999, may be negative), then label', async () => {
    const menu = await buildMenu(
      fakeStore(
        {
          a: link('beta', { group_id: 'files' }),
          b: link('Alpha', { group_id: 'files' }),
          c: link('Zulu', { group_id: 'files', order: '-3' }),
          d: link('Mike', { group_id: 'files', order: '99998' }),
          e: link('Alpha', { group_id: 'files', order: '100000' }),
        },
        {},
      ),
      'alice',
    );
    expect(menu.panels[0]?.items.map((i) => i.app)).toEqual(['c', 'd', 'b', 'a', 'e']);
  });

  it('gives an icon hash only to links with a real PNG, and is empty without visible links', async () => {
    const png = makePng(8).toString('base64');
    const menu = await buildMenu(
      fakeStore(
        {
          icon: link('Icon', { base64_png_image: png }),
          broken: link('Broken', { base64_png_image: 'bm90IGEgcG5n' }),
        },
        {},
      ),
      'alice',
    );
    const byApp = Object.fromEntries(menu.userMenu.map((i) => [i.app, i.iconHash]));
    expect(byApp.icon).toMatch(/^[0-9a-f]{32}$/);
    expect(byApp.broken).toBeUndefined();

    const empty = await buildMenu(fakeStore({ h: link('H', { hide: '1' }) }, {}), 'alice');
    expect(empty).toEqual({ userMenu: [], panels: [], upgrades: [], empty: true });
  });

  it('is the order get_users_links takes "first" from: an appkey leads to the link shown first', async () => {
    // Labels differing only in case, a link without a label (shown by its app), equal orders.
    const links: Record<string, LinkUserConfig> = {
      zeta: link('alpha Billing', { implements: 'billing' }),
      alpha: link('Zeta Billing', { implements: 'billing' }),
      beta: link('', { implements: 'support' }),
      aardvark: link('Bravo', { implements: 'support' }),
      late: link('a', { implements: 'upgrade', order: '7' }),
      early: link('z', { implements: 'upgrade', order: '-3' }),
    };
    const store = fakeStore(links, {});
    const menu = await buildMenu(store, 'alice');
    const appkeys = await getUsersLinks(store, { user: 'alice', service: 'cpaneld' });
    for (const appkey of ['billing', 'support', 'upgrade']) {
      const shownFirst = menu.userMenu.find((item) => item.implements === appkey)?.app as string;
      expect(appkeys[appkey]).toBe(launchPath(shownFirst));
    }
    // Worked out by hand: "alpha Billing" < "Zeta Billing" ignoring case; "beta" < "Bravo";
    // order -3 before 7.
    expect([appkeys.billing, appkeys.support, appkeys.upgrade]).toEqual(
      ['zeta', 'beta', 'early'].map(launchPath),
    );
  });
});
