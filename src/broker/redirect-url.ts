// The one rule for URLs the broker sends a browser to or posts a token to: an absolute
// http(s) URL a browser and a Location header cannot misread. Link validation reuses it.

import { CONTROL } from '../rules.ts';

export const MAX_URL_LENGTH = 2048;

// C0 controls (tab, CR, LF included), space, DEL, C1 controls, backslash (browsers read it as
// "/", so "https:\\evil" would change host), and any other Unicode whitespace (what \s matches:
// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF). One plain
// class rather than `[…]|\s` in Unicode mode: the same characters, matched in one pass.
export const FORBIDDEN_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0020\u007f-\u00a0\\\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** How a URL is read: a stored one (an admin's input) or a partner's redirect_url. */
export interface UrlRule {
  maxLength: number;
  /**
   * Whitespace and backslashes after the host are let through for serialising to percent-encode
   * (`?name=John Smith` → `?name=John%20Smith`) rather than refused; before it they stay refused.
   */
  encodeAfterHost: boolean;
}

/** Link URLs (SPEC §3.1): at most 2048 characters, nothing a reader could misread anywhere. */
export const STORED_URL: UrlRule = { maxLength: MAX_URL_LENGTH, encodeAfterHost: false };

/**
 * A partner's redirect_url (SPEC §5.3): an absolute http(s) URL without control characters, of
 * no length of its own (the partner's body cap bounds it).
 */
export const PARTNER_LOCATION: UrlRule = {
  maxLength: Number.POSITIVE_INFINITY,
  encodeAfterHost: true,
};

// Scheme and exactly "//" spelled out: WHATWG parsing would otherwise accept "http:evil.example",
// and read "http:///evil.example" or "http:////@evil.example" with the host after any number of
// slashes (so that the authority checked here would not be the one a browser uses).
const HTTP_PREFIX = /^https?:\/\/(?!\/)/i;

/** Where the authority ends: the first "/", "?" or "#" after the "//" (else the end). */
function authorityEnd(value: string): number {
  for (let i = value.indexOf('//') + 2; i < value.length; i++) {
    const c = value[i];
    if (c === '/' || c === '?' || c === '#') return i;
  }
  return value.length;
}

/** Whether an "@" appears in the authority: after the "//", before any "/", "?" or "#". */
function hasAtInAuthority(value: string): boolean {
  const at = value.indexOf('@', value.indexOf('//') + 2);
  return at >= 0 && at < authorityEnd(value);
}

/**
 * Whether `value` holds a character the rule refuses: control characters anywhere; whitespace
 * and backslashes too, anywhere or (encodeAfterHost) up to the end of the authority, where a
 * browser would read a backslash as "/" and so another host. Without a "//" there is no host.
 */
function hasForbiddenCharacter(value: string, rule: UrlRule): boolean {
  if (!rule.encodeAfterHost || !HTTP_PREFIX.test(value)) return FORBIDDEN_CHARACTERS.test(value);
  const end = authorityEnd(value);
  return FORBIDDEN_CHARACTERS.test(value.slice(0, end)) || CONTROL.test(value.slice(end));
}

/**
 * Checks `value` against the URL rule; returns a fragment that completes
 * "The “x” parameter …" (e.g. "must not contain credentials"), or undefined when it is fine.
 */
export function checkHttpUrl(value: unknown, rule: UrlRule = STORED_URL): string | undefined {
  const checked = parseHttpUrl(value, rule);
  return typeof checked === 'string' ? checked : undefined;
}

/** The parsed URL when `value` follows the rule, else the reason (see checkHttpUrl). */
function parseHttpUrl(value: unknown, rule: UrlRule): URL | string {
  if (typeof value !== 'string') return 'must be a string';
  // Characters as a person counts them (code points), like every other length rule.
  if (value.length > rule.maxLength && [...value].length > rule.maxLength) {
    return `may be at most ${rule.maxLength} characters long`;
  }
  if (hasForbiddenCharacter(value, rule)) {
    return rule.encodeAfterHost
      ? 'must not contain control characters, nor whitespace or backslashes before its path'
      : 'must not contain control characters, whitespace or backslashes';
  }
  if (!HTTP_PREFIX.test(value)) return 'must be an absolute “http:” or “https:” URL';
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // The scheme is right: what cannot be read is the rest (a port past 65535, a bad host).
    return 'must be a valid URL: its host or port cannot be read';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'must be an absolute “http:” or “https:” URL';
  }
  // Any "@" in the authority counts, even with an empty user name: "http://@host" is a
  // credential form that some clients and logs treat differently.
  if (hasAtInAuthority(value) || parsed.username !== '' || parsed.password !== '') {
    return 'must not contain credentials';
  }
  if (parsed.hostname === '') return 'must have a host';
  return parsed;
}

/** True when `value` is a URL the broker may send a browser to (see checkHttpUrl). */
export function isSafeRedirectUrl(value: unknown): value is string {
  return typeof parseHttpUrl(value, STORED_URL) !== 'string';
}

/**
 * The serialised form of a safe URL, or undefined. Serialising percent-encodes non-ASCII
 * characters (and, after the host, whitespace), which a Location header cannot carry.
 */
export function toSafeLocation(value: unknown, rule: UrlRule = STORED_URL): string | undefined {
  const parsed = parseHttpUrl(value, rule);
  return typeof parsed === 'string' ? undefined : parsed.href;
}

/**
 * The origin of a location toSafeLocation returned, without parsing it again: such a string is
 * serialised http(s) with no credentials, so its origin is everything before the path's "/".
 */
export function safeLocationOrigin(location: string): string {
  const slash = location.indexOf('/', location.indexOf('//') + 2);
  return slash === -1 ? location : location.slice(0, slash);
}

/** The origin of a URL for log lines: never the path or query, which may carry one-time codes. */
export function urlOrigin(value: string): string | undefined {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
