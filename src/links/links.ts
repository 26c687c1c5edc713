// The link domain: create (and replace), remove, list, read and re-token links on behalf of the
// WHM functions, from arguments their schemas (schema.ts) have already validated and whose `user`
// runWhmFunction has already found. The store checks the account again as it writes, in turn
// with removeacct, so a removal during the call leaves no link behind. The token goes in through
// here and never comes back out.
import { noSuchAccount, type UserParams } from '../accounts/accounts.ts';
import { NotFoundError, quote, ValidationError } from '../errors.ts';
import { q } from '../rules.ts';
import type { LinkUserConfig, Store } from '../store/store.ts';
import {
  BUILTIN_GROUPS,
  type CreateLinkParams,
  isBuiltinGroup,
  type LinkParams,
  type UpdateTokenParams,
} from './schema.ts';

/** Creates the link, or replaces an existing one with the same app whole. */
export async function createLink(store: Store, params: CreateLinkParams): Promise<void> {
  const { user, token, app, ...fields } = params;
  if (fields.group_id !== undefined && !isBuiltinGroup(fields.group_id)) {
    if (!(await store.getGroup(user, fields.group_id))) {
      throw new ValidationError(
        `${q('group_id')} must be a built-in group (${BUILTIN_GROUPS.join(', ')}) or a group of this user; there is no group ${quote(fields.group_id)}.`,
      );
    }
  }
  const config: LinkUserConfig = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) config[key as keyof LinkUserConfig] = value;
  }
  // The account was found before the call ran; a removeacct may have come in between.
  if (!(await store.putLink(user, app, config, token))) throw noSuchAccount(user);
}

/** Removes the link; a link that does not exist is already removed (idempotent, like cPanel). */
export async function removeLink(store: Store, params: LinkParams): Promise<void> {
  const { user } = params;
  await store.removeLink(user, params.app);
}

/** The user's links as `{app}` records, sorted by app (code point order, as the store lists). */
export async function listLinks(store: Store, params: UserParams): Promise<{ app: string }[]> {
  const { user } = params;
  return (await store.listLinks(user)).map((app) => ({ app }));
}

/** The reason for an `app` parameter that names no link of the user. */
export function noSuchLink(user: string, app: string): NotFoundError {
  return new NotFoundError(
    `${q('app')} must name an integration link of the user ${quote(user)}; there is no link ${quote(app)}.`,
  );
}

export type LinkUserConfigAnswer = LinkUserConfig & { app: string; user: string };

/** The stored public fields plus `app` and `user`, keys sorted; never the token. */
export async function getLinkUserConfig(
  store: Store,
  params: LinkParams,
): Promise<LinkUserConfigAnswer> {
  const { user } = params;
  const { app } = params;
  const config = await store.getLink(user, app);
  if (!config) throw noSuchLink(user, app);
  const all: Record<string, string> = { ...config, app, user };
  const sorted = Object.keys(all).sort();
  return Object.fromEntries(sorted.map((key) => [key, all[key]])) as LinkUserConfigAnswer;
}

/**
 * Replaces the token of an existing link. Unlike cPanel, a missing link is an error and nothing
 * is written (cPanel would leave an admin file without its user file).
 */
export async function updateLinkToken(store: Store, params: UpdateTokenParams): Promise<void> {
  const { user } = params;
  const { app, token } = params;
  if (!(await store.updateLinkToken(user, app, token))) throw noSuchLink(user, app);
}
