// WHM API 1 create_integration_link (SPEC §3.1): creates or wholly replaces a link.
import { createLink } from '../../links/links.ts';
import { createLinkParams } from '../../links/schema.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'create_integration_link',
    summary:
      'Creates an integration link in a user’s control-panel menu, or replaces the user’s link of the same app whole. A failed call writes nothing.',
    tag: 'Links',
    params: createLinkParams,
  },
  async (params, { store }) => {
    await createLink(store, params);
    return {};
  },
);
