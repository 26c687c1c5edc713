// WHM API 1 list_integration_links (SPEC §3.2): data.links = [{app}], sorted by app; accepts the
// generic list arguments.
import { userParams } from '../../accounts/accounts.ts';
import { listLinks } from '../../links/links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'list_integration_links',
    summary: 'Lists a user’s integration links as data.links = [{app}], sorted by app.',
    tag: 'Links',
    params: userParams,
    list: { key: 'links', fields: ['app'] },
  },
  async (params, { store }) => ({ data: { links: await listLinks(store, params) } }),
);
