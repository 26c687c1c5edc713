// WHM API 1 remove_integration_group (SPEC §3.2): removes a custom group (idempotent); the links
// naming it stay.
import { removeGroup } from '../../links/groups.ts';
import { groupParams } from '../../links/schema.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'remove_integration_group',
    summary:
      'Removes a user’s custom group; a missing group is already removed. Links naming it stay and show in the username menu until the group exists again.',
    tag: 'Groups',
    params: groupParams,
  },
  async (params, { store }) => {
    await removeGroup(store, params);
    return {};
  },
);
