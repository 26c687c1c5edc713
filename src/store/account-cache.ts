// Remembers account lookups (every per-user API call starts with one) while the accounts
// directory is unchanged: one lstat instead of open/fstat/read/close/parse. Any process that
// adds or removes an account changes the directory's mtime/ctime, which empties the cache.
// Nothing is remembered while the directory changed in the last SETTLE_MS: two changes within
// one tick of the file system's clock could leave the same stamp (stamped-cache.ts).
import { lstatSync } from 'node:fs';
import { SETTLE_MS } from './stamped-cache.ts';
import type { Account } from './store.ts';
import { StoreIntegrityError } from './store.ts';

const MAX_ENTRIES = 10_000;

/** The directory's identity and change times, compared field by field (no key string built). */
interface Stamp {
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
}

const sameStamp = (a: Stamp, b: Stamp) =>
  a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

export function createAccountCache(accountsDir: string, now: () => number = Date.now) {
  const entries = new Map<string, Account | undefined>();
  /** The stamp the entries were read under; undefined when nothing is remembered. */
  let stamp: Stamp | undefined;

  /** The directory's stats; undefined when it does not exist. */
  function currentStats(): Stamp | undefined {
    const stats = lstatSync(accountsDir, { throwIfNoEntry: false });
    if (stats?.isDirectory() === false) {
      throw new StoreIntegrityError(`not a directory: ${accountsDir}`);
    }
    return stats;
  }

  return {
    async lookup(
      user: string,
      read: () => Promise<Account | undefined>,
    ): Promise<Account | undefined> {
      const current = currentStats();
      if (!current) return undefined;
      if (!stamp || !sameStamp(stamp, current)) {
        entries.clear();
        const { ino, mtimeMs, ctimeMs } = current;
        stamp = { ino, mtimeMs, ctimeMs };
      }
      if (entries.has(user)) return entries.get(user);
      const readUnder = stamp;
      const account = await read();
      // Only remember what was read under a settled stamp that is still the directory's and
      // still the one the entries belong to (no change, here or elsewhere, meanwhile).
      const after = currentStats();
      const settled = now() - readUnder.ctimeMs >= SETTLE_MS;
      if (settled && stamp === readUnder && after && sameStamp(readUnder, after)) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(user, account);
      }
      return account;
    },
    /** Called by this process's own account writes (which may share the directory's mtime tick). */
    forget(): void {
      entries.clear();
      stamp = undefined;
    },
  };
}
