// A secret as encoders write it: what masks a token in check-partner's report and what tells the
// broker that a partner put the token into the URL it sends the browser to.

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * The secret as any form or URL encoder may write it: each character as itself or %-encoded
 * (hex in either case; PHP's urlencode escapes `*` and `~`, encodeURIComponent does not), a space
 * also as `+`. Case-insensitive, so it may match a little more than the secret, never less.
 */
export function encodedSecret(secret: string, flags = 'gi'): RegExp {
  let source = '';
  for (const char of secret) {
    const escaped = [...Buffer.from(char, 'utf8')]
      .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
      .join('');
    const alternatives = [char.replace(REGEXP_SPECIAL, '\\$&'), escaped];
    if (char === ' ') alternatives.push('\\+');
    source += `(?:${alternatives.join('|')})`;
  }
  return new RegExp(source, flags);
}

/**
 * The shortest secret looked for in a partner's redirect_url: a shorter one (`test`, `1234`)
 * turns up in ordinary URLs by chance, and the click would fail for nothing.
 */
export const MIN_SECRET_TO_FIND = 8;

/** Whether `text` holds `secret` in any encoding of encodedSecret (secrets of 8+ characters). */
export function carriesSecret(text: string, secret: string): boolean {
  return secret.length >= MIN_SECRET_TO_FIND && encodedSecret(secret, 'i').test(text);
}
