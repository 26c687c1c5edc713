// Custom link groups (SPEC §3.2): create (or replace), remove and list a user's own groups.
// Removing a group leaves the links that name it alone: they show in the username menu until
// a group with that id exists again.
import { noSuchAccount, type UserParams } from '../accounts/accounts.ts';
import type { Store } from '../store/store.ts';
import type { CreateGroupParams, GroupParams } from './schema.ts';

/** Creates the group, or replaces the label and order of an existing one. */
export async function createGroup(store: Store, params: CreateGroupParams): Promise<void> {
  const { user } = params;
  const { group_id, label, order } = params;
  // The account was found before the call ran; a removeacct may have come in between.
  if (!(await store.putGroup(user, group_id, { label, order }))) throw noSuchAccount(user);
}

/** Removes the group; a group that does not exist is already removed (idempotent). */
export async function removeGroup(store: Store, params: GroupParams): Promise<void> {
  const { user } = params;
  await store.removeGroup(user, params.group_id);
}

/** The user's custom groups as `{group}` records, sorted by id. */
export async function listGroups(store: Store, params: UserParams): Promise<{ group: string }[]> {
  const { user } = params;
  return (await store.listGroups(user)).map((group) => ({ group }));
}
