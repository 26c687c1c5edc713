// The UAPI functions this server implements, run for one (already authenticated) user. Shared by
// the WHM bridge (/json-api/cpanel) and the session route (/execute/MODULE/FUNCTION).
import type { LaunchDeps } from '../broker/autologin.ts';
import { internalErrorReason, isPublicError, quote } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fetchUrl } from './fetch-url.ts';
import { type UapiResult, uapiFailure, uapiSuccess } from './result.ts';

export interface UapiDeps {
  broker: LaunchDeps;
  logger: Logger;
}

type UapiFunction = (
  deps: UapiDeps,
  user: string,
  args: Record<string, string>,
) => Promise<unknown>;

const functions: Record<string, Record<string, UapiFunction>> = {
  Integration: {
    fetch_url: (deps, user, args) => fetchUrl(deps.broker, user, args.app),
  },
};

export async function runUapi(
  deps: UapiDeps,
  user: string,
  module: string,
  func: string,
  args: Record<string, string>,
  requestId: string,
): Promise<UapiResult> {
  const fn = Object.hasOwn(functions, module) ? functions[module]?.[func] : undefined;
  if (!fn || !Object.hasOwn(functions[module] ?? {}, func)) {
    return uapiFailure(
      `The UAPI function ${quote(`${module}::${func}`)} does not exist on this server.`,
    );
  }
  try {
    return uapiSuccess(await fn(deps, user, args));
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
