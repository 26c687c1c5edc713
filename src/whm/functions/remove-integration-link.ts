// WHM API 1 remove_integration_link (SPEC §3.2): removes both files; a missing link succeeds.
import { removeLink } from '../../links/links.ts';
import { linkParams } from '../../links/schema.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'remove_integration_link',
    summary: 'Removes a user’s integration link; a missing link is already removed (as in cPanel).',
    tag: 'Links',
    params: linkParams,
  },
  async (params, { store }) => {
    await removeLink(store, params);
    return {};
  },
);
