// The one rule for URLs that leave this server: stored link URLs and partner redirect targets.

const UNSAFE = /[\p{Cc}\s\\]/u;
export const MAX_URL_LENGTH = 2048;

/** Why `value` is not a safe absolute http(s) URL, as a sentence fragment; undefined if it is. */
export function httpUrlProblem(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `may be at most ${MAX_URL_LENGTH} characters long`;
  if (UNSAFE.test(value)) return 'must not contain spaces, control characters or backslashes';
  if (!/^https?:\/\//i.test(value)) return 'must be an absolute http: or https: URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http: or https: URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'must be an absolute http: or https: URL';
  }
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}

export const isSafeHttpUrl = (value: unknown): value is string =>
  typeof value === 'string' && httpUrlProblem(value) === undefined;
