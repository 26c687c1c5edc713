// Details of what the menu shows: the order of items with an empty stored order, labels with
// nothing visible, and icons decoded once per version of a link (not on every page view, even
// when the icons of one account outweigh the store's file cache).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { iconHash } from '../src/links/icon-hash.ts';
import { DEFAULT_ORDER, orderOf, shownLabel } from '../src/links/menu-order.ts';
import * as png from '../src/links/png.ts';
import { silentLogger } from '../src/log.ts';
import { createFileStore } from '../src/store/file-store.ts';
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

describe('link summaries (what menus read)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function storeWithAccount() {
    const dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-summary-'));
    dirs.push(dataDir);
    // Files written now count as settled: the caches remember them (stamped-cache.ts).
    const store = createFileStore({
      dataDir,
      logger: silentLogger,
      now: () => Date.now() + 10_000,
    });
    await store.init();
    await store.createAccount({ user: 'alice', domain: 'alice.example.com', created: 0 });
    return store;
  }

  it('hash an icon once per version of the link file, and hold none of its data', async () => {
    const store = await storeWithAccount();
    const putIcon = (png: Buffer) =>
      store.putLink('alice', 'app', { label: 'L', base64_png_image: png.toString('base64') }, 't');
    const image = makePng(16);
    await putIcon(image);
    const decode = vi.mocked(png.normalisePngBase64);
    decode.mockClear();
    for (let i = 0; i < 5; i++) {
      expect(await store.getLinkSummary('alice', 'app')).toEqual({
        label: 'L',
        iconHash: iconHash(image),
      });
    }
    expect(decode).toHaveBeenCalledTimes(1);
    // Another version of the file: hashed again.
    const other = makePng(24);
    await putIcon(other);
    expect((await store.getLinkSummary('alice', 'app'))?.iconHash).toBe(iconHash(other));
    expect(decode).toHaveBeenCalledTimes(2);
    await store.putLink('alice', 'plain', { label: 'P' }, 't');
    expect(await store.getLinkSummary('alice', 'plain')).toEqual({ label: 'P' });
    expect(await store.getLinkSummary('alice', 'nosuch')).toBeUndefined();
  });

  it('stay remembered for every link, however much their icons weigh in all', async () => {
    const store = await storeWithAccount();
    // 30 icons of 512 KiB (a PNG signature and random bytes): 21 MB of link files, past the
    // 16 MiB the whole-file cache holds, which a menu read of each link in turn used to empty.
    const signature = makePng(1).subarray(0, 8);
    for (let i = 0; i < 30; i++) {
      const icon = Buffer.concat([signature, randomBytes(512 * 1024 - 8)]);
      await store.putLink(
        'alice',
        `big${i}`,
        { label: `Big ${i}`, base64_png_image: icon.toString('base64') },
        't',
      );
    }
    const readAll = () =>
      Promise.all(Array.from({ length: 30 }, (_, i) => store.getLinkSummary('alice', `big${i}`)));
    const decode = vi.mocked(png.normalisePngBase64);
    decode.mockClear();
    const first = await readAll();
    expect(decode).toHaveBeenCalledTimes(30);
    for (let view = 0; view < 3; view++) expect(await readAll()).toEqual(first);
    expect(decode).toHaveBeenCalledTimes(30);
    expect(first.every((summary) => summary?.iconHash?.length === 32)).toBe(true);
  });
});
