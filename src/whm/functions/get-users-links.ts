// WHM API 1 get_users_links (SPEC §3.2): data = appkey → server-relative path (service cpaneld).
import { getUsersLinks } from '../../links/users-links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('get_users_links', async (args, { store }) => ({
  data: await getUsersLinks(store, args),
}));
