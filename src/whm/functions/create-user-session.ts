// WHM API 1 create_user_session (SPEC §3.3): a single-use login URL for a user's control panel,
// valid for 300 s, optionally going straight into the launch of one of the user's links.
import { requireAccount } from '../../accounts/accounts.ts';
import { NotFoundError, quote, ValidationError } from '../../errors.ts';
import { appParam } from '../../links/schema.ts';
import { q } from '../../rules.ts';
import { defineWhmFunction } from '../registry.ts';

const SERVICE = 'cpaneld';

export default defineWhmFunction('create_user_session', async (args, deps) => {
  const user = await requireAccount(deps.store, args.user);
  const service = args.service ?? SERVICE;
  if (service !== SERVICE) {
    throw new ValidationError(
      `${q('service')} must be “${SERVICE}”, the only service linkbroker serves (got ${quote(service)}).`,
    );
  }
  let app: string | undefined;
  if (args.app !== undefined && args.app !== '') {
    const parsed = appParam.safeParse(args.app);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues[0]?.message ?? `${q('app')} is not valid.`);
    }
    app = parsed.data;
    if (!(await deps.store.getLink(user, app))) {
      throw new NotFoundError(
        `There is no integration link ${quote(app)} for the user ${quote(user)}.`,
      );
    }
  }
  const login = await deps.sessions.createLogin(user, app);
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
});
