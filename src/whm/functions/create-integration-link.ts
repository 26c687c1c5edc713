// WHM API 1 create_integration_link (SPEC §3.1): creates or wholly replaces a link.
import { createLink } from '../../links/links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('create_integration_link', async (args, { store }) => {
  await createLink(store, args);
  return {};
});
