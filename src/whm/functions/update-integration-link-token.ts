// WHM API 1 update_integration_link_token (SPEC §3.2): replaces the token of an existing link;
// a missing link is refused and nothing is written.
import { updateLinkToken } from '../../links/links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('update_integration_link_token', async (args, { store }) => {
  await updateLinkToken(store, args);
  return {};
});
