// WHM API 1 list_integration_links (SPEC §3.2): data.links = [{app}], sorted by app; accepts the
// generic list arguments.
import { listLinks } from '../../links/links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  'list_integration_links',
  async (args, { store }) => ({ data: { links: await listLinks(store, args) } }),
  { key: 'links', fields: ['app'] },
);
