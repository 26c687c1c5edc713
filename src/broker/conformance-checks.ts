// The nine checks of check-partner: each reads what the launch run and the probes recorded and
// gives one verdict with one line of explanation (and a hint on how to fix it).

import { type LaunchOutcome, MAX_ATTEMPTS, WAIT_BUDGET_MS } from './autologin.ts';
import type { CheckResult } from './conformance.ts';
import {
  answered,
  attemptOf,
  type Exchange,
  failedWith,
  isOk,
  isTooLarge,
  type Run,
  retryValue,
  waitMsOf,
} from './conformance-launch.ts';
import { describeProbe, type Probe } from './conformance-probe.ts';
import { describeResponse, describeRetry, maskUrl, showJson } from './conformance-text.ts';
import { MAX_WAIT_SECONDS, waitSeconds } from './partner-answer.ts';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  MAX_BODY_BYTES,
  type PartnerResponse,
} from './partner-client.ts';
import { checkHttpUrl, PARTNER_LOCATION } from './redirect-url.ts';

const SLOW_MS = 2_000;

export function checkEndpoint(url: string): CheckResult {
  const id = 'endpoint';
  const problem = checkHttpUrl(url);
  if (problem !== undefined) {
    return {
      id,
      verdict: 'fail',
      summary: `the autologin URL ${problem}`,
      hint: 'Give the absolute https URL the link stores as autologin_token_url.',
    };
  }
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') {
    return { id, verdict: 'pass', summary: 'absolute https URL' };
  }
  if (isLoopback(parsed)) {
    return {
      id,
      verdict: 'pass',
      summary: 'absolute http URL on loopback (fine for testing; use https in production)',
    };
  }
  return {
    id,
    verdict: 'warn',
    summary: 'plain http: the token would travel unencrypted',
    hint: 'Serve the autologin endpoint over https.',
  };
}

export function checkHttpAnswer(exchanges: Exchange[], timeoutMs: number): CheckResult {
  const id = 'http-answer';
  // An oversized body did answer; the body check reports it.
  const hard = exchanges.find(
    (e) => e.answer.kind === 'failed' && !isOk(e.response) && !isTooLarge(e.response),
  );
  if (hard) {
    return {
      id,
      verdict: 'fail',
      summary: `attempt ${attemptOf(hard)}: ${describeResponse(hard.response)}`,
      hint: hintForResponse(hard.response, timeoutMs),
    };
  }
  const transient = exchanges.filter((e) => e.answer.kind === 'transient');
  const list = exchanges.map((e) => `${attemptOf(e)}: ${describeResponse(e.response)}`).join('; ');
  const first = transient[0]?.response;
  // A refused or reset connection is no answer at all: the hint is about reaching the server.
  const hint =
    first?.kind === 'transport-error'
      ? hintForResponse(first, timeoutMs)
      : 'The broker retries 502/503/504 after a short backoff (0.25–1 s), inside its 3 attempts; answer {"retry": N} while busy instead.';
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
  // The status is this check's business; an oversized body is the body check's.
  const status = (e: Exchange) =>
    isTooLarge(e.response) && e.response.status !== undefined
      ? `HTTP ${e.response.status} (body too large: see body)`
      : describeResponse(e.response);
  const statuses = [...new Set(exchanges.map(status))].join(', ');
  const n = exchanges.length;
  return { id, verdict: 'pass', summary: `${statuses} (${n} attempt${n === 1 ? '' : 's'})` };
}

export function checkLatency(exchanges: Exchange[]): CheckResult {
  const id = 'latency';
  const timed = exchanges.filter((e) => answered(e.response));
  if (timed.length === 0) {
    return { id, verdict: 'skip', summary: 'no answer to time' };
  }
  const slowest = Math.max(...timed.map((e) => e.response.latencyMs));
  const list = timed.map((e) => `${e.response.latencyMs} ms`).join(', ');
  const late = exchanges.find(
    (e) => e.response.kind === 'transport-error' && e.response.code === 'timeout',
  );
  if (late) {
    const others = timed.filter((e) => e !== late).map((e) => `${e.response.latencyMs} ms`);
    return {
      id,
      verdict: 'warn',
      summary: `attempt ${attemptOf(late)} got no answer in time (${late.response.latencyMs} ms)${others.length > 0 ? `; the others: ${others.join(', ')}` : ''}`,
      hint: 'Every attempt must answer quickly, later ones too: the user waits on each.',
    };
  }
  if (slowest > DEFAULT_ATTEMPT_TIMEOUT_MS) {
    return {
      id,
      verdict: 'fail',
      summary: `slowest answer ${slowest} ms (${list}): past the broker's ${DEFAULT_ATTEMPT_TIMEOUT_MS / 1000} s limit, a real click would time out`,
      hint: 'Answer within 1–2 s; the broker gives up after 10 s whatever --timeout-ms allowed here.',
    };
  }
  if (slowest > SLOW_MS) {
    return {
      id,
      verdict: 'warn',
      summary: `slowest answer ${slowest} ms (${list})`,
      hint: 'The user waits on this: answer within 1–2 s; the broker gives up after 10 s.',
    };
  }
  return { id, verdict: 'pass', summary: `slowest answer ${slowest} ms (${list})` };
}

export function checkBody(exchanges: Exchange[], mask: (text: string) => string): CheckResult {
  const id = 'body';
  const hint =
    'Answer a JSON object: {"redirect_url": "https://…"} or {"retry": N}, Content-Type: application/json.';
  const tooLarge = exchanges.find((e) => isTooLarge(e.response));
  if (tooLarge) {
    return {
      id,
      verdict: 'fail',
      summary: `attempt ${attemptOf(tooLarge)}: the answer is larger than ${MAX_BODY_BYTES / 1024} KiB`,
      hint: 'Keep the answer small (a few hundred bytes); the broker aborts bodies over 64 KiB.',
    };
  }
  const ok = exchanges.filter((e) => isOk(e.response));
  if (ok.length === 0) return { id, verdict: 'skip', summary: 'no 2xx answer to read' };
  for (const e of ok) {
    const view = e.view;
    if (!view || view.shape === 'object') continue;
    const text = e.response.kind === 'answer' ? e.response.body : '';
    const shown =
      view.shape === 'empty'
        ? 'an empty body'
        : view.shape === 'invalid'
          ? `not JSON: ${showJson(text, 62, mask)}`
          : `JSON ${view.shape === 'array' ? 'array' : 'value'}, not an object`;
    return {
      id,
      verdict: 'fail',
      summary: `attempt ${attemptOf(e)}: ${shown} (${view.bytes} B)`,
      hint,
    };
  }
  const last = ok.at(-1)?.view;
  const keys = last?.keys.length ? last.keys.join(', ') : 'none';
  return {
    id,
    verdict: 'pass',
    summary: `JSON object${ok.length > 1 ? ' every time' : ''}; keys: ${keys} (${last?.bytes ?? 0} B)`,
  };
}

export function checkRedirectUrl(
  exchanges: Exchange[],
  outcome: LaunchOutcome,
  fast: boolean,
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
  const echoed = exchanges.find((e) => failedWith(e, 'token-in-redirect-url'));
  if (echoed) {
    const raw = echoed.view?.object?.redirect_url;
    return {
      id,
      verdict: 'fail',
      summary: `carries the token: ${maskUrl(mask(String(raw)))}`,
      hint: 'Never put the posted token in redirect_url: the browser, its history and every log of that URL would hold it. The broker treats such an answer as failed. Sign the user in with a one-time code of your own.',
    };
  }
  const unsafe = exchanges.find((e) => failedWith(e, 'unsafe-redirect-url'));
  if (unsafe) {
    const raw = unsafe.view?.object?.redirect_url;
    const problem = checkHttpUrl(raw, PARTNER_LOCATION) ?? 'is unsafe';
    return {
      id,
      verdict: 'fail',
      summary: `unsafe: ${showJson(String(raw), 62, mask)} ${problem}`,
      hint: 'Return an absolute https URL on your own site; the broker refuses javascript:, data:, relative URLs and control characters.',
    };
  }
  const noKey = exchanges.find((e) => failedWith(e, 'no-usable-key'));
  if (noKey) {
    const keys = noKey.view?.keys ?? [];
    const what = keys.includes('redirect_url')
      ? 'redirect_url is not a string'
      : `no redirect_url or retry key (keys: ${keys.join(', ') || 'none'})`;
    return {
      id,
      verdict: 'fail',
      summary: `attempt ${attemptOf(noKey)}: ${what}`,
      hint: 'The broker reads only redirect_url, retry and attempt: put the sign-in URL in "redirect_url".',
    };
  }
  if (
    exchanges.some((e) => e.answer.kind === 'retry') &&
    exchanges.every((e) => isOk(e.response))
  ) {
    // Without a redirect_url nothing shows that the partner signs anyone in: under --fast the
    // retry check only warns (its waits were skipped), so this one cannot pass by saying nothing.
    return fast
      ? {
          id,
          verdict: 'fail',
          summary: `none in ${exchanges.length} attempts: the partner only asked to retry, and --fast skipped the waits`,
          hint: 'Run without --fast: a real click waits as asked, and only a redirect_url shows that users get signed in.',
        }
      : { id, verdict: 'skip', summary: 'the partner only asked to retry (see retry)' };
  }
  return { id, verdict: 'skip', summary: 'no usable answer to read it from' };
}

export function checkRetry(
  exchanges: Exchange[],
  outcome: LaunchOutcome,
  fast: boolean,
  mask: (text: string) => string,
): CheckResult {
  const id = 'retry';
  const retries = exchanges.filter((e) => e.answer.kind === 'retry');
  const sent = exchanges.map(attemptOf).join(', ');
  if (retries.length === 0) {
    return outcome.kind === 'partner'
      ? { id, verdict: 'pass', summary: `not needed: redirect_url at attempt ${outcome.attempt}` }
      : { id, verdict: 'skip', summary: 'not exercised: no answer asked to retry' };
  }
  const details = retries.map((e) => describeRetry(e, fast, mask));
  const askedMs = retries.reduce((sum, e) => sum + waitMsOf(e), 0);
  if (outcome.kind === 'partner') {
    const odd = retries.map((e) => oddRetry(retryValue(e), mask)).find((x) => x !== undefined);
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
  // Waits --fast skipped: a partner that is ready after a set time never had that time.
  const skippedMs = fast
    ? retries.filter((e) => e.waitedMs !== undefined).reduce((sum, e) => sum + waitMsOf(e), 0)
    : 0;
  if (lastExchange?.answer.kind === 'retry' && skippedMs > 0) {
    return {
      id,
      verdict: 'warn',
      summary: `still asking to retry at attempt ${MAX_ATTEMPTS} (attempts ${sent} sent), but --fast skipped the ${skippedMs / 1000} s of waits asked`,
      hint: 'Run without --fast to give the partner the waits it asked for.',
      details,
    };
  }
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
    summary: `asked to retry, then attempt ${lastExchange ? attemptOf(lastExchange) : '?'} failed`,
    hint: 'After a retry answer, the next attempt must answer redirect_url (see http-answer and body).',
    details,
  };
}

export function checkRedirectAnswers(
  first: Probe | undefined,
  mask: (text: string) => string,
): CheckResult {
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
    return { id, verdict: 'pass', summary: `GET: ${describeProbe(first, mask)}` };
  }
  return {
    id,
    verdict: 'fail',
    summary: `GET: ${describeProbe(first, mask)}`,
    hint: 'Opening the URL once must sign the user in (2xx, or 3xx into your site): issue the code just before answering.',
  };
}

export function checkSingleUse(
  first: Probe | undefined,
  second: Probe | undefined,
  mask: (text: string) => string,
): CheckResult {
  const id = 'single-use';
  const hint =
    'Make the sign-in URL single-use and short-lived (1–2 min): a used or expired code must get 4xx, ideally 410 Gone.';
  if (first?.kind === 'answer' && first.status >= 400) {
    return {
      id,
      verdict: 'skip',
      summary: 'the first GET was refused already (see redirect-answers)',
    };
  }
  if (first?.kind !== 'answer' || !second) {
    return { id, verdict: 'skip', summary: 'the redirect URL did not answer a first time' };
  }
  if (second.kind === 'error') {
    return { id, verdict: 'warn', summary: `second GET failed: ${second.message}`, hint };
  }
  const seen = `second GET: ${describeProbe(second, mask)}`;
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

export function checkWrongToken(run: Run | undefined): CheckResult {
  const id = 'wrong-token';
  const hint =
    'Compare the posted token with the subscriber’s current one (constant-time) and answer 401 {"error": …} when it differs.';
  if (!run) return { id, verdict: 'skip', summary: 'not run: the endpoint did not answer' };
  const { exchanges, outcome } = run;
  // A refused redirect_url still counts as issued (a code was minted); an empty one does not.
  const issued = exchanges.find(
    (e) =>
      e.answer.kind === 'destination' ||
      failedWith(e, 'token-in-redirect-url') ||
      (failedWith(e, 'unsafe-redirect-url') && e.view?.object?.redirect_url !== ''),
  );
  if (outcome.kind === 'partner' || issued) {
    return {
      id,
      verdict: 'fail',
      summary: `a wrong token got a redirect_url (attempt ${issued ? attemptOf(issued) : '?'})`,
      hint: `${hint} Never issue a sign-in URL for it.`,
    };
  }
  const last = exchanges.at(-1);
  const retried = exchanges.filter((e) => e.answer.kind === 'retry').length;
  const after = retried > 0 ? ` after ${retried} retry answer${retried === 1 ? '' : 's'}` : '';
  if (!last) return { id, verdict: 'skip', summary: 'nothing was sent' };
  // A refusal with a body too large (or cut off) is still a refusal by its status.
  const { status } = last.response;
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
      summary: `no redirect_url, but still asking to retry at attempt ${attemptOf(last)}`,
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

/** A warning for a `retry` value the broker reads differently from how it looks. */
function oddRetry(value: unknown, mask: (text: string) => string): string | undefined {
  const seconds = waitSeconds(value);
  const numeric =
    typeof value === 'number' ||
    (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
  if (!numeric) {
    return `retry ${showJson(value, 30, mask)} is not a number: the broker waits 0 s; send whole seconds.`;
  }
  if (Number(value) !== seconds) {
    return `retry ${showJson(value, 30, mask)} is read as ${seconds} s (whole seconds, at most ${MAX_WAIT_SECONDS}).`;
  }
  return undefined;
}

function hintForResponse(response: PartnerResponse, timeoutMs: number): string {
  if (response.kind === 'transport-error') {
    if (response.status !== undefined && response.code !== 'timeout') {
      return `The answer (HTTP ${response.status}) arrived but its body could not be read: send the whole body, with a Content-Encoding that matches it.`;
    }
    switch (response.code) {
      case 'timeout':
        return timeoutMs === DEFAULT_ATTEMPT_TIMEOUT_MS
          ? `Answer within ${timeoutMs / 1000} s, connect to end of body; the broker then gives up and uses the fallback.`
          : `Answer within the broker’s ${DEFAULT_ATTEMPT_TIMEOUT_MS / 1000} s (connect to end of body; this check gave ${timeoutMs / 1000} s); the broker then gives up and uses the fallback.`;
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
