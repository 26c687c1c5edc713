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

interface Stamp {
  key: string;
  /** Whether the directory last changed long enough ago for its stamp to be trusted. */
  settled: boolean;
}

export function createAccountCache(accountsDir: string, now: () => number = Date.now) {
  const entries = new Map<string, Account | undefined>();
  let stamp = '';

  /** The directory's identity and change times; key '' when it does not exist. */
  function currentStamp(): Stamp {
    const stats = lstatSync(accountsDir, { throwIfNoEntry: false });
    if (!stats) return { key: '', settled: false };
    if (!stats.isDirectory()) throw new StoreIntegrityError(`not a directory: ${accountsDir}`);
    return {
      key: `${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`,
      settled: now() - stats.ctimeMs >= SETTLE_MS,
    };
  }

  return {
    async lookup(
      user: string,
      read: () => Promise<Account | undefined>,
    ): Promise<Account | undefined> {
      const current = currentStamp();
      if (current.key === '') return undefined;
      if (current.key !== stamp) {
        entries.clear();
        stamp = current.key;
      }
      if (entries.has(user)) return entries.get(user);
      const account = await read();
      // Only remember what was read under a settled stamp still current (no change meanwhile).
      if (current.settled && currentStamp().key === stamp) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(user, account);
      }
      return account;
    },
    /** Called by this process's own account writes (which may share the directory's mtime tick). */
    forget(): void {
      entries.clear();
      stamp = '';
    },
  };
}
