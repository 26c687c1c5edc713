// The one rule for URLs the broker sends a browser to or posts a token to: an absolute
// http(s) URL a browser and a Location header cannot misread. Link validation reuses it.

export const MAX_URL_LENGTH = 2048;

// C0 controls (tab, CR, LF included), space, DEL, C1 controls, backslash (browsers read it as
// "/", so "https:\\evil" would change host), and any other Unicode whitespace (what \s matches:
// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF). One plain
// class rather than `[…]|\s` in Unicode mode: the same characters, matched in one pass.
export const FORBIDDEN_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0020\u007f-\u00a0\\\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

// Scheme and exactly "//" spelled out: WHATWG parsing would otherwise accept "http:evil.example",
// and read "http:///evil.example" or "http:////@evil.example" with the host after any number of
// slashes (so that the authority checked here would not be the one a browser uses).
const HTTP_PREFIX = /^https?:\/\/(?!\/)/i;

/** Whether an "@" appears in the authority: after the "//", before any "/", "?" or "#". */
function hasAtInAuthority(value: string): boolean {
  const start = value.indexOf('//') + 2;
  const at = value.indexOf('@', start);
  if (at < 0) return false;
  for (let i = start; i < at; i++) {
    const c = value[i];
    if (c === '/' || c === '?' || c === '#') return false;
  }
  return true;
}

/**
 * Checks `value` against the URL rule; returns a fragment that completes
 * "The “x” parameter …" (e.g. "must not contain credentials"), or undefined when it is fine.
 */
export function checkHttpUrl(value: unknown): string | undefined {
  const checked = parseHttpUrl(value);
  return typeof checked === 'string' ? checked : undefined;
}

/**
 * The parsed URL when `value` follows the rule, else the reason (see checkHttpUrl). Stored URLs
 * are at most MAX_URL_LENGTH characters; a partner's redirect_url has no length rule of its own
 * (SPEC §5.3), the partner's body cap bounds it.
 */
function parseHttpUrl(value: unknown, maxLength = MAX_URL_LENGTH): URL | string {
  if (typeof value !== 'string') return 'must be a string';
  // Characters as a person counts them (code points), like every other length rule.
  if (value.length > maxLength && [...value].length > maxLength) {
    return `may be at most ${maxLength} characters long`;
  }
  if (FORBIDDEN_CHARACTERS.test(value)) {
    return 'must not contain control characters, whitespace or backslashes';
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
  return typeof parseHttpUrl(value) !== 'string';
}

/**
 * The serialised form of a safe URL, or undefined. Serialising percent-encodes non-ASCII
 * characters, which a Location header cannot carry. `maxLength` is the stored URLs' unless given.
 */
export function toSafeLocation(value: unknown, maxLength = MAX_URL_LENGTH): string | undefined {
  const parsed = parseHttpUrl(value, maxLength);
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
