// Runs a WHM API 1 function by name and turns its result or error into the envelope. Shared by
// the HTTP transport and the `whmapi1` CLI, so both answer exactly alike.
import { randomUUID } from 'node:crypto';
import type { Sessions } from '../accounts/sessions.ts';
import type { LaunchDeps } from '../broker/autologin.ts';
import { internalErrorReason, isPublicError, quote } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { WhmArgs } from './args.ts';
import { checkApiVersion } from './args.ts';
import { failure, success, type WhmEnvelope } from './envelope.ts';
import { applyListPlan, type ListSpec, parseListArgs } from './list-args.ts';

export interface WhmDeps {
  store: Store;
  logger: Logger;
  now: () => number;
  /** What the broker needs, for the UAPI bridge (fetch_url runs the broker). */
  broker: LaunchDeps;
  /** Control-panel sessions, for create_user_session. */
  sessions: Sessions;
  /** Base of returned URLs (LINKBROKER_PUBLIC_URL, else the server's own), no trailing slash. */
  publicUrl(): string;
}

/** A function's answer: `data` (omitted when undefined) and extra metadata. */
export interface WhmOutput {
  data?: unknown;
  metadata?: Record<string, unknown>;
  /** A whole answer of another shape, for the cPanel API bridge; replaces the envelope. */
  body?: Record<string, unknown>;
}

/** What a call answers: the WHM envelope, or the bridge's own shape. */
export type WhmAnswer = WhmEnvelope | Record<string, unknown>;

export interface WhmFunction {
  name: string;
  run(args: WhmArgs, deps: WhmDeps): Promise<WhmOutput>;
  /** List functions only: where their records are, for the generic list arguments (SPEC §2). */
  list?: ListSpec;
}

export const defineWhmFunction = (
  name: string,
  run: WhmFunction['run'],
  list?: ListSpec,
): WhmFunction => (list ? { name, run, list } : { name, run });

export type WhmFunctions = ReadonlyMap<string, WhmFunction>;

/** True when the answer reports success (WHM `metadata.result` or the bridge's `result.status`). */
export function answerSucceeded(answer: WhmAnswer): boolean {
  const { metadata, result } = answer as {
    metadata?: { result?: unknown };
    result?: { status?: unknown };
  };
  return metadata ? metadata.result === 1 : result?.status === 1;
}

export function unknownFunctionReason(name: string): string {
  return `Unknown app (${quote(name)}) requested for this version (1) of the API.`;
}

export async function runWhmFunction(
  functions: WhmFunctions,
  deps: WhmDeps,
  name: string,
  args: WhmArgs,
  requestId: string = randomUUID(),
): Promise<WhmAnswer> {
  const fn = functions.get(name);
  if (!fn) return failure(name, unknownFunctionReason(name));
  try {
    checkApiVersion(args);
    const plan = fn.list && parseListArgs(args, fn.list);
    const { data, metadata, body } = await fn.run(args, deps);
    if (body) return body;
    if (!plan || !fn.list) return success(name, data, metadata);
    const listed = applyListPlan(plan, fn.list, data);
    return success(name, listed.data, { ...metadata, ...listed.metadata });
  } catch (error) {
    if (isPublicError(error)) return failure(name, error.message);
    deps.logger.error('whm function failed', {
      requestId,
      command: name,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return failure(name, internalErrorReason(requestId));
  }
}
