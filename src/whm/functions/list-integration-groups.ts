// WHM API 1 list_integration_groups (SPEC §3.2): data.links = [{group}] (cPanel really uses the
// key "links" here), sorted by id; accepts the generic list arguments.
import { listGroups } from '../../links/groups.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  'list_integration_groups',
  async (args, { store }) => ({ data: { links: await listGroups(store, args) } }),
  { key: 'links', fields: ['group'] },
);
