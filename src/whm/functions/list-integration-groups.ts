// WHM API 1 list_integration_groups (SPEC §3.2): data.links = [{group}] (cPanel really uses the
// key "links" here), sorted by id; accepts the generic list arguments.
import { userParams } from '../../accounts/accounts.ts';
import { listGroups } from '../../links/groups.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'list_integration_groups',
    summary: 'Lists a user’s custom groups as data.links = [{group}] (cPanel’s key), sorted by id.',
    tag: 'Groups',
    params: userParams,
    list: { key: 'links', fields: ['group'] },
  },
  async (params, { store }) => ({ data: { links: await listGroups(store, params) } }),
);
