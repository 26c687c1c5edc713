// Signed continuations: round trip, and every way a token can be wrong — another key, any
// changed character, another user or app, too early, too late, malformed fields.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Continuation,
  openContinuation,
  signContinuation,
} from '../src/broker/continuation.ts';

const key = randomBytes(32);
const base: Continuation = {
  user: 'alice',
  app: 'billing',
  nextAttempt: 2,
  remainingBudgetMs: 55_000,
  notBefore: 1_000_000,
  deadline: 1_060_000,
};
const expected = { user: 'alice', app: 'billing', now: 1_000_000 };

/** Signs an arbitrary payload the way the module does, to test the parser behind the MAC. */
const forge = (payload: string) => {
  const encoded = Buffer.from(payload).toString('base64url');
  const mac = createHmac('sha256', key)
    .update('linkbroker continuation v1\n')
    .update(encoded)
    .digest('base64url');
  return `${encoded}.${mac}`;
};

describe('continuations', () => {
  it('round-trip between not-before and the deadline', () => {
    const token = signContinuation(key, base);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(openContinuation(key, token, expected)).toEqual({ status: 'ok', continuation: base });
    expect(openContinuation(key, token, { ...expected, now: 1_059_999 }).status).toBe('ok');
  });

  it('are early before not-before (with the time left) and expired at the deadline', () => {
    const token = signContinuation(key, base);
    expect(openContinuation(key, token, { ...expected, now: 997_500 })).toEqual({
      status: 'early',
      continuation: base,
      waitMs: 2_500,
    });
    expect(openContinuation(key, token, { ...expected, now: 1_060_000 }).status).toBe('expired');
  });

  it('are bound to the user and the app', () => {
    const token = signContinuation(key, base);
    expect(openContinuation(key, token, { ...expected, user: 'bob' }).status).toBe('other-user');
    expect(openContinuation(key, token, { ...expected, app: 'support' }).status).toBe('other-app');
  });

  it('refuse another key and every single changed character', () => {
    const token = signContinuation(key, base);
    expect(openContinuation(randomBytes(32), token, expected).status).toBe('invalid');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < token.length; i++) {
      for (const c of [alphabet[(alphabet.indexOf(token[i] ?? '') + 1) % alphabet.length]]) {
        const changed = `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
        expect([i, openContinuation(key, changed, expected).status]).toEqual([i, 'invalid']);
      }
    }
    expect(openContinuation(key, `${token}A`, expected).status).toBe('invalid');
    expect(openContinuation(key, token.slice(0, -1), expected).status).toBe('invalid');
    expect(openContinuation(key, '', expected).status).toBe('invalid');
    expect(openContinuation(key, 'x'.repeat(10_000), expected).status).toBe('invalid');
  });

  it('refuse well-signed payloads with impossible fields', () => {
    for (const payload of [
      '2.alice.billing.2.55000.1000000.1060000', // unknown version
      '1.alice.billing.1.55000.1000000.1060000', // attempt 1 never continues
      '1.alice.billing.4.55000.1000000.1060000', // past the last attempt
      '1.alice.billing.2.60001.1000000.1060000', // more budget than a click has
      '1.alice.billing.2.-5.1000000.1060000',
      '1.alice.billing.2.55000.1000000',
      '1.alice.billing.2.55000.1000000.1060000.9',
      '1.Alice.billing.2.55000.1000000.1060000',
      '1.alice.bil/ling.2.55000.1000000.1060000',
    ]) {
      expect([payload, openContinuation(key, forge(payload), expected).status]).toEqual([
        payload,
        'invalid',
      ]);
    }
    expect(
      openContinuation(key, forge('1.alice.billing.2.55000.1000000.1060000'), expected),
    ).toEqual({ status: 'ok', continuation: base });
  });
});
