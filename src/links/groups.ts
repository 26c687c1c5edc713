// Custom link groups (SPEC §3.2): create (or replace), remove and list a user's own groups.
// Removing a group leaves the links that name it alone: they show in the username menu until
// a group with that id exists again.
import { requireAccount } from '../accounts/accounts.ts';
import { parseParams } from '../rules.ts';
import type { Store } from '../store/store.ts';
import { createGroupParams, groupIdParams } from './schema.ts';

/** Creates the group, or replaces the label and order of an existing one. */
export async function createGroup(store: Store, args: Record<string, string>): Promise<void> {
  const user = await requireAccount(store, args.user);
  const { group_id, label, order } = parseParams(createGroupParams, args);
  await store.putGroup(user, group_id, { label, order });
}

/** Removes the group; a group that does not exist is already removed (idempotent). */
export async function removeGroup(store: Store, args: Record<string, string>): Promise<void> {
  const user = await requireAccount(store, args.user);
  const { group_id } = parseParams(groupIdParams, args);
  await store.removeGroup(user, group_id);
}

/** The user's custom groups as `{group}` records, sorted by id. */
export async function listGroups(
  store: Store,
  args: Record<string, string>,
): Promise<{ group: string }[]> {
  const user = await requireAccount(store, args.user);
  return (await store.listGroups(user)).map((group) => ({ group }));
}
