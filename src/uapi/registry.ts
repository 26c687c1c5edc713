// The UAPI functions this server implements, run for one (already authenticated) user. Shared by
// the WHM bridge (/json-api/cpanel) and the session route (/execute/MODULE/FUNCTION).
import type { z } from 'zod';
import type { LaunchDeps } from '../broker/autologin.ts';
import { internalErrorReason, isPublicError, quote } from '../errors.ts';
import type { Logger } from '../log.ts';
import { parseParams } from '../rules.ts';
import { fetchUrl, fetchUrlData, fetchUrlParams } from './fetch-url.ts';
import { type UapiResult, uapiFailure, uapiSuccess } from './result.ts';

export interface UapiDeps {
  broker: LaunchDeps;
  logger: Logger;
}

export interface UapiFunction {
  module: string;
  func: string;
  /** For the API reference; `params` is also what validates the arguments. */
  summary: string;
  params: z.ZodObject;
  /** The shape of `data` on success, for the API reference. */
  data: z.ZodType;
  /**
   * Runs with the arguments `params` has already validated; `signal` aborts when the caller
   * went away (a launch then stops calling the partner).
   */
  run(
    deps: UapiDeps,
    user: string,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<unknown>;
}

export function defineUapiFunction<P extends z.ZodObject>(
  def: { module: string; func: string; summary: string; params: P; data: z.ZodType },
  run: (
    deps: UapiDeps,
    user: string,
    params: z.output<P>,
    signal?: AbortSignal,
  ) => Promise<unknown>,
): UapiFunction {
  // Sound: runUapi only calls run with what `params` parsed.
  return { ...def, run: run as UapiFunction['run'] };
}

/** Every UAPI function this server implements, sorted by module and function. */
export const uapiFunctions: readonly UapiFunction[] = [
  defineUapiFunction(
    {
      module: 'Integration',
      func: 'fetch_url',
      summary:
        'Runs the autologin broker once for one of the user’s links and says where to send the user now (the partner’s one-time URL, or the stored fallback url).',
      params: fetchUrlParams,
      data: fetchUrlData,
    },
    (deps, user, params, signal) => fetchUrl(deps.broker, user, params, signal),
  ),
];

export async function runUapi(
  deps: UapiDeps,
  user: string,
  module: string,
  func: string,
  args: Record<string, string>,
  requestId: string,
  signal?: AbortSignal,
): Promise<UapiResult> {
  const fn = uapiFunctions.find((f) => f.module === module && f.func === func);
  if (!fn) {
    return uapiFailure(
      `The UAPI function ${quote(`${module}::${func}`)} does not exist on this server.`,
    );
  }
  try {
    return uapiSuccess(await fn.run(deps, user, parseParams(fn.params, args), signal));
  } catch (error) {
    if (isPublicError(error)) return uapiFailure(error.message);
    deps.logger.error('uapi function failed', {
      requestId,
      module,
      func,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return uapiFailure(internalErrorReason(requestId));
  }
}
