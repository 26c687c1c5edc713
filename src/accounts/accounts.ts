// Accounts (SPEC §3.3, minimal subset): the rules for names and domains, and the lookups every
// per-user function starts with.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, NotFoundError, quote } from '../errors.ts';
import { about, q, ruled, str } from '../rules.ts';
import type { Account, Store } from '../store/store.ts';
import type { Sessions } from './sessions.ts';

const USERNAME = /^[a-z][a-z0-9]{0,15}$/;
const RESERVED = ['root', 'nobody', 'all', 'admin', 'daemon', 'bin', 'sys', 'mail'];
const RESERVED_NAMES = new Set(RESERVED);

const username = about(
  ruled('username', [
    [(v) => v.length > 0, `${q('username')} must not be empty.`],
    [(v) => v.length <= 16, `${q('username')} may be at most 16 characters long.`],
    [
      (v) => USERNAME.test(v),
      `${q('username')} must start with a lowercase letter and contain only lowercase letters and digits.`,
    ],
    [(v) => !v.startsWith('test'), `${q('username')} must not begin with “test”.`],
    [
      (v) => !RESERVED_NAMES.has(v) && !v.startsWith('cpanel'),
      `${q('username')} is a reserved name.`,
    ],
  ]).meta({
    description: `1–16 lowercase letters and digits, starting with a letter; not beginning with “test” or “cpanel”, not a reserved name (${RESERVED.join(', ')}).`,
    // The whole rule, so a client can check a name before calling.
    pattern: `^(?!test)(?!cpanel)(?!(?:${RESERVED.join('|')})$)[a-z][a-z0-9]{0,15}$`,
    minLength: 1,
    maxLength: 16,
    examples: ['alice'],
  }),
  'The new account’s username.',
);

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const domain = about(
  str('domain')
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
    )
    .meta({
      description:
        'A host name of at least two labels (letters, digits, inner “-”; at most 63 characters each, 253 in all), the last with a letter; compared case-insensitively, a final dot ignored.',
      format: 'hostname',
      maxLength: 254,
      examples: ['alice.example.com'],
    }),
  'The account’s main domain; no other account may have it.',
);

export const createAccountParams = z.object({ username, domain });

/** A parameter naming an existing account; existence is the rule, checked by requireAccount. */
export const accountName = (name: string) =>
  str(name).meta({
    description: 'An existing account’s username (1–16 lowercase letters and digits).',
    pattern: USERNAME.source,
    minLength: 1,
    maxLength: 16,
    examples: ['alice'],
  });

/**
 * The `user` every per-account function takes first. The registry checks that the account
 * exists before the other parameters, so “You do not have a user named …” wins (SPEC §3).
 */
export const userParam = about(
  accountName('user'),
  'The account (cPanel username) the call acts on.',
);

/** The parameters of functions that take only the account. */
export const userParams = z.object({ user: userParam });
export type UserParams = z.output<typeof userParams>;

/** `service`: cPanel has several; linkbroker serves only the control panel (cpaneld). */
export function serviceParam(what: string) {
  return about(
    str('service')
      .superRefine((value, ctx) => {
        if (value === 'cpaneld') return;
        ctx.addIssue({
          code: 'custom',
          message: `${q('service')} must be “cpaneld”, the only ${what} linkbroker serves (got ${quote(value)}).`,
        });
      })
      .meta({ description: 'cpaneld.', enum: ['cpaneld'] }),
    'The cPanel service (daemon) meant; linkbroker serves only the control panel.',
  ).default('cpaneld');
}

/** `user` when it names an account `exists` finds; NotFoundError (the WHM reason) otherwise. */
async function requireNamed(
  user: string | undefined,
  exists: (user: string) => Promise<unknown>,
): Promise<string> {
  if (user === undefined || user === '') throw new NotFoundError(`${q('user')} is required.`);
  // A name that could never be an account is answered without touching the store.
  if (!USERNAME.test(user) || !(await exists(user))) throw noSuchAccount(user);
  return user;
}

/** The user named by `user` if that account exists; NotFoundError otherwise. */
export function requireAccount(store: Store, user: string | undefined): Promise<string> {
  return requireNamed(user, (name) => store.getAccount(name));
}

/**
 * requireAccount for removeacct: an account file that is damaged (getAccount ignores it) still
 * counts. Removing it is how an admin clears it, and its name stays taken until then.
 */
export function requireAccountFile(store: Store, user: string | undefined): Promise<string> {
  return requireNamed(user, (name) => store.hasAccountFile(name));
}

/** The reason for a user that has no account (also when it was removed during the call). */
export function noSuchAccount(user: string): NotFoundError {
  return new NotFoundError(`You do not have a user named ${quote(user)}.`);
}

/** Creates the account; the store checks name and domain in one step with the write. */
export async function createAccount(
  store: Store,
  params: z.output<typeof createAccountParams>,
  now: () => number,
): Promise<Account> {
  const account: Account = {
    user: params.username,
    domain: params.domain,
    created: Math.floor(now() / 1000),
    id: randomBytes(16).toString('hex'),
  };
  switch (await store.createAccount(account)) {
    case 'created':
      return account;
    case 'name-taken':
      throw new ConflictError(
        `${q('username')} names an account that already exists (${quote(account.user)}).`,
      );
    case 'domain-taken':
      throw new ConflictError(
        `${q('domain')} names a domain that already belongs to another account (${quote(account.domain)}).`,
      );
  }
}

/**
 * Removes the account with its links and groups, and ends its sessions and login URLs: before
 * the removal, so that a crash in between leaves none to outlive the account, and again after
 * it, for a create_user_session that ran meanwhile.
 */
export async function removeAccount(
  store: Store,
  sessions: Sessions,
  { user }: UserParams,
): Promise<void> {
  const name = await requireAccountFile(store, user);
  await sessions.endAllOf(name);
  await store.removeAccount(name);
  await sessions.endAllOf(name);
}
