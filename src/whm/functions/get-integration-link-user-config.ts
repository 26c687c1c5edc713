// WHM API 1 get_integration_link_user_config (SPEC §3.2): data.userconfig = the stored public
// fields plus app and user; never the token.
import { getLinkUserConfig } from '../../links/links.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction('get_integration_link_user_config', async (args, { store }) => ({
  data: { userconfig: await getLinkUserConfig(store, args) },
}));
