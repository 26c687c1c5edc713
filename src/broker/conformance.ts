// Partner conformance (SPEC §7 check-partner): runs the broker's own launch loop and partner
// client against an autologin endpoint and judges each step. Plain data in and out: no CLI here.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sleep as realSleep } from './autologin.ts';
import {
  checkBody,
  checkEndpoint,
  checkHttpAnswer,
  checkLatency,
  checkRedirectAnswers,
  checkRedirectUrl,
  checkRetry,
  checkSingleUse,
  checkWrongToken,
} from './conformance-checks.ts';
import {
  answered,
  type BodyShape,
  type Exchange,
  type Run,
  retryValue,
  runLaunch,
} from './conformance-launch.ts';
import { type Probe, probeTwice } from './conformance-probe.ts';
import { clip, maskToken, maskUrl, redact, showJson } from './conformance-text.ts';
import type { PartnerAnswer } from './partner-answer.ts';
import {
  createPartnerClient,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  PARTNER_REQUEST_HEADERS,
  type PartnerClient,
} from './partner-client.ts';

export { maskToken, maskUrl, redact } from './conformance-text.ts';

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

export async function checkPartner(
  input: PartnerCheckInput,
  options: PartnerCheckOptions = {},
): Promise<ConformanceReport> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const fast = input.fast ?? false;
  const wrongToken = options.wrongToken ?? `wrong-${randomBytes(18).toString('base64url')}`;
  const mask = (text: string) => redact(text, [input.token, wrongToken]);
  const checks: CheckResult[] = [];
  const endpoint = checkEndpoint(input.url);
  checks.push(endpoint);

  let main: Run | undefined;
  let wrong: Run | undefined;
  let probes: [Probe?, Probe?] = [];
  if (endpoint.verdict !== 'fail') {
    const partner = options.partner ?? createPartnerClient({ attemptTimeoutMs: timeoutMs });
    try {
      const sleep = options.sleep ?? ((ms: number) => realSleep(ms));
      main = await runLaunch(partner, input, input.token, fast ? undefined : sleep, fast, mask);
      if (main.outcome.kind === 'partner') {
        probes = await probeTwice(main.outcome.location, timeoutMs);
      }
      // A partner that never answered cannot refuse either; do not wait for it twice.
      if (main.exchanges.some((e) => answered(e.response))) {
        // Waits are not honoured here: only the final refusal matters.
        wrong = await runLaunch(partner, input, wrongToken, undefined, true, mask);
      }
    } finally {
      if (!options.partner) await partner.close();
    }
    const exchanges = main.exchanges;
    checks.push(
      checkHttpAnswer(exchanges, timeoutMs),
      checkLatency(exchanges),
      checkBody(exchanges, mask),
      checkRedirectUrl(exchanges, main.outcome, fast, mask),
      checkRetry(exchanges, main.outcome, fast, mask),
      checkRedirectAnswers(probes[0], mask),
      checkSingleUse(probes[0], probes[1], mask),
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
    ...(first ? { request: describeRequest(input.url, first.form, mask) } : {}),
    attempts: main?.exchanges.map((e) => describeAttempt(e, mask)) ?? [],
    wrongTokenAttempts: wrong?.exchanges.map((e) => describeAttempt(e, mask)) ?? [],
    checks,
    counts,
    durationMs: Math.round(performance.now() - started),
  };
}

function describeRequest(
  url: string,
  form: Record<string, string>,
  mask: (text: string) => string,
) {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    fields[key] = key === 'token' ? maskToken(value) : mask(value);
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
  if (response.status !== undefined) report.status = response.status;
  if (response.kind === 'transport-error') report.transportError = response.code;
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
    report.retry = showJson(retryValue(e), 40, mask);
    report.waitAskedMs = answer.waitMs;
    if (e.waitedMs !== undefined) report.waitedMs = e.waitedMs;
  }
  return report;
}
