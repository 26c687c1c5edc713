// How the conformance report shows partner data: secrets masked, partner text clipped and
// escaped, one-line descriptions of answers and retries.

import { attemptOf, type Exchange, retryValue, waitMsOf } from './conformance-launch.ts';
import type { PartnerResponse } from './partner-client.ts';
import { encodedSecret } from './secret-forms.ts';

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
 * Replaces every secret in `text`: as written, as JSON escapes it (a partner value shown as JSON
 * holds a `\` or `"` of the token escaped), and %-encoded in any way (a partner echoing the body
 * it received). Tokens shorter than 3 characters cannot be told apart from other text.
 */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    const mask = maskToken(secret);
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) out = out.split(json).join(mask);
    out = out.replace(encodedSecret(secret), () => mask);
  }
  return out;
}

/** Shortened, with control characters escaped: partner text must not drive the terminal. */
export function clip(text: string, max: number): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return short.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A partner-sent value as clipped JSON text ("null" when JSON has no text for it): escaped once
 * (a CR shows as \r), secrets masked in their JSON-escaped form too (see redact).
 */
export function showJson(
  value: unknown,
  max: number,
  mask: (text: string) => string = (text) => text,
): string {
  return clip(mask(JSON.stringify(value) ?? 'null'), max);
}

export function describeResponse(response: PartnerResponse): string {
  if (response.kind === 'answer') return `HTTP ${response.status}`;
  const why = `${response.code}: ${clip(response.message, 100)}`;
  return response.status === undefined
    ? `no answer (${why})`
    : `HTTP ${response.status}, but the body failed (${why})`;
}

/** Partner-sent values pass through `mask`: a partner could echo the token back. */
export function describeRetry(e: Exchange, fast: boolean, mask: (text: string) => string): string {
  const raw = showJson(retryValue(e), 40, mask);
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
      : `, partner says attempt ${clip(mask(e.answer.partnerAttempt), 32)}`;
  return `attempt ${attemptOf(e)}: retry ${raw} → wait ${asked} s, ${waited}${echo}`;
}
