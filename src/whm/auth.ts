// Root authentication for /json-api/: HTTP Basic root:PASSWORD or "whm root:TOKEN", compared in
// constant time against SHA-256 digests, so neither timing nor answers tell which part was wrong.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface RootCredentials {
  passwordHash: Buffer;
  tokenHash: Buffer;
}

export type AuthResult = 'ok' | 'missing' | 'denied';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const ROOT = sha256('root');

const equal = (a: Buffer, b: Buffer) => timingSafeEqual(a, b);

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
  // Both comparisons always run: the answer must not depend on which part was wrong.
  const userOk = equal(sha256(user), ROOT);
  const secretOk = equal(sha256(secret), expected);
  return userOk && secretOk ? 'ok' : 'denied';
}
