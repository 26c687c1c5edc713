// The stamped file cache under the file store and the session records: a remembered parse is
// served only while lstat shows the very file it came from, so a file another process replaced,
// rewrote or removed is seen at once, and a symlink is refused rather than followed.
import { rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSessionRecords } from '../../src/accounts/session-files.ts';
import { createSessions } from '../../src/accounts/sessions.ts';
import { silentLogger } from '../../src/log.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { createStampedCache, SETTLE_MS } from '../../src/store/stamped-cache.ts';
import { StoreIntegrityError } from '../../src/store/store.ts';
import { makeStoreTempDir, removeStoreTempDirs } from '../helpers/store-fs.ts';

afterEach(removeStoreTempDirs);

/** A cache whose clock runs ahead, so files written just now already count as settled. */
function setup(now = () => Date.now() + 10 * SETTLE_MS) {
  let parses = 0;
  const cache = createStampedCache<string>({ now });
  const read = (path: string) =>
    cache.read(path, (raw) => {
      parses += 1;
      return raw.toString('utf8');
    });
  return { cache, read, parses: () => parses };
}

describe('createStampedCache', () => {
  it('parses an unchanged file once', async () => {
    const path = join(await makeStoreTempDir(), 'a.json');
    await writeFile(path, 'one');
    const t = setup();
    expect(t.read(path)).toBe('one');
    expect(t.read(path)).toBe('one');
    expect(t.parses()).toBe(1);
  });

  it('sees a file replaced by rename, rewritten in place or removed, at once', async () => {
    const dir = await makeStoreTempDir();
    const path = join(dir, 'a.json');
    await writeFile(path, 'one');
    const t = setup();
    expect(t.read(path)).toBe('one');
    // Another process's atomic replace: a new file renamed over the old one.
    await writeFile(join(dir, 'tmp'), 'two');
    await rename(join(dir, 'tmp'), path);
    expect(t.read(path)).toBe('two');
    // An edit in place, same size (a later time stamp tells it apart).
    await delay(20);
    await writeFile(path, 'six');
    expect(t.read(path)).toBe('six');
    await unlink(path);
    expect(t.read(path)).toBeUndefined();
  });

  it('refuses a symlink instead of following it, even where a file was remembered', async () => {
    const dir = await makeStoreTempDir();
    const path = join(dir, 'a.json');
    await writeFile(join(dir, 'elsewhere'), 'secret');
    await writeFile(path, 'one');
    const t = setup();
    expect(t.read(path)).toBe('one');
    await rm(path);
    await symlink(join(dir, 'elsewhere'), path);
    expect(() => t.read(path)).toThrow(StoreIntegrityError);
  });

  it('does not remember a file changed within the last SETTLE_MS (its stamp may repeat)', async () => {
    const path = join(await makeStoreTempDir(), 'a.json');
    await writeFile(path, 'one');
    const t = setup(Date.now);
    t.read(path);
    t.read(path);
    expect(t.parses()).toBe(2);
  });

  it('does not remember what the parser refused', async () => {
    const path = join(await makeStoreTempDir(), 'a.json');
    await writeFile(path, 'bad');
    const cache = createStampedCache<string>({ now: () => Date.now() + 10 * SETTLE_MS });
    let parses = 0;
    const refuse = () => {
      parses += 1;
      return undefined;
    };
    expect(cache.read(path, refuse)).toBeUndefined();
    expect(cache.read(path, refuse)).toBeUndefined();
    expect(parses).toBe(2);
  });
});

describe('createStampedCache bounds', () => {
  const counting = (options: {
    maxEntries?: number;
    maxBytes?: number;
    weigh?: (value: string) => number;
  }) => {
    let parses = 0;
    const cache = createStampedCache<string>({
      ...options,
      now: () => Date.now() + 10 * SETTLE_MS,
    });
    const read = (path: string) =>
      cache.read(path, (raw) => {
        parses += 1;
        return raw.toString('utf8');
      });
    return { read, parses: () => parses };
  };

  it('starts over when more files than maxEntries are remembered', async () => {
    const dir = await makeStoreTempDir();
    const paths = ['a', 'b', 'c'].map((name) => join(dir, name));
    for (const path of paths) await writeFile(path, path);
    const t = counting({ maxEntries: 2 });
    for (const path of paths) t.read(path);
    t.read(paths[2] as string); // remembered: the third started the table over
    expect(t.parses()).toBe(3);
    t.read(paths[0] as string); // forgotten with the rest
    expect(t.parses()).toBe(4);
  });

  it('starts over past maxBytes, and never remembers one file larger than it', async () => {
    const dir = await makeStoreTempDir();
    const small = join(dir, 'small');
    const big = join(dir, 'big');
    await writeFile(small, 'x'.repeat(60));
    await writeFile(big, 'y'.repeat(200));
    const t = counting({ maxBytes: 100 });
    t.read(big);
    t.read(big);
    expect(t.parses()).toBe(2);
    t.read(small);
    t.read(small);
    expect(t.parses()).toBe(3);
  });

  it('counts what an entry weighs when the value kept is smaller than its file', async () => {
    const dir = await makeStoreTempDir();
    const paths = ['a', 'b', 'c', 'd'].map((name) => join(dir, name));
    for (const path of paths) await writeFile(path, 'z'.repeat(1000));
    // Files of 1,000 bytes whose values weigh 20: all four fit in 100.
    const light = counting({ maxBytes: 100, weigh: () => 20 });
    for (const path of [...paths, ...paths]) light.read(path);
    expect(light.parses()).toBe(4);
    // Weighed by their values' length, 1,000 each: none fits.
    const heavy = counting({ maxBytes: 100, weigh: (value) => value.length });
    for (const path of [...paths, ...paths]) heavy.read(path);
    expect(heavy.parses()).toBe(8);
  });
});

// These wait until the files have settled, so the caches really serve them.
describe('the caches seen from another process', () => {
  it('a link and a session changed by another process are seen at once', async () => {
    const dataDir = await makeStoreTempDir();
    const server = createFileStore({ dataDir, logger: silentLogger });
    await server.init();
    await server.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    const config = { label: 'Billing', url: 'https://billing.example/', implements: 'billing' };
    await server.putLink('alice', 'billing', config, 'token-1');
    const sessions = createSessions(await createFileSessionRecords(dataDir));
    const other = createSessions(await createFileSessionRecords(dataDir));
    const login = await sessions.createLogin('alice');
    const kept = await sessions.redeemLogin(login.token);
    const ended = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    await delay(SETTLE_MS + 100);

    // Served from the caches now.
    expect(await server.getLink('alice', 'billing')).toEqual(config);
    expect(await server.getLink('alice', 'billing')).toBe(await server.getLink('alice', 'billing'));
    expect(await sessions.resume(kept?.sessionId ?? '')).toMatchObject({ user: 'alice' });
    expect(await sessions.resume(ended?.sessionId ?? '')).toMatchObject({ user: 'alice' });

    // The `linkbroker whmapi1` CLI is another process with a store of its own.
    const cli = createFileStore({ dataDir, logger: silentLogger });
    await cli.putLink('alice', 'billing', { ...config, label: 'Invoices' }, 'token-2');
    expect(await server.getLink('alice', 'billing')).toMatchObject({ label: 'Invoices' });
    expect(await server.getLinkToken('alice', 'billing')).toBe('token-2');
    await cli.updateLinkToken('alice', 'billing', 'token-3');
    expect(await server.getLinkToken('alice', 'billing')).toBe('token-3');
    expect(await server.getLinkForLaunch('alice', 'billing')).toEqual({
      link: { ...config, label: 'Invoices' },
      token: 'token-3',
    });
    await cli.removeLink('alice', 'billing');
    expect(await server.getLink('alice', 'billing')).toBeUndefined();
    expect(await server.getLinkForLaunch('alice', 'billing')).toBeUndefined();

    // A logout in another process, and a session file removed by hand.
    await other.end(ended?.sessionId ?? '');
    expect(await sessions.resume(ended?.sessionId ?? '')).toBeUndefined();
    await rm(join(dataDir, 'sessions'), { recursive: true });
    expect(await sessions.resume(kept?.sessionId ?? '')).toBeUndefined();
  });
});
