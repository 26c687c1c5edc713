// The cPanel API bridge /json-api/cpanel (SPEC §3.4): root runs a UAPI function as a user and
// gets cPanel's bridge shape {apiversion, module, func, result}, not the WHM envelope.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { accountName, requireAccount } from '../../accounts/accounts.ts';
import { about, q, str } from '../../rules.ts';
import { runUapi, uapiFunctions } from '../../uapi/registry.ts';
import { uapiFailure } from '../../uapi/result.ts';
import type { WhmArgs } from '../args.ts';
import { defineWhmFunction } from '../registry.ts';

/** The bridge's own arguments; every other one goes to the UAPI function. */
const BRIDGE_KEYS = /^(cpanel_jsonapi_|api\.)/;
const NAMES_REQUIRED =
  'The “cpanel_jsonapi_module” and “cpanel_jsonapi_func” parameters are required.';

/** Module and function: cPanel's one sentence for either missing (or empty). */
const uapiName = (meaning: string, choices: string[]) =>
  about(
    z
      .string({ error: () => NAMES_REQUIRED })
      .refine((v) => v.length > 0, NAMES_REQUIRED)
      .meta({ description: `One of: ${choices.join(', ')}.`, minLength: 1 }),
    meaning,
  );

const bridgeParams = z.looseObject({
  cpanel_jsonapi_apiversion: about(
    str('cpanel_jsonapi_apiversion')
      .refine(
        (v) => v === '3',
        'Only cpanel_jsonapi_apiversion=3 (UAPI) is supported by this server.',
      )
      .meta({ description: '3 (UAPI).', enum: ['3'] }),
    'The cPanel API of the function.',
  ).default('3'),
  cpanel_jsonapi_module: uapiName('The UAPI module.', [
    ...new Set(uapiFunctions.map((fn) => fn.module)),
  ]).meta({ examples: ['Integration'] }),
  cpanel_jsonapi_func: uapiName(
    'The UAPI function of that module.',
    uapiFunctions.map((fn) => `${fn.func} (${fn.module})`),
  ).meta({ examples: ['fetch_url'] }),
  cpanel_jsonapi_user: about(
    accountName('cpanel_jsonapi_user').refine(
      (v) => v.length > 0,
      `${q('cpanel_jsonapi_user')} is required.`,
    ),
    'The account the UAPI function runs as.',
  ),
});

/** cPanel's bridge answer, named after the call as it was asked. */
function bridgeAnswer(args: Readonly<Record<string, unknown>>, result: unknown) {
  const text = (key: string, absent = '') => (typeof args[key] === 'string' ? args[key] : absent);
  const version = text('cpanel_jsonapi_apiversion', '3');
  return {
    // A number as cPanel answers it when the value is one as written (2, 3); else as sent.
    apiversion: /^(?:0|[1-9]\d{0,8})$/.test(version) ? Number(version) : version,
    module: text('cpanel_jsonapi_module'),
    func: text('cpanel_jsonapi_func'),
    result,
  };
}

export default defineWhmFunction(
  {
    name: 'cpanel',
    summary:
      'Runs a UAPI function as a user (cPanel’s API bridge) and answers cPanel’s bridge shape {apiversion, module, func, result} instead of the WHM envelope; the other arguments go to the UAPI function.',
    tag: 'cPanel API bridge',
    params: bridgeParams,
    // fetch_url's answer holds the partner's single-use login URL.
    answersSecret: true,
    abortable: true,
    refuse: (reason: string, args: WhmArgs) => bridgeAnswer(args, uapiFailure(reason)),
  },
  async (params, deps, signal) => {
    const user = await requireAccount(deps.store, params.cpanel_jsonapi_user);
    const uapiArgs: Record<string, string> = {};
    for (const [key, value] of Object.entries(params)) {
      if (!BRIDGE_KEYS.test(key) && typeof value === 'string') uapiArgs[key] = value;
    }
    const { cpanel_jsonapi_module: module, cpanel_jsonapi_func: func } = params;
    const result = await runUapi(deps, user, module, func, uapiArgs, randomUUID(), signal);
    return { body: bridgeAnswer(params, result) };
  },
);
