// Accounts (SPEC §3.3, minimal subset): the rules for names and domains, and the lookups every
// per-user function starts with.
import { z } from 'zod';
import { ConflictError, NotFoundError, quote } from '../errors.ts';
import { q, str } from '../rules.ts';
import type { Account, Store } from '../store/store.ts';

const USERNAME = /^[a-z][a-z0-9]{0,15}$/;
const RESERVED = new Set(['root', 'nobody', 'all', 'admin', 'daemon', 'bin', 'sys', 'mail']);

const username = str('username')
  .refine((v) => v.length > 0, { message: `${q('username')} must not be empty.`, abort: true })
  .refine((v) => v.length <= 16, {
    message: `${q('username')} may be at most 16 characters long.`,
    abort: true,
  })
  .refine(
    (v) => USERNAME.test(v),
    `${q('username')} must start with a lowercase letter and contain only lowercase letters and digits.`,
  )
  .refine((v) => !v.startsWith('test'), `${q('username')} must not begin with “test”.`)
  .refine(
    (v) => !RESERVED.has(v) && !v.startsWith('cpanel'),
    `${q('username')} is a reserved name.`,
  );

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const domain = str('domain')
  .transform((v) => v.toLowerCase().replace(/\.$/, ''))
  .refine(
    (v) => {
      const labels = v.split('.');
      return (
        v.length <= 253 &&
        labels.length >= 2 &&
        labels.every((l) => LABEL.test(l)) &&
        /[a-z]/.test(labels.at(-1) ?? '')
      );
    },
    `${q('domain')} must be a valid host name such as “example.com”.`,
  );

export const createAccountParams = z.object({ username, domain });

/** The user named by `user` if that account exists; NotFoundError otherwise. */
export async function requireAccount(store: Store, user: string | undefined): Promise<string> {
  if (user === undefined || user === '') throw new NotFoundError(`${q('user')} is required.`);
  // A name that could never be an account is answered without touching the store.
  if (!USERNAME.test(user) || !(await store.getAccount(user))) {
    throw new NotFoundError(`You do not have a user named ${quote(user)}.`);
  }
  return user;
}

export async function createAccount(
  store: Store,
  params: z.output<typeof createAccountParams>,
  now: () => number,
): Promise<Account> {
  const account = {
    user: params.username,
    domain: params.domain,
    created: Math.floor(now() / 1000),
  };
  const existing = await store.listAccounts();
  if (existing.some((a) => a.user === account.user)) {
    throw new ConflictError(`An account named ${quote(account.user)} already exists.`);
  }
  if (existing.some((a) => a.domain === account.domain)) {
    throw new ConflictError(
      `The domain ${quote(account.domain)} already belongs to another account.`,
    );
  }
  if (!(await store.createAccount(account))) {
    throw new ConflictError(`An account named ${quote(account.user)} already exists.`);
  }
  return account;
}

export async function removeAccount(store: Store, user: string | undefined): Promise<void> {
  const name = await requireAccount(store, user);
  await store.removeAccount(name);
}
