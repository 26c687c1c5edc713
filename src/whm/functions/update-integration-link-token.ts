// WHM API 1 update_integration_link_token (SPEC §3.2): replaces the token of an existing link;
// a missing link is refused and nothing is written.
import { updateLinkToken } from '../../links/links.ts';
import { updateTokenParams } from '../../links/schema.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'update_integration_link_token',
    summary:
      'Replaces the token of an existing link (and nothing else). Unlike cPanel, a missing link is refused instead of leaving an orphan token.',
    tag: 'Links',
    params: updateTokenParams,
  },
  async (params, { store }) => {
    await updateLinkToken(store, params);
    return {};
  },
);
