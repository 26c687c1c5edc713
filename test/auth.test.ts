// Root authentication: the digest check, and the direct comparison with a secret already seen to
// match, which must answer exactly as the digest check would.
import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, secretChecker } from '../src/whm/auth.ts';

const digest = (secret: string) => hash('sha256', secret, 'buffer');
const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

// Near misses of a secret: every way a direct byte comparison could go wrong.
const nearMisses = (secret: string) => [
  '',
  secret.slice(0, -1),
  `${secret}x`,
  `${secret}\u0000`,
  secret.slice(1),
  `${secret.slice(0, -1)}${String.fromCharCode(secret.charCodeAt(secret.length - 1) ^ 1)}`,
  secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(),
  `${secret}${secret}`,
  // The same UTF-16 length with a different UTF-8 length, and the reverse.
  `${secret.slice(0, -1)}é`,
  `${secret.slice(0, -2)}e`,
];

describe('secretChecker', () => {
  for (const secret of [
    'root-token-0123456789abcdef',
    'pässwörd ✓ 🔑',
    'x',
    'ends-with-nul\u0000',
  ]) {
    it(`answers like a plain comparison before and after the secret is seen (${JSON.stringify(secret)})`, () => {
      const matches = secretChecker(digest(secret));
      // Before: wrong secrets never make it remember anything.
      for (const wrong of nearMisses(secret)) expect(matches(wrong)).toBe(wrong === secret);
      expect(matches(secret)).toBe(true);
      // After: compared directly with the remembered bytes.
      for (const wrong of nearMisses(secret)) expect(matches(wrong)).toBe(wrong === secret);
      expect(matches(secret)).toBe(true);
    });
  }

  it('agrees with the digest check on random candidates once the secret is known', () => {
    const secret = 'Zm9vYmFyYmF6cXV4LXJvb3QtdG9rZW4';
    const matches = secretChecker(digest(secret));
    expect(matches(secret)).toBe(true);
    const alphabet = `${secret}é🔑\u0000 `;
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(Math.random() * (secret.length + 4));
      let candidate = secret.slice(0, Math.floor(Math.random() * length));
      while (candidate.length < length) {
        candidate += alphabet[Math.floor(Math.random() * alphabet.length)];
      }
      expect(matches(candidate)).toBe(candidate === secret);
    }
  });
});

describe('createAuthenticator', () => {
  const root = { passwordHash: digest('the-password'), tokenHash: digest('the-token') };

  it('accepts only root with the right secret of each scheme, every time', () => {
    const authenticate = createAuthenticator(root);
    for (let round = 0; round < 2; round++) {
      expect(authenticate(basic('root:the-password'))).toBe('ok');
      expect(authenticate('whm root:the-token')).toBe('ok');
      expect(authenticate('WHM root:the-token')).toBe('ok');
      expect(authenticate(basic('root:the-token'))).toBe('denied');
      expect(authenticate('whm root:the-password')).toBe('denied');
      expect(authenticate('whm admin:the-token')).toBe('denied');
      expect(authenticate(basic('admin:the-password'))).toBe('denied');
      expect(authenticate('whm root:the-token2')).toBe('denied');
      expect(authenticate('whm root')).toBe('denied');
      expect(authenticate('Bearer the-token')).toBe('denied');
      expect(authenticate(undefined)).toBe('missing');
      expect(authenticate('  ')).toBe('missing');
    }
  });

  it('keeps what it has seen per authenticator', () => {
    const first = createAuthenticator(root);
    expect(first('whm root:the-token')).toBe('ok');
    const other = createAuthenticator({ ...root, tokenHash: digest('another-token') });
    expect(other('whm root:the-token')).toBe('denied');
    expect(other('whm root:another-token')).toBe('ok');
    expect(first('whm root:another-token')).toBe('denied');
  });
});
