// WHM API 1 create_user_session (SPEC §3.3): a single-use login URL for a user's control panel,
// valid for 300 s, optionally going straight into the launch of one of the user's links.
import { z } from 'zod';
import { noSuchAccount, serviceParam, userParam } from '../../accounts/accounts.ts';
import { appParam } from '../../links/schema.ts';
import { about, str } from '../../rules.ts';
import { defineWhmFunction } from '../registry.ts';

// What to open after login. As on cPanel, a name that opens nothing is no error: the session is
// made and not linked to an app (it goes home). An empty `app` means none (forms send empty fields).
const launchApp = about(
  str('app')
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  'What to open straight after login: an integration link’s `app`, or an appkey from get_users_links (`billing`, `customer_service`, `support`, `upgrade`: the link it maps to when the URL is opened). Anything else, or empty or absent, logs in to the home page, as cPanel does with an app name it does not know.',
).meta({ examples: ['WHMCS_billing', 'billing'] });

const createSessionParams = z.object({
  user: userParam,
  service: serviceParam('service'),
  app: launchApp,
});

export default defineWhmFunction(
  {
    name: 'create_user_session',
    summary:
      'Creates a single-use login URL (valid 300 s) for a user’s control panel; opening it logs the user in and goes home, or straight into the launch of `app`.',
    tag: 'Sessions',
    params: createSessionParams,
    answersSecret: true,
  },
  async ({ user, service, app }, deps) => {
    // The login belongs to this account, not to whichever account later has the name.
    const account = await deps.store.getAccount(user);
    if (!account) throw noSuchAccount(user);
    // Only a name that could be a link (appkeys are) is kept; the login resolves it when opened.
    const launch = app !== undefined && appParam.safeParse(app).success ? app : undefined;
    const login = await deps.sessions.createLogin(user, launch, account.id);
    const url = `${deps.publicUrl()}/login/?session=${encodeURIComponent(login.token)}`;
    return {
      data: {
        url,
        session: login.token,
        expires: Math.floor(login.expiresAt / 1000),
        service,
        cp_security_token: login.securityToken,
      },
    };
  },
);
