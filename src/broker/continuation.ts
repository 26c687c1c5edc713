// Signed continuations for the wait page (SPEC §5): what a click needs to resume after the wait a
// partner asked for, HMAC-signed, so the server holds nothing while the user waits and any
// instance sharing the key can continue it.
//
// Token: base64url(payload) "." base64url(HMAC-SHA256(key, context + base64url(payload))), where
// payload = "1.user.app.nextAttempt.remainingBudgetMs.notBefore.deadline". Neither a user name
// nor an app may contain ".", so the fields cannot be shifted. The MAC covers the characters as
// sent, so a token differing in any character — padding bits included — is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type AttemptNumber, MAX_ATTEMPTS, WAIT_BUDGET_MS } from './autologin.ts';

/** How long after its not-before time a continuation is still honoured. */
export const CONTINUATION_GRACE_MS = 60_000;

const CONTEXT = 'linkbroker continuation v1\n';
const VERSION = '1';
const USER = /^[a-z][a-z0-9]{0,15}$/;
const APP = /^[A-Za-z0-9_-]{1,64}$/;
const INT = /^(0|[1-9][0-9]{0,14})$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 512;

export interface Continuation {
  user: string;
  app: string;
  nextAttempt: AttemptNumber;
  /** What is left of the click's wait budget, for the next launchApp call. */
  remainingBudgetMs: number;
  /** Milliseconds since the epoch: not to be continued before this (the partner's wait). */
  notBefore: number;
  /** Milliseconds since the epoch: refused from this moment on. */
  deadline: number;
}

export type ContinuationCheck =
  | { status: 'ok'; continuation: Continuation }
  /** Genuine and for this user and app, but the wait is not over: show the wait page again. */
  | { status: 'early'; continuation: Continuation; waitMs: number }
  | { status: 'invalid' | 'expired' | 'other-user' | 'other-app' };

const mac = (key: Buffer, encodedPayload: string) =>
  createHmac('sha256', key).update(CONTEXT).update(encodedPayload).digest('base64url');

export function signContinuation(key: Buffer, c: Continuation): string {
  const payload = [
    VERSION,
    c.user,
    c.app,
    c.nextAttempt,
    Math.max(0, Math.floor(c.remainingBudgetMs)),
    Math.floor(c.notBefore),
    Math.floor(c.deadline),
  ].join('.');
  const encoded = Buffer.from(payload, 'utf8').toString('base64url');
  return `${encoded}.${mac(key, encoded)}`;
}

function parsePayload(payload: string): Continuation | undefined {
  const [version, user, app, next, budget, notBefore, deadline, ...rest] = payload.split('.');
  if (version !== VERSION || rest.length > 0) return undefined;
  if (!user || !USER.test(user) || !app || !APP.test(app)) return undefined;
  if (![next, budget, notBefore, deadline].every((n) => n !== undefined && INT.test(n))) {
    return undefined;
  }
  const nextAttempt = Number(next);
  if (nextAttempt < 2 || nextAttempt > MAX_ATTEMPTS) return undefined;
  const remainingBudgetMs = Number(budget);
  if (remainingBudgetMs > WAIT_BUDGET_MS) return undefined;
  return {
    user,
    app,
    nextAttempt: nextAttempt as AttemptNumber,
    remainingBudgetMs,
    notBefore: Number(notBefore),
    deadline: Number(deadline),
  };
}

/** Checks a continuation token for the session's user and the app in the URL. */
export function openContinuation(
  key: Buffer,
  token: string,
  expected: { user: string; app: string; now: number },
): ContinuationCheck {
  if (token.length > MAX_TOKEN_LENGTH) return { status: 'invalid' };
  const [encoded, signature, ...rest] = token.split('.');
  if (!encoded || !signature || rest.length > 0 || !B64URL.test(encoded)) {
    return { status: 'invalid' };
  }
  const wanted = Buffer.from(mac(key, encoded));
  const given = Buffer.from(signature);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { status: 'invalid' };
  }
  const continuation = parsePayload(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (!continuation) return { status: 'invalid' };
  if (continuation.user !== expected.user) return { status: 'other-user' };
  if (continuation.app !== expected.app) return { status: 'other-app' };
  if (expected.now >= continuation.deadline) return { status: 'expired' };
  if (expected.now < continuation.notBefore) {
    return { status: 'early', continuation, waitMs: continuation.notBefore - expected.now };
  }
  return { status: 'ok', continuation };
}
