// The autologin protocol (SPEC §5): trade the stored token for the partner's one-time URL,
// waiting as the partner asks within fixed limits, and always end somewhere a browser can go.

import { setTimeout as delay } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { shownLabel } from '../links/menu-order.ts';
import type { Logger } from '../log.ts';
import type { LinkUserConfig, Store } from '../store/store.ts';
import { StoreNameError } from '../store/store.ts';
import { type PartnerAnswer, readAnswer } from './partner-answer.ts';
import type { PartnerClient, PartnerResponse } from './partner-client.ts';
import {
  isSafeRedirectUrl,
  safeLocationOrigin,
  toSafeLocation,
  urlOrigin,
} from './redirect-url.ts';

export const MAX_ATTEMPTS = 3;
/** The most a click may spend in partner-requested waits. */
export const WAIT_BUDGET_MS = 60_000;
/** Backoff before retrying a transient failure: short, the user is waiting. */
export const DEFAULT_TRANSIENT_RETRY = { minTimeout: 250, maxTimeout: 1_000 };

export type AttemptNumber = 1 | 2 | 3;

export interface LaunchDeps {
  /** getLinkForLaunch is optional: without it a click reads the link, then its token. */
  store: Pick<Store, 'getLink' | 'getLinkToken'> & Partial<Pick<Store, 'getLinkForLaunch'>>;
  partner: PartnerClient;
  logger: Logger;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Milliseconds; only used to report how long a launch took. */
  now(): number;
  retry?: { minTimeout: number; maxTimeout: number };
}

export interface LaunchInput {
  user: string;
  app: string;
  /** Where a continued click resumes (the browser path's wait page). */
  startAttempt?: AttemptNumber;
  /** What remains of the 60 s wait budget for this click. */
  waitBudgetMs?: number;
  /** `wait` sleeps when the partner asks to; `yield` returns a `wait` outcome instead. */
  mode: 'wait' | 'yield';
  /** Aborts the partner request or the wait, e.g. when the browser went away. */
  signal?: AbortSignal;
}

/** Why a launch ended without the partner's URL. */
export type EndReason =
  | 'no-autologin-url'
  | 'partner-failed'
  | 'retries-exhausted'
  | 'wait-budget'
  | 'link-removed'
  | 'store-failed'
  | 'aborted';

/**
 * What a caller throws for an `error` outcome whose reason is `store-failed`: the server's own
 * failure (the broker has logged its cause), answered as an internal error with a request id,
 * never as the partner's.
 */
export class LaunchStoreFailure extends Error {
  override name = 'LaunchStoreFailure';
  constructor(app: string) {
    super(`the store failed while launching the link ${JSON.stringify(app)}`);
  }
}

interface OutcomeBase {
  /** The link's label (the app name when the link has none), for pages. */
  label: string;
  /** The stored fallback `url` as stored, or null. */
  url: string | null;
}

export type LaunchOutcome =
  | (OutcomeBase & { kind: 'partner'; location: string; attempt: AttemptNumber })
  | (OutcomeBase & { kind: 'fallback'; location: string; reason: EndReason; detail?: string })
  | (OutcomeBase & { kind: 'error'; reason: EndReason | 'no-link'; detail?: string })
  | (OutcomeBase & {
      kind: 'wait';
      nextAttempt: AttemptNumber;
      waitMs: number;
      /** Budget left after this wait: pass it back as `waitBudgetMs`. */
      remainingBudgetMs: number;
      /** The partner's informational `attempt`, if it sent one. */
      partnerAttempt?: string;
    });

/** A real sleep for production wiring. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {});
}

/** An answer that keeps the launch going: a destination or a request to wait. */
type UsableAnswer = Extract<PartnerAnswer, { kind: 'destination' | 'retry' }>;

/** What the log line reports; filled in while the launch runs. */
interface Trace {
  attempts: number;
  lastAttempt?: number;
  partnerStatus?: number;
  transportError?: string;
  partnerAttempt?: string;
  latencyMs: number;
  waitedMs: number;
  storeError?: string;
}

/** A transient failure p-retry may retry (inside the 3-attempt budget). */
class TransientFailure extends Error {
  override name = 'TransientFailure';
}

/** A failure that ends the loop at once; thrown through p-retry wrapped in AbortError. */
class LaunchEnded extends Error {
  override name = 'LaunchEnded';
  constructor(
    readonly reason: EndReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export async function launchApp(deps: LaunchDeps, input: LaunchInput): Promise<LaunchOutcome> {
  const started = deps.now();
  const trace: Trace = { attempts: 0, latencyMs: 0, waitedMs: 0 };
  const loaded = await loadLink(deps, input, trace);
  const plan = loaded && planOf(loaded.link);
  const running = plan
    ? runProtocol(deps, input, plan, trace, loaded?.token)
    : Promise.resolve(endWithoutLink(input, trace.storeError ? 'store-failed' : 'no-link'));
  // Returned, not awaited: while the partner thinks, no frame of this function waits too.
  return running.then((outcome) => {
    logOutcome(deps.logger, input, plan, outcome, trace, deps.now() - started);
    return outcome;
  });
}

/** What a launch derives from a stored link, worked out once per link version. */
interface LinkPlan {
  link: LinkUserConfig;
  /** The stored `url` as a safe Location, if it is one. */
  fallback: string | undefined;
  /** `autologin_token_url`, if set; `targetIsSafe` says whether a token may go there. */
  target: string | undefined;
  targetIsSafe: boolean;
  /** For the log line: origins only, paths and queries may carry one-time codes. */
  partnerOrigin: string | undefined;
}

// The file store hands out the same frozen object while a link file is unchanged, so the URL
// checks run once per link version rather than on every click. Only frozen links are
// remembered: nobody can change them behind the plan's back.
const plans = new WeakMap<LinkUserConfig, LinkPlan>();

function planOf(link: LinkUserConfig): LinkPlan {
  let plan = plans.get(link);
  if (!plan) {
    const target = link.autologin_token_url;
    plan = {
      link,
      fallback: toSafeLocation(link.url),
      target,
      targetIsSafe: isSafeRedirectUrl(target),
      partnerOrigin: target ? urlOrigin(target) : undefined,
    };
    if (Object.isFrozen(link)) plans.set(link, plan);
  }
  return plan;
}

/** A token read with the link, for the first attempt (none when it must still be read). */
type FirstToken = { token: string | undefined } | undefined;

async function loadLink(
  deps: LaunchDeps,
  input: LaunchInput,
  trace: Trace,
): Promise<{ link: LinkUserConfig; token: FirstToken } | undefined> {
  const { store } = deps;
  if (store.getLinkForLaunch) {
    try {
      const loaded = await store.getLinkForLaunch(input.user, input.app);
      return loaded && { link: loaded.link, token: { token: loaded.token } };
    } catch {
      // Read again one file at a time below: a failure then ends the launch as it always did
      // (no link at all, or the fallback when only the token could not be read).
    }
  }
  try {
    const link = await store.getLink(input.user, input.app);
    return link && { link, token: undefined };
  } catch (error) {
    // A name that cannot be a path component cannot name a link either.
    if (error instanceof StoreNameError) return undefined;
    trace.storeError = errorName(error);
    return undefined;
  }
}

function endWithoutLink(input: LaunchInput, reason: 'no-link' | 'store-failed'): LaunchOutcome {
  return { kind: 'error', reason, label: input.app, url: null };
}

/**
 * One launch in progress. The protocol runs as a chain of promise callbacks over this state
 * rather than as one async function: while the partner thinks, a pending click then holds this
 * object, not a suspended frame with its registers (memory per pending click, measured by
 * `npm run bench -- clicks`).
 */
interface LaunchRun {
  deps: LaunchDeps;
  input: LaunchInput;
  plan: LinkPlan;
  /** The link's autologin_token_url, checked safe. */
  target: string;
  base: OutcomeBase;
  trace: Trace;
  /** The next attempt number to send, and the last one sent. */
  next: number;
  last: number;
  /** What remains of the wait budget, in milliseconds. */
  budget: number;
  /** The token read with the link, taken by the first attempt. */
  firstToken: FirstToken;
}

/** The outcome when the launch ends without the partner's URL: the fallback, else an error. */
function endLaunch(
  plan: LinkPlan,
  base: OutcomeBase,
  reason: EndReason,
  detail?: string,
): LaunchOutcome {
  const extra = detail === undefined ? {} : { detail };
  return plan.fallback
    ? { ...base, kind: 'fallback', location: plan.fallback, reason, ...extra }
    : { ...base, kind: 'error', reason, ...extra };
}

function runProtocol(
  deps: LaunchDeps,
  input: LaunchInput,
  plan: LinkPlan,
  trace: Trace,
  firstToken: FirstToken,
): Promise<LaunchOutcome> {
  const { link, target } = plan;
  const base: OutcomeBase = { label: shownLabel(input.app, link.label), url: link.url ?? null };
  if (target === undefined) return Promise.resolve(endLaunch(plan, base, 'no-autologin-url'));
  // A file copied from elsewhere may hold anything: never send the token to a non-http URL.
  if (!plan.targetIsSafe) {
    return Promise.resolve(endLaunch(plan, base, 'partner-failed', 'invalid-autologin-url'));
  }
  const start = Math.max(1, input.startAttempt ?? 1);
  const budget = Math.min(Math.max(input.waitBudgetMs ?? WAIT_BUDGET_MS, 0), WAIT_BUDGET_MS);
  const run: LaunchRun = {
    deps,
    input,
    plan,
    target,
    base,
    trace,
    next: start,
    last: start,
    budget,
    firstToken,
  };
  return nextAttempt(run);
}

/** The next attempt (transient failures retried) and whatever follows its answer. */
function nextAttempt(run: LaunchRun): Promise<LaunchOutcome> {
  // Only reached with startAttempt past the last attempt.
  if (run.next > MAX_ATTEMPTS) return Promise.resolve(end(run, 'retries-exhausted'));
  // One `then` on the attempt: a pending click holds every link of its promise chain, so the
  // (rare) retry path chains its own steps rather than adding a `catch` every click carries.
  return tryNext(run).then(
    (answer) => afterAnswer(run, answer),
    (error: unknown) =>
      retryTransient(run, error).then(
        (answer) => afterAnswer(run, answer),
        (thrown: unknown) => afterFailure(run, thrown),
      ),
  );
}

function tryNext(run: LaunchRun): Promise<UsableAnswer> {
  run.last = run.next++;
  const { deps, input, firstToken } = run;
  run.firstToken = undefined;
  try {
    // The first attempt uses the token read with the link a moment ago; every later one reads
    // both again (the retry protocol exists so a partner can push a new token).
    if (firstToken) return attemptWith(run, firstToken.token);
    return reloadLink(deps, input).then(
      (reloaded) => attemptWith(run, adoptReloaded(run, reloaded)),
      (error: unknown) => {
        // p-retry must not retry a store failure.
        throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      },
    );
  } catch (error) {
    // A store (or client) that throws instead of rejecting still ends the launch as a failure.
    return Promise.reject(error);
  }
}

/** The link and its token, read again for a later attempt; undefined when the link is gone. */
async function reloadLink(
  deps: LaunchDeps,
  input: LaunchInput,
): Promise<{ link: LinkUserConfig; token: string | undefined } | undefined> {
  const { store } = deps;
  if (store.getLinkForLaunch) return store.getLinkForLaunch(input.user, input.app);
  const link = await store.getLink(input.user, input.app);
  return link && { link, token: await store.getLinkToken(input.user, input.app) };
}

/**
 * Takes the link read again for the next attempt, so that the form's fields and the token come
 * from one version of it; returns the token (undefined: the link is gone). A link replaced with
 * one that points elsewhere ends the launch: a token meant for one partner never goes to another.
 */
function adoptReloaded(
  run: LaunchRun,
  reloaded: { link: LinkUserConfig; token: string | undefined } | undefined,
): string | undefined {
  if (!reloaded) return undefined;
  const { link } = reloaded;
  if (link.autologin_token_url !== run.target) {
    throw new AbortError(new LaunchEnded('link-removed', 'link-changed'));
  }
  run.plan = planOf(link);
  run.base = { label: shownLabel(run.input.app, link.label), url: link.url ?? null };
  return reloaded.token;
}

/**
 * After a failed first try: retries a transient failure with p-retry inside the 3-attempt
 * budget; rethrows anything else. p-retry's machinery is only set up here (most clicks succeed
 * at once, and it showed in the click profile), with a first backoff of its minTimeout.
 */
async function retryTransient(run: LaunchRun, error: unknown): Promise<UsableAnswer> {
  if (!(error instanceof TransientFailure) || run.next > MAX_ATTEMPTS) throw error;
  const { deps, input } = run;
  const retry = deps.retry ?? DEFAULT_TRANSIENT_RETRY;
  await delay(retry.minTimeout, undefined, input.signal ? { signal: input.signal } : {});
  return pRetry(() => tryNext(run), {
    // Each transient retry is one of the three attempts, with the next number.
    retries: MAX_ATTEMPTS - run.next,
    minTimeout: retry.minTimeout,
    maxTimeout: retry.maxTimeout,
    factor: 2,
    ...(input.signal ? { signal: input.signal } : {}),
  });
}

const end = (run: LaunchRun, reason: EndReason, detail?: string) =>
  endLaunch(run.plan, run.base, reason, detail);

function afterFailure(run: LaunchRun, thrown: unknown): LaunchOutcome {
  // Outside p-retry (the first try) an AbortError arrives still wrapped.
  const error = thrown instanceof AbortError ? thrown.originalError : thrown;
  if (run.input.signal?.aborted) return end(run, 'aborted');
  if (error instanceof LaunchEnded) return end(run, error.reason, error.detail);
  if (error instanceof TransientFailure) return end(run, 'retries-exhausted', error.message);
  run.trace.storeError = errorName(error);
  return end(run, 'store-failed');
}

function afterAnswer(run: LaunchRun, answer: UsableAnswer): LaunchOutcome | Promise<LaunchOutcome> {
  if (answer.kind === 'destination') {
    const attempt = asAttempt(run.last);
    return { ...run.base, kind: 'partner', location: answer.location, attempt };
  }
  // The partner asked to wait: only worth it when an attempt and enough budget remain.
  if (run.next > MAX_ATTEMPTS) return end(run, 'retries-exhausted', 'partner-retry');
  const { waitMs, partnerAttempt } = answer;
  if (waitMs > run.budget) return end(run, 'wait-budget', `retry-${waitMs / 1000}s`);
  run.budget -= waitMs;
  if (run.input.mode === 'yield' && waitMs > 0) {
    return {
      ...run.base,
      kind: 'wait',
      nextAttempt: asAttempt(run.next),
      waitMs,
      remainingBudgetMs: run.budget,
      ...(partnerAttempt === undefined ? {} : { partnerAttempt }),
    };
  }
  return run.deps.sleep(waitMs, run.input.signal).then(
    () => {
      run.trace.waitedMs += waitMs;
      return nextAttempt(run);
    },
    () => end(run, 'aborted'),
  );
}

/**
 * One POST with the token just read; rejects with TransientFailure or AbortError(LaunchEnded).
 * Not an async function: while the partner thinks, a pending click keeps only the `then`
 * callback below, not a suspended frame (memory per pending click).
 */
function attemptWith(run: LaunchRun, token: string | undefined): Promise<UsableAnswer> {
  if (token === undefined) {
    return Promise.reject(new AbortError(new LaunchEnded('link-removed', 'token-missing')));
  }
  const { deps, input, target, trace, last: attempt } = run;
  trace.attempts += 1;
  trace.lastAttempt = attempt;
  const form = buildForm(run.plan.link, input, token, attempt);
  return deps.partner
    .post(target, form, input.signal)
    .then((response) => usableAnswer(response, token, trace));
}

/** Records the partner's answer in the trace; throws unless it keeps the launch going. */
function usableAnswer(response: PartnerResponse, token: string, trace: Trace): UsableAnswer {
  trace.latencyMs += response.latencyMs;
  if (response.kind === 'answer') {
    trace.partnerStatus = response.status;
    delete trace.transportError;
  } else {
    delete trace.partnerStatus;
    trace.transportError = response.code;
  }

  const answer = readAnswer(response, token);
  if (answer.partnerAttempt !== undefined) trace.partnerAttempt = answer.partnerAttempt;
  switch (answer.kind) {
    case 'transient':
      throw new TransientFailure(answer.detail);
    case 'failed':
      throw new AbortError(new LaunchEnded('partner-failed', answer.detail));
    default:
      return answer;
  }
}

/** Public fields cPanel posts besides the credentials; never the image. */
const FORWARDED_FIELDS = ['url', 'label', 'implements', 'group_id', 'order', 'hide'] as const;

function buildForm(
  link: LinkUserConfig,
  input: LaunchInput,
  token: string,
  attempt: number,
): Record<string, string> {
  const form: Record<string, string> = {
    app: input.app,
    user: input.user,
    token,
    subscriber_unique_id: link.subscriber_unique_id ?? '',
    attempt: String(attempt),
  };
  for (const field of FORWARDED_FIELDS) {
    const value = link[field];
    if (value !== undefined) form[field] = value;
  }
  return form;
}

function asAttempt(n: number): AttemptNumber {
  return Math.min(Math.max(n, 1), MAX_ATTEMPTS) as AttemptNumber;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * The one log line per launch. Origins only: paths and queries may carry one-time codes.
 * Fields left undefined are absent from the JSON line.
 */
function logOutcome(
  logger: Logger,
  input: LaunchInput,
  plan: LinkPlan | undefined,
  outcome: LaunchOutcome,
  trace: Trace,
  durationMs: number,
): void {
  const line = {
    user: input.user,
    app: input.app,
    mode: input.mode,
    outcome: outcome.kind,
    reason: 'reason' in outcome ? outcome.reason : undefined,
    detail: 'detail' in outcome ? outcome.detail : undefined,
    startAttempt: input.startAttempt ?? 1,
    attempts: trace.attempts,
    lastAttempt: trace.lastAttempt,
    partnerStatus: trace.partnerStatus,
    transportError: trace.transportError,
    partnerAttempt: trace.partnerAttempt,
    latencyMs: trace.latencyMs,
    waitedMs: trace.waitedMs,
    waitMs: outcome.kind === 'wait' ? outcome.waitMs : undefined,
    durationMs,
    partner: plan?.partnerOrigin,
    locationOrigin: 'location' in outcome ? safeLocationOrigin(outcome.location) : undefined,
    storeError: trace.storeError,
  };
  if (trace.storeError) logger.error('autologin', line);
  else logger.info('autologin', line);
}
