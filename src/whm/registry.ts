// Runs a WHM API 1 function by name: validates the arguments with the schema the function
// declares (the same one its API reference is generated from), runs it, and turns its result or
// error into the envelope. Shared by the HTTP transport and the `whmapi1` CLI, so both answer alike.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { requireAccount, requireAccountFile } from '../accounts/accounts.ts';
import type { Sessions } from '../accounts/sessions.ts';
import type { LaunchDeps } from '../broker/autologin.ts';
import { internalErrorReason, isPublicError, quote } from '../errors.ts';
import type { Logger } from '../log.ts';
import { checkParams, q } from '../rules.ts';
import type { Store } from '../store/store.ts';
import type { WhmArgs } from './args.ts';
import { checkApiVersion } from './args.ts';
import { failure, success, type WhmEnvelope } from './envelope.ts';
import { applyListPlan, type ListPlan, type ListSpec, parseListArgs } from './list-args.ts';

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

/** The groups of the API reference, in the order it lists them. */
export const WHM_TAGS = ['Accounts', 'Sessions', 'Links', 'Groups', 'cPanel API bridge'] as const;
export type WhmTag = (typeof WHM_TAGS)[number];

/** What the API reference says about a function; `params` is also what validates its arguments. */
export interface WhmDoc<P extends z.ZodObject = z.ZodObject> {
  summary: string;
  tag: WhmTag;
  /**
   * Every parameter, `user` first where there is one. A function whose params declare `user`
   * acts on an existing account, checked before the other parameters (SPEC §3).
   */
  params: P;
}

export interface WhmDefinition<P extends z.ZodObject> extends WhmDoc<P> {
  name: string;
  /** List functions only: where their records are, for the generic list arguments (SPEC §2). */
  list?: ListSpec;
  /** Other names cPanel accepts for a parameter (alias → name), used when the name is absent. */
  aliases?: Readonly<Record<string, string>>;
  /** removeacct: the account check accepts a damaged account file (see requireAccountFile). */
  acceptsDamagedAccount?: boolean;
  /** Its answer carries a secret (a single-use login URL): sent with Cache-Control: no-store. */
  answersSecret?: boolean;
  /** Answers a refused call in the function's own shape (the cPanel bridge); else the envelope. */
  refuse?: (reason: string, args: WhmArgs) => Record<string, unknown>;
  /** Its work stops when the caller goes away (the bridge's fetch_url runs the broker). */
  abortable?: boolean;
}

export interface WhmFunction
  extends Omit<WhmDefinition<z.ZodObject>, 'summary' | 'tag' | 'params'> {
  doc: WhmDoc;
  /**
   * Runs with the arguments `doc.params` has already validated (see runWhmFunction). `signal`
   * (abortable functions, over HTTP) aborts when the caller went away.
   */
  run(params: Record<string, unknown>, deps: WhmDeps, signal?: AbortSignal): Promise<WhmOutput>;
}

export function defineWhmFunction<P extends z.ZodObject>(
  { name, summary, tag, params, ...rest }: WhmDefinition<P>,
  run: (params: z.output<P>, deps: WhmDeps, signal?: AbortSignal) => Promise<WhmOutput>,
): WhmFunction {
  return {
    name,
    doc: { summary, tag, params },
    ...rest,
    // Sound: runWhmFunction only calls run with what `params` parsed.
    run: run as WhmFunction['run'],
  };
}

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

/** A call refused for a broken rule: an answer, not an exception (rejected calls are common). */
interface Refusal {
  refused: string;
}

/** What a call that passed every rule gave, with its list plan (list functions only). */
interface Ran {
  output: WhmOutput;
  plan: ListPlan | undefined;
}

/**
 * Validates the arguments as `fn.doc.params` reads them and runs `fn`: aliases resolved, the
 * account checked first (so an unknown user is the reason even when other arguments are broken
 * too), then the schema, then the generic list arguments.
 */
async function callFunction(
  fn: WhmFunction,
  args: WhmArgs,
  deps: WhmDeps,
  signal: AbortSignal | undefined,
): Promise<Ran | Refusal> {
  let input = args;
  for (const [alias, param] of fn.aliases ? Object.entries(fn.aliases) : []) {
    if (input[param] !== undefined) continue;
    if (input[alias] !== undefined) input = { ...input, [param]: input[alias] };
    else if (!fn.doc.params.shape[param]?.safeParse(undefined).success) {
      return { refused: `${q(param)} (or “${alias}”) is required.` };
    }
  }
  if (Object.hasOwn(fn.doc.params.shape, 'user')) {
    await (fn.acceptsDamagedAccount ? requireAccountFile : requireAccount)(deps.store, input.user);
  }
  const checked = checkParams(fn.doc.params, input);
  if (!checked.ok) return { refused: checked.reason };
  const plan = fn.list && parseListArgs(args, fn.list);
  return { output: await fn.run(checked.value, deps, signal), plan };
}

export async function runWhmFunction(
  functions: WhmFunctions,
  deps: WhmDeps,
  name: string,
  args: WhmArgs,
  requestId?: string,
  signal?: AbortSignal,
): Promise<WhmAnswer> {
  const fn = functions.get(name);
  if (!fn) return failure(name, unknownFunctionReason(name));
  try {
    checkApiVersion(args);
    const ran = await callFunction(fn, args, deps, signal);
    if ('refused' in ran) {
      return fn.refuse ? fn.refuse(ran.refused, args) : failure(name, ran.refused);
    }
    const { output, plan } = ran;
    const { data, metadata, body } = output;
    if (body) return body;
    if (!plan || !fn.list) return success(name, data, metadata);
    const listed = applyListPlan(plan, fn.list, data);
    return success(name, listed.data, { ...metadata, ...listed.metadata });
  } catch (error) {
    if (isPublicError(error)) {
      return fn.refuse ? fn.refuse(error.message, args) : failure(name, error.message);
    }
    const id = requestId ?? randomUUID();
    deps.logger.error('whm function failed', {
      requestId: id,
      command: name,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return failure(name, internalErrorReason(id));
  }
}
