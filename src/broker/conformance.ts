// Partner conformance (SPEC §7 check-partner): runs the broker's own launch loop and partner
// client against an autologin endpoint and judges each step. Plain data in and out: no CLI here.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { silentLogger } from '../log.ts';
import type { LinkUserConfig } from '../store/store.ts';
import {
  DEFAULT_TRANSIENT_RETRY,
  type LaunchOutcome,
  launchApp,
  MAX_ATTEMPTS,
  sleep as realSleep,
  WAIT_BUDGET_MS,
} from './autologin.ts';
import { MAX_WAIT_SECONDS, type PartnerAnswer, readAnswer, waitSeconds } from './partner-answer.ts';
import {
  createPartnerClient,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  MAX_BODY_BYTES,
  PARTNER_REQUEST_HEADERS,
  type PartnerClient,
  type PartnerResponse,
  USER_AGENT,
} from './partner-client.ts';
import { checkHttpUrl } from './redirect-url.ts';

export type Verdict = 'pass' | 'warn' | 'fail' | 'skip';

export const CHECK_IDS = [
  'endpoint',
  'http-answer',
  'latency',
  'body',
  'redirect-url',
  'retry',
  'redirect-answers',
  'single-use',
  'wrong-token',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckResult {
  id: CheckId;
  verdict: Verdict;
  /** One line: what was seen. */
  summary: string;
  /** One line on how to fix it (warn and fail only). */
  hint?: string;
  /** Further lines, e.g. one per retry answer. */
  details?: string[];
}

/** Public link fields the broker forwards when the link has them. */
export type ForwardedLinkFields = Partial<
  Record<'url' | 'label' | 'implements' | 'group_id' | 'order' | 'hide', string>
>;

export interface PartnerCheckInput {
  /** The link's `autologin_token_url`. */
  url: string;
  user: string;
  app: string;
  token: string;
  subscriber: string;
  link?: ForwardedLinkFields;
  /** Shortens partner-requested waits (and transient backoff) to 0; the asked waits are reported. */
  fast?: boolean;
}

export interface PartnerCheckOptions {
  /** Per attempt, connect to end of body; default the broker's 10 s. Also bounds the GET probes. */
  timeoutMs?: number;
  /** A client to use (its own limits apply); default: one made with `timeoutMs`, closed after. */
  partner?: PartnerClient;
  sleep?: (ms: number) => Promise<void>;
  /** The token the refusal check sends; default a random one. */
  wrongToken?: string;
}

export interface AttemptReport {
  /** The `attempt` field sent. */
  attempt: number;
  latencyMs: number;
  status?: number;
  transportError?: string;
  bodyBytes?: number;
  body?: BodyShape;
  keys?: string[];
  /** What the broker makes of the answer (readAnswer). */
  answer: PartnerAnswer['kind'];
  detail?: string;
  /** The raw `retry` value, as JSON text. */
  retry?: string;
  waitAskedMs?: number;
  /** Absent when the loop ended instead of waiting. */
  waitedMs?: number;
  partnerAttempt?: string;
  /** Masked: one-time codes are secrets too. */
  redirectUrl?: string;
}

export interface ConformanceReport {
  ok: boolean;
  url: string;
  fast: boolean;
  timeoutMs: number;
  /** The broker's POST (attempt 1), token masked; absent when nothing could be sent. */
  request?: {
    method: 'POST';
    url: string;
    headers: Record<string, string>;
    fields: Record<string, string>;
  };
  attempts: AttemptReport[];
  wrongTokenAttempts: AttemptReport[];
  checks: CheckResult[];
  counts: Record<Verdict, number>;
  durationMs: number;
}

type BodyShape = 'object' | 'array' | 'value' | 'invalid' | 'empty';

interface Exchange {
  form: Record<string, string>;
  response: PartnerResponse;
  answer: PartnerAnswer;
  view?: BodyView;
  waitedMs?: number;
}

interface BodyView {
  bytes: number;
  shape: BodyShape;
  keys: string[];
  object?: Record<string, unknown>;
}

interface Run {
  exchanges: Exchange[];
  outcome: LaunchOutcome;
}

type Probe =
  | { kind: 'answer'; status: number; location?: string; latencyMs: number }
  | { kind: 'error'; message: string; latencyMs: number };

const SLOW_MS = 2_000;

export async function checkPartner(
  input: PartnerCheckInput,
  options: PartnerCheckOptions = {},
): Promise<ConformanceReport> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const fast = input.fast ?? false;
  const wrongToken = options.wrongToken ?? `wrong-${randomBytes(18).toString('base64url')}`;
  const secrets = [input.token, wrongToken];
  const mask = (text: string) => redact(text, secrets);
  const checks: CheckResult[] = [];
  const endpoint = checkEndpoint(input.url);
  checks.push(endpoint);

  let main: Run | undefined;
  let wrong: Run | undefined;
  let probes: [Probe?, Probe?] = [];
  if (endpoint.verdict !== 'fail') {
    const partner = options.partner ?? createPartnerClient({ attemptTimeoutMs: timeoutMs });
    const probeAgent = createProbeAgent(timeoutMs);
    try {
      const sleep = options.sleep ?? ((ms: number) => realSleep(ms));
      main = await runLaunch(partner, input, input.token, fast ? undefined : sleep, fast);
      if (main.outcome.kind === 'partner') {
        probes = await probeTwice(probeAgent, main.outcome.location, timeoutMs);
      }
      // A partner that never answered cannot refuse either; do not wait for it twice.
      if (main.exchanges.some((e) => answered(e.response))) {
        // Waits are not honoured here: only the final refusal matters.
        wrong = await runLaunch(partner, input, wrongToken, undefined, true);
      }
    } finally {
      await probeAgent.destroy();
      if (!options.partner) await partner.close();
    }
    const exchanges = main.exchanges;
    checks.push(
      checkHttpAnswer(exchanges, timeoutMs),
      checkLatency(exchanges),
      checkBody(exchanges, mask),
      checkRedirectUrl(exchanges, main.outcome, mask),
      checkRetry(exchanges, main.outcome, fast),
      checkRedirectAnswers(probes[0]),
      checkSingleUse(probes[0], probes[1]),
      checkWrongToken(wrong),
    );
  } else {
    for (const id of CHECK_IDS.slice(1)) {
      checks.push({ id, verdict: 'skip', summary: 'not run: the autologin URL is unusable' });
    }
  }

  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) counts[check.verdict] += 1;
  const first = main?.exchanges[0];
  return {
    ok: counts.fail === 0,
    url: input.url,
    fast,
    timeoutMs,
    ...(first ? { request: describeRequest(input.url, first.form, secrets) } : {}),
    attempts: main?.exchanges.map((e) => describeAttempt(e, mask)) ?? [],
    wrongTokenAttempts: wrong?.exchanges.map((e) => describeAttempt(e, mask)) ?? [],
    checks,
    counts,
    durationMs: Math.round(performance.now() - started),
  };
}

/** "s3…(12 chars)": enough to recognise a token, useless to replay it. */
export function maskToken(token: string): string {
  const head = token.length >= 8 ? token.slice(0, 2) : '';
  return `${head}…(${token.length} chars)`;
}

/** A URL with its secrets shortened: long path segments and every query value. */
export function maskUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return clip(value, 24);
  }
  const path = url.pathname
    .split('/')
    .map((part) => (part.length > 12 ? `${part.slice(0, 4)}…(${part.length})` : part))
    .join('/');
  const query = [...url.searchParams.keys()].map((key) => `${key}=…`).join('&');
  return `${url.origin}${path}${query ? `?${query}` : ''}`;
}

/**
 * Runs the broker's own loop (launchApp) on an in-memory link, recording every POST and answer.
 * `sleep` undefined: partner-requested waits are recorded but not waited.
 */
async function runLaunch(
  partner: PartnerClient,
  input: PartnerCheckInput,
  token: string,
  sleep: ((ms: number) => Promise<void>) | undefined,
  fast: boolean,
): Promise<Run> {
  const exchanges: Exchange[] = [];
  const recording: PartnerClient = {
    async post(url, form, signal) {
      const response = await partner.post(url, form, signal);
      const view = response.kind === 'answer' ? viewBody(response.body) : undefined;
      exchanges.push({ form, response, answer: readAnswer(response), ...(view ? { view } : {}) });
      return response;
    },
    close: async () => {},
  };
  const link: LinkUserConfig = {
    ...input.link,
    autologin_token_url: input.url,
    subscriber_unique_id: input.subscriber,
  };
  const outcome = await launchApp(
    {
      store: { getLink: async () => link, getLinkToken: async () => token },
      partner: recording,
      logger: silentLogger,
      sleep: async (ms) => {
        const last = exchanges.at(-1);
        if (last) last.waitedMs = sleep ? ms : 0;
        if (sleep && ms > 0) await sleep(ms);
      },
      now: () => performance.now(),
      retry: fast ? { minTimeout: 0, maxTimeout: 0 } : DEFAULT_TRANSIENT_RETRY,
    },
    { user: input.user, app: input.app, mode: 'wait' },
  );
  return { exchanges, outcome };
}

function createProbeAgent(timeoutMs: number): Agent {
  return new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

/** GETs the sign-in URL twice, as a browser would open it, never following a redirect. */
async function probeTwice(agent: Agent, url: string, timeoutMs: number): Promise<[Probe, Probe?]> {
  const first = await probe(agent, url, timeoutMs);
  if (first.kind !== 'answer' || first.status >= 400) return [first];
  return [first, await probe(agent, url, timeoutMs)];
}

async function probe(agent: Agent, url: string, timeoutMs: number): Promise<Probe> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await request(url, {
      dispatcher: agent,
      method: 'GET',
      headers: { accept: 'text/html,*/*', 'user-agent': USER_AGENT },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump({ limit: MAX_BODY_BYTES });
    const location = response.headers.location;
    return {
      kind: 'answer',
      status: response.statusCode,
      ...(typeof location === 'string' ? { location } : {}),
      latencyMs: latency(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message: clip(message, 200), latencyMs: latency() };
  }
}

// ---------------------------------------------------------------------------------------------
// The checks: each reads what was recorded and gives one verdict with one line of explanation.

function checkEndpoint(url: string): CheckResult {
  const problem = checkHttpUrl(url);
  if (problem !== undefined) {
    return {
      id: 'endpoint',
      verdict: 'fail',
      summary: `the autologin URL ${problem}`,
      hint: 'Give the absolute https URL the link stores as autologin_token_url.',
    };
  }
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') {
    return { id: 'endpoint', verdict: 'pass', summary: 'absolute https URL' };
  }
  if (isLoopback(parsed)) {
    return {
      id: 'endpoint',
      verdict: 'pass',
      summary: 'absolute http URL on loopback (fine for testing; use https in production)',
    };
  }
  return {
    id: 'endpoint',
    verdict: 'warn',
    summary: 'plain http: the token would travel unencrypted',
    hint: 'Serve the autologin endpoint over https.',
  };
}

function checkHttpAnswer(exchanges: Exchange[], timeoutMs: number): CheckResult {
  const id = 'http-answer';
  // An oversized body did answer; the body check reports it.
  const hard = exchanges.find(
    (e) => e.answer.kind === 'failed' && !isOk(e.response) && !isTooLarge(e.response),
  );
  if (hard) {
    return {
      id,
      verdict: 'fail',
      summary: `attempt ${e2a(hard)}: ${describeResponse(hard.response)}`,
      hint: hintForResponse(hard.response, timeoutMs),
    };
  }
  const transient = exchanges.filter((e) => e.answer.kind === 'transient');
  const list = exchanges.map((e) => `${e2a(e)}: ${describeResponse(e.response)}`).join('; ');
  const hint =
    'The broker retries 502/503/504 and refused/reset connections at once, inside its 3 attempts; answer {"retry": N} while busy instead.';
  if (transient.length > 0) {
    const recovered = exchanges.some((e) => isOk(e.response));
    return recovered
      ? { id, verdict: 'warn', summary: `recovered after transient failures (${list})`, hint }
      : {
          id,
          verdict: 'fail',
          summary: `no usable answer in ${exchanges.length} attempts (${list})`,
          hint,
        };
  }
  const statuses = [...new Set(exchanges.map((e) => describeResponse(e.response)))].join(', ');
  const n = exchanges.length;
  return { id, verdict: 'pass', summary: `${statuses} (${n} attempt${n === 1 ? '' : 's'})` };
}

function checkLatency(exchanges: Exchange[]): CheckResult {
  const timed = exchanges.filter((e) => answered(e.response));
  if (timed.length === 0) {
    return { id: 'latency', verdict: 'skip', summary: 'no answer to time' };
  }
  const slowest = Math.max(...timed.map((e) => e.response.latencyMs));
  const list = timed.map((e) => `${e.response.latencyMs} ms`).join(', ');
  if (slowest > SLOW_MS) {
    return {
      id: 'latency',
      verdict: 'warn',
      summary: `slowest answer ${slowest} ms (${list})`,
      hint: 'The user waits on this: answer within 1–2 s; the broker gives up after 10 s.',
    };
  }
  return { id: 'latency', verdict: 'pass', summary: `slowest answer ${slowest} ms (${list})` };
}

function checkBody(exchanges: Exchange[], mask: (text: string) => string): CheckResult {
  const hint =
    'Answer a JSON object: {"redirect_url": "https://…"} or {"retry": N}, Content-Type: application/json.';
  const tooLarge = exchanges.find((e) => isTooLarge(e.response));
  if (tooLarge) {
    return {
      id: 'body',
      verdict: 'fail',
      summary: `attempt ${e2a(tooLarge)}: the answer is larger than ${MAX_BODY_BYTES / 1024} KiB`,
      hint: 'Keep the answer small (a few hundred bytes); the broker aborts bodies over 64 KiB.',
    };
  }
  const ok = exchanges.filter((e) => isOk(e.response));
  if (ok.length === 0) return { id: 'body', verdict: 'skip', summary: 'no 2xx answer to read' };
  for (const e of ok) {
    const view = e.view;
    if (!view || view.shape === 'object') continue;
    const text = e.response.kind === 'answer' ? e.response.body : '';
    const shown =
      view.shape === 'empty'
        ? 'an empty body'
        : view.shape === 'invalid'
          ? `not JSON: ${JSON.stringify(clip(mask(text), 60))}`
          : `JSON ${view.shape === 'array' ? 'array' : 'value'}, not an object`;
    return {
      id: 'body',
      verdict: 'fail',
      summary: `attempt ${e2a(e)}: ${shown} (${view.bytes} B)`,
      hint,
    };
  }
  const last = ok.at(-1)?.view;
  const keys = last?.keys.length ? last.keys.join(', ') : 'none';
  return {
    id: 'body',
    verdict: 'pass',
    summary: `JSON object${ok.length > 1 ? ' every time' : ''}; keys: ${keys} (${last?.bytes ?? 0} B)`,
  };
}

function checkRedirectUrl(
  exchanges: Exchange[],
  outcome: LaunchOutcome,
  mask: (text: string) => string,
): CheckResult {
  const id = 'redirect-url';
  if (outcome.kind === 'partner') {
    const url = new URL(outcome.location);
    const shown = maskUrl(mask(outcome.location));
    if (url.protocol === 'https:' || isLoopback(url)) {
      return { id, verdict: 'pass', summary: `present, absolute and safe: ${shown}` };
    }
    return {
      id,
      verdict: 'warn',
      summary: `present but plain http: ${shown}`,
      hint: 'Send the user to an https URL: the one-time code must not travel in clear text.',
    };
  }
  const unsafe = exchanges.find(
    (e) => e.answer.kind === 'failed' && e.answer.detail === 'unsafe-redirect-url',
  );
  if (unsafe) {
    const raw = unsafe.view?.object?.redirect_url;
    const problem = checkHttpUrl(raw) ?? 'is unsafe';
    return {
      id,
      verdict: 'fail',
      summary: `unsafe: ${JSON.stringify(clip(mask(String(raw)), 60))} ${problem}`,
      hint: 'Return an absolute https URL on your own site; the broker refuses javascript:, data:, relative URLs and control characters.',
    };
  }
  const noKey = exchanges.find(
    (e) => e.answer.kind === 'failed' && e.answer.detail === 'no-usable-key',
  );
  if (noKey) {
    const keys = noKey.view?.keys ?? [];
    const what = keys.includes('redirect_url')
      ? 'redirect_url is not a string'
      : `no redirect_url or retry key (keys: ${keys.join(', ') || 'none'})`;
    return {
      id,
      verdict: 'fail',
      summary: `attempt ${e2a(noKey)}: ${what}`,
      hint: 'The broker reads only redirect_url, retry and attempt: put the sign-in URL in "redirect_url".',
    };
  }
  if (
    exchanges.some((e) => e.answer.kind === 'retry') &&
    exchanges.every((e) => isOk(e.response))
  ) {
    return { id, verdict: 'skip', summary: 'the partner only asked to retry (see retry)' };
  }
  return { id, verdict: 'skip', summary: 'no usable answer to read it from' };
}

function checkRetry(exchanges: Exchange[], outcome: LaunchOutcome, fast: boolean): CheckResult {
  const id = 'retry';
  const retries = exchanges.filter((e) => e.answer.kind === 'retry');
  const sent = exchanges.map(e2a).join(', ');
  if (retries.length === 0) {
    return outcome.kind === 'partner'
      ? { id, verdict: 'pass', summary: `not needed: redirect_url at attempt ${outcome.attempt}` }
      : { id, verdict: 'skip', summary: 'not exercised: no answer asked to retry' };
  }
  const details = retries.map((e) => describeRetry(e, fast));
  const askedMs = retries.reduce((sum, e) => sum + waitMsOf(e), 0);
  if (outcome.kind === 'partner') {
    const odd = retries.map((e) => oddRetry(e.view?.object?.retry)).find((x) => x !== undefined);
    const waits = `${askedMs / 1000} s of waits asked${fast ? ' (not waited: --fast)' : ', honoured'}`;
    const summary = `attempts ${sent} sent; redirect_url at attempt ${outcome.attempt}; ${waits}`;
    return odd
      ? { id, verdict: 'warn', summary, hint: odd, details }
      : { id, verdict: 'pass', summary, details };
  }
  const reason = 'reason' in outcome ? outcome.reason : undefined;
  if (reason === 'wait-budget') {
    const last = retries.at(-1);
    const waited = askedMs - (last ? waitMsOf(last) : 0);
    return {
      id,
      verdict: 'fail',
      summary: `asked to wait ${last ? waitMsOf(last) / 1000 : 0} s with ${(WAIT_BUDGET_MS - waited) / 1000} s left of the ${WAIT_BUDGET_MS / 1000} s budget`,
      hint: 'Keep the sum of retry waits within 60 s; short waits (1–5 s) work best.',
      details,
    };
  }
  const lastExchange = exchanges.at(-1);
  if (lastExchange?.answer.kind === 'retry') {
    return {
      id,
      verdict: 'fail',
      summary: `still asking to retry at attempt ${MAX_ATTEMPTS} (attempts ${sent} sent)`,
      hint: `Have the sign-in URL ready by attempt ${MAX_ATTEMPTS}: the broker makes at most ${MAX_ATTEMPTS} attempts, then falls back.`,
      details,
    };
  }
  return {
    id,
    verdict: 'fail',
    summary: `asked to retry, then attempt ${lastExchange ? e2a(lastExchange) : '?'} failed`,
    hint: 'After a retry answer, the next attempt must answer redirect_url (see http-answer and body).',
    details,
  };
}

function checkRedirectAnswers(first: Probe | undefined): CheckResult {
  const id = 'redirect-answers';
  if (!first) return { id, verdict: 'skip', summary: 'no redirect_url to open' };
  if (first.kind === 'error') {
    return {
      id,
      verdict: 'fail',
      summary: `GET failed: ${first.message}`,
      hint: 'The redirect URL must be reachable by the user’s browser.',
    };
  }
  if (first.status >= 200 && first.status < 400) {
    return { id, verdict: 'pass', summary: `GET: ${describeProbe(first)}` };
  }
  return {
    id,
    verdict: 'fail',
    summary: `GET: ${describeProbe(first)}`,
    hint: 'Opening the URL once must sign the user in (2xx, or 3xx into your site): issue the code just before answering.',
  };
}

function checkSingleUse(first: Probe | undefined, second: Probe | undefined): CheckResult {
  const id = 'single-use';
  const hint =
    'Make the sign-in URL single-use and short-lived (1–2 min): a used or expired code must get 4xx, ideally 410 Gone.';
  if (first?.kind !== 'answer' || !second) {
    return { id, verdict: 'skip', summary: 'the redirect URL did not answer a first time' };
  }
  if (second.kind === 'error') {
    return { id, verdict: 'warn', summary: `second GET failed: ${second.message}`, hint };
  }
  const seen = `second GET: ${describeProbe(second)}`;
  if (second.status >= 400 && second.status < 500) {
    return { id, verdict: 'pass', summary: `${seen} (refused, as it should be)` };
  }
  if (second.status >= 200 && second.status < 300) {
    return { id, verdict: 'fail', summary: `${seen}: the URL works twice`, hint };
  }
  if (second.status >= 300 && second.status < 400) {
    return second.location === first.location
      ? { id, verdict: 'fail', summary: `${seen}, as the first: the URL works twice`, hint }
      : {
          id,
          verdict: 'warn',
          summary: `${seen} (the first went elsewhere); check it is not a signed-in page`,
          hint,
        };
  }
  return { id, verdict: 'warn', summary: `${seen}: not a clear refusal`, hint };
}

function checkWrongToken(run: Run | undefined): CheckResult {
  const id = 'wrong-token';
  const hint =
    'Compare the posted token with the subscriber’s current one (constant-time) and answer 401 {"error": …} when it differs.';
  if (!run) return { id, verdict: 'skip', summary: 'not run: the endpoint did not answer' };
  const { exchanges, outcome } = run;
  const issued = exchanges.find(
    (e) =>
      e.answer.kind === 'destination' ||
      (e.answer.kind === 'failed' && e.answer.detail === 'unsafe-redirect-url'),
  );
  if (outcome.kind === 'partner' || issued) {
    return {
      id,
      verdict: 'fail',
      summary: `a wrong token got a redirect_url (attempt ${issued ? e2a(issued) : '?'})`,
      hint: `${hint} Never issue a sign-in URL for it.`,
    };
  }
  const last = exchanges.at(-1);
  const retried = exchanges.filter((e) => e.answer.kind === 'retry').length;
  const after = retried > 0 ? ` after ${retried} retry answer${retried === 1 ? '' : 's'}` : '';
  if (!last) return { id, verdict: 'skip', summary: 'nothing was sent' };
  const status = last.response.kind === 'answer' ? last.response.status : undefined;
  if (status === 401 || status === 403) {
    return { id, verdict: 'pass', summary: `refused with HTTP ${status}${after}` };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      id,
      verdict: 'warn',
      summary: `refused with HTTP ${status}${after}; 401 or 403 says why`,
      hint,
    };
  }
  if (last.answer.kind === 'retry') {
    return {
      id,
      verdict: 'warn',
      summary: `no redirect_url, but still asking to retry at attempt ${e2a(last)}`,
      hint,
    };
  }
  return {
    id,
    verdict: 'warn',
    summary: `no redirect_url, but no clear refusal either: ${describeResponse(last.response)}${after}`,
    hint,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function describeRequest(url: string, form: Record<string, string>, secrets: string[]) {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    fields[key] = key === 'token' ? maskToken(value) : redact(value, secrets);
  }
  return { method: 'POST' as const, url, headers: { ...PARTNER_REQUEST_HEADERS }, fields };
}

function describeAttempt(e: Exchange, mask: (text: string) => string): AttemptReport {
  const { response, answer } = e;
  const report: AttemptReport = {
    attempt: Number(e.form.attempt),
    latencyMs: response.latencyMs,
    answer: answer.kind,
  };
  if (response.kind === 'answer') report.status = response.status;
  else report.transportError = response.code;
  if (e.view) {
    report.bodyBytes = e.view.bytes;
    report.body = e.view.shape;
    report.keys = e.view.keys;
  }
  if ('detail' in answer) report.detail = answer.detail;
  if (answer.partnerAttempt !== undefined) {
    report.partnerAttempt = clip(mask(answer.partnerAttempt), 32);
  }
  if (answer.kind === 'destination') report.redirectUrl = maskUrl(mask(answer.location));
  if (answer.kind === 'retry') {
    report.retry = clip(mask(JSON.stringify(e.view?.object?.retry) ?? 'null'), 40);
    report.waitAskedMs = answer.waitMs;
    if (e.waitedMs !== undefined) report.waitedMs = e.waitedMs;
  }
  return report;
}

function describeRetry(e: Exchange, fast: boolean): string {
  const raw = clip(JSON.stringify(e.view?.object?.retry) ?? 'null', 40);
  const asked = waitMsOf(e) / 1000;
  const waited =
    e.waitedMs === undefined
      ? 'not waited: the loop ended'
      : fast
        ? 'waited 0 s (--fast)'
        : `waited ${e.waitedMs / 1000} s`;
  const echo =
    e.answer.partnerAttempt === undefined
      ? ''
      : `, partner says attempt ${clip(e.answer.partnerAttempt, 32)}`;
  return `attempt ${e2a(e)}: retry ${raw} → wait ${asked} s, ${waited}${echo}`;
}

/** A warning for a `retry` value the broker reads differently from how it looks. */
function oddRetry(value: unknown): string | undefined {
  const seconds = waitSeconds(value);
  const numeric =
    typeof value === 'number' ||
    (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
  if (!numeric) {
    return `retry ${clip(JSON.stringify(value) ?? 'null', 30)} is not a number: the broker waits 0 s; send whole seconds.`;
  }
  if (Number(value) !== seconds) {
    return `retry ${clip(JSON.stringify(value), 30)} is read as ${seconds} s (whole seconds, at most ${MAX_WAIT_SECONDS}).`;
  }
  return undefined;
}

function waitMsOf(e: Exchange): number {
  return e.answer.kind === 'retry' ? e.answer.waitMs : 0;
}

function viewBody(body: string): BodyView {
  const bytes = Buffer.byteLength(body);
  const text = body.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { bytes, shape: 'empty', keys: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { bytes, shape: 'invalid', keys: [] };
  }
  if (Array.isArray(value)) return { bytes, shape: 'array', keys: [] };
  if (typeof value !== 'object' || value === null) return { bytes, shape: 'value', keys: [] };
  const object = value as Record<string, unknown>;
  return { bytes, shape: 'object', keys: Object.keys(object).slice(0, 20), object };
}

function isTooLarge(response: PartnerResponse): boolean {
  return response.kind === 'transport-error' && response.code === 'too-large';
}

function answered(response: PartnerResponse): boolean {
  return response.kind === 'answer' || isTooLarge(response);
}

function isOk(response: PartnerResponse): boolean {
  return response.kind === 'answer' && response.status >= 200 && response.status < 300;
}

/** The attempt number an exchange sent. */
function e2a(e: Exchange): string {
  return e.form.attempt ?? '?';
}

function describeResponse(response: PartnerResponse): string {
  if (response.kind === 'answer') return `HTTP ${response.status}`;
  return `no answer (${response.code}: ${clip(response.message, 100)})`;
}

function describeProbe(probe: Extract<Probe, { kind: 'answer' }>): string {
  const to = probe.location ? ` → ${maskUrl(probe.location)}` : '';
  return `HTTP ${probe.status}${to} in ${probe.latencyMs} ms`;
}

function hintForResponse(response: PartnerResponse, timeoutMs: number): string {
  if (response.kind === 'transport-error') {
    switch (response.code) {
      case 'timeout':
        return `Answer within ${timeoutMs / 1000} s, connect to end of body; the broker then gives up and uses the fallback.`;
      case 'refused':
        return 'Nothing listens there: check the URL, the port and any firewall.';
      case 'reset':
        return 'The connection was reset: check the server and any proxy in front of it.';
      default:
        return 'Check that the URL is reachable from the broker’s host (DNS, TLS certificate, proxy).';
    }
  }
  const { status } = response;
  if (status >= 300 && status < 400) {
    return 'Answer the POST itself (200 with JSON): the broker never follows redirects, so the token cannot travel elsewhere.';
  }
  if (status === 401 || status === 403) {
    return 'The partner refused the token: check that --token and --subscriber are what it expects.';
  }
  if (status === 404 || status === 405) {
    return 'Check the URL: the endpoint must accept POST at exactly this address.';
  }
  if (status >= 400 && status < 500) {
    return 'The partner rejected the request: it must accept the form fields shown under Request.';
  }
  return 'The partner failed: see its logs; answer 200 with {"redirect_url": …} or {"retry": N}.';
}

function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** Replaces every secret in `text` (tokens shorter than 3 characters cannot be told apart). */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join(maskToken(secret));
  }
  return out;
}

/** Shortened, with control characters escaped: partner text must not drive the terminal. */
function clip(text: string, max: number): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return short.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
