// Details of what the menu shows: the order of items with an empty stored order, labels with
// nothing visible, and icons decoded once per version of a link (not on every page view).
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_ORDER, orderOf, shownLabel } from '../src/links/menu-order.ts';
import * as png from '../src/links/png.ts';
import type { LinkUserConfig } from '../src/store/store.ts';
import { iconHash, storedIconHash } from '../src/ui/menu.ts';
import { makePng } from './helpers/png.ts';

vi.mock('../src/links/png.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/links/png.ts')>();
  return { ...original, normalisePngBase64: vi.fn(original.normalisePngBase64) };
});

describe('orderOf', () => {
  it('reads an integer, and counts an absent, empty or unreadable order as the default', () => {
    expect([orderOf('5'), orderOf('-5'), orderOf('0')]).toEqual([5, -5, 0]);
    // Files written by hand or copied from a cPanel server may hold these.
    for (const value of [undefined, '', ' ', 'abc', '1.5', '1e3']) {
      expect(orderOf(value)).toBe(DEFAULT_ORDER);
    }
  });
});

describe('shownLabel', () => {
  it('shows the app for a label with nothing visible', () => {
    expect(shownLabel('billing', 'Billing')).toBe('Billing');
    for (const label of [undefined, '', '   ', '\u200b', '\u00a0\u2060']) {
      expect(shownLabel('billing', label)).toBe('billing');
    }
  });
});

describe('storedIconHash', () => {
  it('decodes and hashes an icon once per version of the link, not on every view', () => {
    const image = makePng(16);
    const config: LinkUserConfig = { label: 'L', base64_png_image: image.toString('base64') };
    const decode = vi.mocked(png.normalisePngBase64);
    decode.mockClear();
    for (let i = 0; i < 5; i++) expect(storedIconHash(config)).toBe(iconHash(image));
    expect(decode).toHaveBeenCalledTimes(1);
    // Another version of the file is another object: decoded again.
    const changed = { ...config, base64_png_image: makePng(24).toString('base64') };
    expect(storedIconHash(changed)).toBe(iconHash(makePng(24)));
    expect(decode).toHaveBeenCalledTimes(2);
    expect(storedIconHash({ label: 'none' })).toBeUndefined();
  });
});
