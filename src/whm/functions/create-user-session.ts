// WHM API 1 create_user_session (SPEC §3.3): a single-use login URL for a user's control panel,
// valid for 300 s, optionally going straight into the launch of one of the user's links.
import { z } from 'zod';
import { noSuchAccount, serviceParam, userParam } from '../../accounts/accounts.ts';
import { noSuchLink } from '../../links/links.ts';
import { appParam } from '../../links/schema.ts';
import { about, str } from '../../rules.ts';
import { defineWhmFunction } from '../registry.ts';

// An empty `app` means none, as an absent one does (forms send empty fields).
const launchApp = about(
  str('app')
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(appParam.optional()),
  'An integration link of the user to launch straight after login; empty or absent → the home page.',
).meta({
  pattern: `^$|${appParam.meta()?.pattern as string}`,
  maxLength: 64,
  examples: ['WHMCS_billing'],
});

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
  },
  async ({ user, service, app }, deps) => {
    if (app !== undefined && !(await deps.store.getLink(user, app))) throw noSuchLink(user, app);
    // The login belongs to this account, not to whichever account later has the name.
    const account = await deps.store.getAccount(user);
    if (!account) throw noSuchAccount(user);
    const login = await deps.sessions.createLogin(user, app, account.id);
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
