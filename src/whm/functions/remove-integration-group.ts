// WHM API 1 remove_integration_group (SPEC §3.2): removes a custom group (idempotent); the links
// naming it stay.
import { removeGroup } from '../../links/groups.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('remove_integration_group', async (args, { store }) => {
  await removeGroup(store, args);
  return {};
});
