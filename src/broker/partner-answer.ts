// Reading one partner answer (SPEC §5.3): only `redirect_url`, `retry` and `attempt` are
// read, so a partner can never change where the fallback goes.

import type { PartnerResponse } from './partner-client.ts';
import { PARTNER_LOCATION, toSafeLocation } from './redirect-url.ts';
import { carriesSecret } from './secret-forms.ts';

/** The longest wait a partner may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 60;

export type PartnerAnswer = (
  | { kind: 'destination'; location: string }
  | { kind: 'retry'; waitMs: number }
  /** Worth retrying at once: nothing reached the partner or it said it is briefly down. */
  | { kind: 'transient'; detail: string }
  | { kind: 'failed'; detail: string }
) & { partnerAttempt?: string };

const TRANSIENT_STATUSES = new Set([502, 503, 504]);

/**
 * What the broker makes of one answer. `token` is the one posted: a redirect_url that carries it
 * would hand the secret to the browser, its history and whatever logs the URL.
 */
export function readAnswer(response: PartnerResponse, token: string): PartnerAnswer {
  if (response.kind === 'transport-error') {
    return response.code === 'refused' || response.code === 'reset'
      ? { kind: 'transient', detail: response.code }
      : { kind: 'failed', detail: response.code };
  }
  const { status } = response;
  if (TRANSIENT_STATUSES.has(status)) return { kind: 'transient', detail: `http-${status}` };
  // 3xx included: redirects are not followed, the token must not travel elsewhere.
  if (status < 200 || status > 299) return { kind: 'failed', detail: `http-${status}` };

  let parsed: unknown;
  try {
    // Whatever the content type says: partners often send JSON as text/html.
    const { body } = response;
    parsed = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch {
    return { kind: 'failed', detail: 'invalid-json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'failed', detail: 'not-an-object' };
  }
  const answer = parsed as Record<string, unknown>;
  const partnerAttempt = readPartnerAttempt(answer.attempt);
  const extra = partnerAttempt === undefined ? {} : { partnerAttempt };

  if (typeof answer.redirect_url === 'string') {
    // No length rule of its own (SPEC §5.3): the body cap bounds it.
    const location = toSafeLocation(answer.redirect_url, PARTNER_LOCATION);
    if (!location) return { kind: 'failed', detail: 'unsafe-redirect-url', ...extra };
    if (carriesSecret(answer.redirect_url, token)) {
      return { kind: 'failed', detail: 'token-in-redirect-url', ...extra };
    }
    return { kind: 'destination', location, ...extra };
  }
  if (Object.hasOwn(answer, 'retry')) {
    return { kind: 'retry', waitMs: waitSeconds(answer.retry) * 1000, ...extra };
  }
  return { kind: 'failed', detail: 'no-usable-key', ...extra };
}

/** A decimal number as text (no hex, binary or octal, no "Infinity"), spaces around allowed. */
const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * min(|int(retry)|, 60): a JSON number, or a decimal number in a string. A number too large for
 * a double (1e400 reads as Infinity) is still a number and waits the 60 s cap; anything
 * non-numeric waits 0.
 */
export function waitSeconds(retry: unknown): number {
  let value: number;
  if (typeof retry === 'number') value = retry;
  else if (typeof retry === 'string' && DECIMAL.test(retry)) value = Number(retry);
  else return 0;
  if (Number.isNaN(value)) return 0;
  return Math.min(Math.abs(Math.trunc(value)), MAX_WAIT_SECONDS);
}

const ATTEMPT_NUMBER = /^\d{1,3}$/;

/**
 * The partner's `attempt`, informational (shown to the user and logged), kept only as what it
 * is: an attempt number of 0–999, as a JSON integer or digits. Any other value is dropped: a
 * partner that echoes the token, or sends text made to mislead, must not reach a page or a log.
 */
function readPartnerAttempt(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && ATTEMPT_NUMBER.test(text) ? String(Number(text)) : undefined;
}
