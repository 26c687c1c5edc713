// The link domain: create (and replace) links on behalf of the WHM functions and the CLI.
import { requireAccount } from '../accounts/accounts.ts';
import { quote, ValidationError } from '../errors.ts';
import { parseParams, q } from '../rules.ts';
import type { LinkUserConfig, Store } from '../store/store.ts';
import { BUILTIN_GROUPS, createLinkParams, isBuiltinGroup } from './schema.ts';

/** Creates the link, or replaces an existing one with the same app whole. */
export async function createLink(store: Store, args: Record<string, string>): Promise<void> {
  const user = await requireAccount(store, args.user);
  const { token, app, ...fields } = parseParams(createLinkParams, args);
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
  await store.putLink(user, app, config, token);
}
