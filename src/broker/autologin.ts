// The autologin protocol (SPEC §5): trade the stored token for the partner's one-time URL,
// waiting as the partner asks within fixed limits, and always end somewhere a browser can go.

import { setTimeout as delay } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../log.ts';
import type { LinkUserConfig, Store } from '../store/store.ts';
import { StoreNameError } from '../store/store.ts';
import { type PartnerAnswer, readAnswer } from './partner-answer.ts';
import type { PartnerClient } from './partner-client.ts';
import { isSafeRedirectUrl, toSafeLocation, urlOrigin } from './redirect-url.ts';

export const MAX_ATTEMPTS = 3;
/** The most a click may spend in partner-requested waits. */
export const WAIT_BUDGET_MS = 60_000;
/** Backoff before retrying a transient failure: short, the user is waiting. */
export const DEFAULT_TRANSIENT_RETRY = { minTimeout: 250, maxTimeout: 1_000 };

export type AttemptNumber = 1 | 2 | 3;

export interface LaunchDeps {
  store: Pick<Store, 'getLink' | 'getLinkToken'>;
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
  const link = await loadLink(deps, input, trace);
  const outcome = link
    ? await runProtocol(deps, input, link, trace)
    : endWithoutLink(input, trace.storeError ? 'store-failed' : 'no-link');
  logOutcome(deps.logger, input, link, outcome, trace, deps.now() - started);
  return outcome;
}

async function loadLink(
  deps: LaunchDeps,
  input: LaunchInput,
  trace: Trace,
): Promise<LinkUserConfig | undefined> {
  try {
    return await deps.store.getLink(input.user, input.app);
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

async function runProtocol(
  deps: LaunchDeps,
  input: LaunchInput,
  link: LinkUserConfig,
  trace: Trace,
): Promise<LaunchOutcome> {
  const base: OutcomeBase = { label: link.label ?? input.app, url: link.url ?? null };
  const fallback = toSafeLocation(link.url);
  const end = (reason: EndReason, detail?: string): LaunchOutcome => {
    const extra = detail === undefined ? {} : { detail };
    return fallback
      ? { ...base, kind: 'fallback', location: fallback, reason, ...extra }
      : { ...base, kind: 'error', reason, ...extra };
  };

  const target = link.autologin_token_url;
  if (target === undefined) return end('no-autologin-url');
  // A file copied from elsewhere may hold anything: never send the token to a non-http URL.
  if (!isSafeRedirectUrl(target)) return end('partner-failed', 'invalid-autologin-url');

  const retry = deps.retry ?? DEFAULT_TRANSIENT_RETRY;
  let next = Math.max(1, input.startAttempt ?? 1);
  let budget = Math.min(Math.max(input.waitBudgetMs ?? WAIT_BUDGET_MS, 0), WAIT_BUDGET_MS);

  while (next <= MAX_ATTEMPTS) {
    let answer: UsableAnswer;
    let attempt = next;
    const tryOnce = async () => {
      attempt = next++;
      return await attemptOnce(deps, input, link, target, attempt, trace);
    };
    try {
      // Most clicks succeed at once: p-retry's machinery is only set up after a transient
      // failure (it showed in the click profile), with a first backoff of its minTimeout.
      answer = await tryOnce().catch(async (error: unknown) => {
        if (!(error instanceof TransientFailure) || next > MAX_ATTEMPTS) throw error;
        await delay(retry.minTimeout, undefined, input.signal ? { signal: input.signal } : {});
        return pRetry(tryOnce, {
          // Each transient retry is one of the three attempts, with the next number.
          retries: MAX_ATTEMPTS - next,
          minTimeout: retry.minTimeout,
          maxTimeout: retry.maxTimeout,
          factor: 2,
          ...(input.signal ? { signal: input.signal } : {}),
        });
      });
    } catch (thrown) {
      // Outside p-retry (the first try) an AbortError arrives still wrapped.
      const error = thrown instanceof AbortError ? thrown.originalError : thrown;
      if (input.signal?.aborted) return end('aborted');
      if (error instanceof LaunchEnded) return end(error.reason, error.detail);
      if (error instanceof TransientFailure) return end('retries-exhausted', error.message);
      trace.storeError = errorName(error);
      return end('store-failed');
    }

    if (answer.kind === 'destination') {
      return { ...base, kind: 'partner', location: answer.location, attempt: asAttempt(attempt) };
    }
    // The partner asked to wait: only worth it when an attempt and enough budget remain.
    if (next > MAX_ATTEMPTS) return end('retries-exhausted', 'partner-retry');
    if (answer.waitMs > budget) return end('wait-budget', `retry-${answer.waitMs / 1000}s`);
    budget -= answer.waitMs;
    if (input.mode === 'yield' && answer.waitMs > 0) {
      const { partnerAttempt } = answer;
      return {
        ...base,
        kind: 'wait',
        nextAttempt: asAttempt(next),
        waitMs: answer.waitMs,
        remainingBudgetMs: budget,
        ...(partnerAttempt === undefined ? {} : { partnerAttempt }),
      };
    }
    try {
      await deps.sleep(answer.waitMs, input.signal);
    } catch {
      return end('aborted');
    }
    trace.waitedMs += answer.waitMs;
  }
  // Only reached when startAttempt was past the last attempt.
  return end('retries-exhausted');
}

/** One POST with the token read fresh; throws TransientFailure or AbortError(LaunchEnded). */
async function attemptOnce(
  deps: LaunchDeps,
  input: LaunchInput,
  link: LinkUserConfig,
  target: string,
  attempt: number,
  trace: Trace,
): Promise<UsableAnswer> {
  let token: string | undefined;
  try {
    // Re-read every attempt: the retry protocol exists so a partner can push a new token.
    token = await deps.store.getLinkToken(input.user, input.app);
  } catch (error) {
    // p-retry must not retry a store failure.
    throw new AbortError(error instanceof Error ? error : new Error(String(error)));
  }
  if (token === undefined) throw new AbortError(new LaunchEnded('link-removed', 'token-missing'));

  trace.attempts += 1;
  trace.lastAttempt = attempt;
  const form = buildForm(link, input, token, attempt);
  const response = await deps.partner.post(target, form, input.signal);
  trace.latencyMs += response.latencyMs;
  if (response.kind === 'answer') {
    trace.partnerStatus = response.status;
    delete trace.transportError;
  } else {
    delete trace.partnerStatus;
    trace.transportError = response.code;
  }

  const answer = readAnswer(response);
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

/** The one log line per launch. Origins only: paths and queries may carry one-time codes. */
function logOutcome(
  logger: Logger,
  input: LaunchInput,
  link: LinkUserConfig | undefined,
  outcome: LaunchOutcome,
  trace: Trace,
  durationMs: number,
): void {
  const fields: Record<string, unknown> = {
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
    partner: link?.autologin_token_url ? urlOrigin(link.autologin_token_url) : undefined,
    locationOrigin: 'location' in outcome ? urlOrigin(outcome.location) : undefined,
    storeError: trace.storeError,
  };
  const line = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (trace.storeError) logger.error('autologin', line);
  else logger.info('autologin', line);
}
