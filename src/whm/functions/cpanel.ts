// The cPanel API bridge /json-api/cpanel (SPEC §3.4): root runs a UAPI function as a user and
// gets cPanel's bridge shape {apiversion, module, func, result}, not the WHM envelope.
import { randomUUID } from 'node:crypto';
import { requireAccount } from '../../accounts/accounts.ts';
import { isPublicError } from '../../errors.ts';
import { runUapi } from '../../uapi/registry.ts';
import { uapiFailure } from '../../uapi/result.ts';
import { defineWhmFunction } from '../registry.ts';

const BRIDGE_KEYS = /^(cpanel_jsonapi_|api\.)/;

export default defineWhmFunction('cpanel', async (args, deps) => {
  const module = args.cpanel_jsonapi_module ?? '';
  const func = args.cpanel_jsonapi_func ?? '';
  const version = args.cpanel_jsonapi_apiversion ?? '3';
  const answer = (result: unknown) => ({
    body: { apiversion: Number(version) || version, module, func, result },
  });
  if (version !== '3') {
    return answer(
      uapiFailure('Only cpanel_jsonapi_apiversion=3 (UAPI) is supported by this server.'),
    );
  }
  if (!module || !func) {
    return answer(
      uapiFailure('The “cpanel_jsonapi_module” and “cpanel_jsonapi_func” parameters are required.'),
    );
  }
  let user: string;
  try {
    user = await requireAccount(deps.store, args.cpanel_jsonapi_user);
  } catch (error) {
    if (isPublicError(error)) return answer(uapiFailure(error.message));
    throw error;
  }
  const uapiArgs = Object.fromEntries(
    Object.entries(args).filter(([key]) => !BRIDGE_KEYS.test(key)),
  );
  return answer(await runUapi(deps, user, module, func, uapiArgs, randomUUID()));
});
