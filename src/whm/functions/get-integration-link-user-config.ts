// WHM API 1 get_integration_link_user_config (SPEC §3.2): data.userconfig = the stored public
// fields plus app and user; never the token.
import { getLinkUserConfig } from '../../links/links.ts';
import { linkParams } from '../../links/schema.ts';
import { defineWhmFunction } from '../registry.ts';

export default defineWhmFunction(
  {
    name: 'get_integration_link_user_config',
    summary:
      'Reads a link: data.userconfig holds its stored public fields plus app and user (never the token).',
    tag: 'Links',
    params: linkParams,
  },
  async (params, { store }) => ({ data: { userconfig: await getLinkUserConfig(store, params) } }),
);
