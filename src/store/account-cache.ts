// Remembers account lookups (every per-user API call starts with one) while the accounts
// directory is unchanged: one lstat instead of open/fstat/read/close/parse. Any process that
// adds or removes an account changes the directory's mtime/ctime, which empties the cache.
// (Two changes by another process within one timestamp tick of a lookup could go unseen until
// the next change; this process's own writes always empty it.)
import { lstatSync } from 'node:fs';
import type { Account } from './store.ts';
import { StoreIntegrityError } from './store.ts';

const MAX_ENTRIES = 10_000;

export function createAccountCache(accountsDir: string) {
  const entries = new Map<string, Account | undefined>();
  let stamp = '';

  /** The directory's identity and change times; '' when it does not exist. */
  function currentStamp(): string {
    const stats = lstatSync(accountsDir, { throwIfNoEntry: false });
    if (!stats) return '';
    if (!stats.isDirectory()) throw new StoreIntegrityError(`not a directory: ${accountsDir}`);
    return `${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`;
  }

  return {
    async lookup(
      user: string,
      read: () => Promise<Account | undefined>,
    ): Promise<Account | undefined> {
      const now = currentStamp();
      if (now === '') return undefined;
      if (now !== stamp) {
        entries.clear();
        stamp = now;
      }
      if (entries.has(user)) return entries.get(user);
      const account = await read();
      // Only remember what was read under the stamp still current (no change meanwhile).
      if (currentStamp() === stamp) {
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
