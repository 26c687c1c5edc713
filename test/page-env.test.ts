// The session cookie reader of the page layer.
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, sessionCookie } from '../src/ui/page-env.ts';

describe('sessionCookie', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['other=1', undefined],
    [`${SESSION_COOKIE}=abc`, 'abc'],
    [`a=1; ${SESSION_COOKIE}=abc; b=2`, 'abc'],
    [`a=1;${SESSION_COOKIE}= abc ;b=2`, 'abc'],
    [`x${SESSION_COOKIE}=no; ${SESSION_COOKIE}=yes`, 'yes'],
    [`${SESSION_COOKIE}=first; ${SESSION_COOKIE}=second`, 'first'],
    [`${SESSION_COOKIE}`, undefined],
  ])('reads %j as %j', (header, expected) => {
    expect(sessionCookie(header)).toBe(expected);
  });
});
