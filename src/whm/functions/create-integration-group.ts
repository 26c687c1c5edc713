// WHM API 1 create_integration_group (SPEC §3.2): creates or replaces a custom link group.
import { createGroup } from '../../links/groups.ts';
import { createGroupParams } from '../../links/schema.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'create_integration_group',
    summary:
      'Creates a custom group of integration links for a user, or replaces its label and order.',
    tag: 'Groups',
    params: createGroupParams,
  },
  async (params, { store }) => {
    await createGroup(store, params);
    return {};
  },
);
