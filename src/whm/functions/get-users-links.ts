// WHM API 1 get_users_links (SPEC §3.2): data = appkey → server-relative path (service cpaneld).
import { usersLinksParams } from '../../links/schema.ts';
import { getUsersLinks } from '../../links/users-links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'get_users_links',
    summary:
      'Maps each appkey of the user’s interface (billing, customer_service, support, upgrade and every link’s app) to a path relative to the server.',
    tag: 'Links',
    params: usersLinksParams,
  },
  async (params, { store }) => ({ data: await getUsersLinks(store, params) }),
);
