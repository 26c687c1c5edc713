// WHM API 1 create_integration_group (SPEC §3.2): creates or replaces a custom link group.
import { createGroup } from '../../links/groups.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('create_integration_group', async (args, { store }) => {
  await createGroup(store, args);
  return {};
});
