// Root authentication for /json-api/: HTTP Basic root:PASSWORD or "whm root:TOKEN". The secret is
// compared in constant time against its SHA-256 digest; the user name is public ("root") and is
// compared plainly. Both checks always run and a wrong user or a wrong secret get one answer.
import { hash, timingSafeEqual } from 'node:crypto';

export interface RootCredentials {
  passwordHash: Buffer;
  tokenHash: Buffer;
}

export type AuthResult = 'ok' | 'missing' | 'denied';

const sha256 = (value: string) => hash('sha256', value, 'buffer');

/** Splits "user:secret" at the first colon. */
function split(pair: string): [string, string] {
  const colon = pair.indexOf(':');
  return colon < 0 ? [pair, ''] : [pair.slice(0, colon), pair.slice(colon + 1)];
}

export function authenticate(header: string | undefined, root: RootCredentials): AuthResult {
  if (header === undefined || header.trim() === '') return 'missing';
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  let user: string;
  let secret: string;
  let expected: Buffer;
  if (scheme === 'basic') {
    [user, secret] = split(Buffer.from(value, 'base64').toString('utf8'));
    expected = root.passwordHash;
  } else if (scheme === 'whm') {
    [user, secret] = split(value);
    expected = root.tokenHash;
  } else {
    return 'denied';
  }
  // The secret's comparison runs whatever the user: the answer must not say which part was wrong.
  const secretOk = timingSafeEqual(sha256(secret), expected);
  return user === 'root' && secretOk ? 'ok' : 'denied';
}
