// WHM API 1 remove_integration_link (SPEC §3.2): removes both files; a missing link succeeds.
import { removeLink } from '../../links/links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('remove_integration_link', async (args, { store }) => {
  await removeLink(store, args);
  return {};
});
