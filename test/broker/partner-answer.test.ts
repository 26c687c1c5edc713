// Reading a single partner answer: which keys count and how `retry` becomes a wait.

import { describe, expect, it } from 'vitest';
import { readAnswer, waitSeconds } from '../../src/broker/partner-answer.ts';
import type { PartnerResponse } from '../../src/broker/partner-client.ts';
import { answer } from './helpers.ts';

describe('waitSeconds', () => {
  it.each([
    [0, 0],
    [5, 5],
    [-5, 5],
    ['abc', 0],
    [1e9, 60],
    [0.5, 0],
    [-0.5, 0],
    [59.9, 59],
    ['7', 7],
    [' 3 ', 3],
    ['Infinity', 0],
    // Too large for a double, still a number (JSON.parse reads 1e400 as Infinity): the cap.
    [Number.POSITIVE_INFINITY, 60],
    [Number.NEGATIVE_INFINITY, 60],
    ['1e400', 60],
    ['2e1', 20],
    // Not decimal: no wait.
    ['0x3c', 0],
    ['0b111', 0],
    ['12abc', 0],
    ['', 0],
    [' ', 0],
    [Number.NaN, 0],
    [null, 0],
    [true, 0],
    [{}, 0],
  ])('retry %j waits %d s', (retry, seconds) => {
    expect(waitSeconds(retry)).toBe(seconds);
  });
});

describe('readAnswer', () => {
  const redirect = 'https://partner.example/sso/abc';

  it('reads a huge retry in the raw JSON as the 60 s cap', () => {
    const raw: PartnerResponse = {
      kind: 'answer',
      status: 200,
      body: '{"retry": 1e400, "attempt": 1}',
      latencyMs: 1,
    };
    expect(readAnswer(raw)).toEqual({
      kind: 'retry',
      waitMs: 60_000,
      partnerAttempt: '1',
    });
  });

  it('takes a safe redirect_url as the destination', () => {
    expect(readAnswer(answer(200, { redirect_url: redirect }))).toEqual({
      kind: 'destination',
      location: redirect,
    });
  });

  it('takes a redirect_url longer than the 2048 characters of a stored URL (a JWT in it)', () => {
    const long = `https://billing.example/sso?jwt=eyJhbGciOiJIUzI1NiJ9.${'A'.repeat(20_000)}.sig`;
    expect(readAnswer(answer(200, { redirect_url: long }))).toEqual({
      kind: 'destination',
      location: long,
    });
  });

  it('lets redirect_url win over retry, even when the redirect is unsafe', () => {
    expect(readAnswer(answer(200, { redirect_url: redirect, retry: 5 })).kind).toBe('destination');
    expect(readAnswer(answer(200, { redirect_url: 'javascript:x', retry: 5 }))).toEqual({
      kind: 'failed',
      detail: 'unsafe-redirect-url',
    });
  });

  it('reads retry and the informational attempt', () => {
    expect(readAnswer(answer(200, { retry: '2', attempt: 1 }))).toEqual({
      kind: 'retry',
      waitMs: 2000,
      partnerAttempt: '1',
    });
  });

  it.each([
    ['a3f9c2e1d4b5a6978877665544332211'], // a token echoed back
    ['first'],
    ['1000'],
    [1000],
    [-1],
    [2.5],
    [' 2'],
    ['\u202e2'],
    [true],
    [null],
    [[1]],
  ])('drops an attempt that is no number of 0–999: %j', (attempt) => {
    expect(readAnswer(answer(200, { retry: 1, attempt }))).toEqual({ kind: 'retry', waitMs: 1000 });
  });

  it('keeps an attempt number as digits, as a number or a string', () => {
    for (const [attempt, shown] of [
      [0, '0'],
      [999, '999'],
      ['007', '7'],
      ['3', '3'],
    ] as const) {
      expect(readAnswer(answer(200, { retry: 1, attempt })).partnerAttempt).toBe(shown);
    }
  });

  it('parses JSON whatever the content type and tolerates a BOM', () => {
    expect(readAnswer(answer(200, `\uFEFF{"redirect_url":"${redirect}"}`)).kind).toBe(
      'destination',
    );
  });

  it.each([
    [answer(200, { url: 'http://evil.example/' }), 'no-usable-key'],
    [answer(200, {}), 'no-usable-key'],
    [answer(200, '[1,2]'), 'not-an-object'],
    [answer(200, 'null'), 'not-an-object'],
    [answer(200, '"https://partner.example/"'), 'not-an-object'],
    [answer(200, '<html>'), 'invalid-json'],
    [answer(200, ''), 'invalid-json'],
    [answer(500, { redirect_url: redirect }), 'http-500'],
    [answer(307, { redirect_url: redirect }), 'http-307'],
    [answer(401, {}), 'http-401'],
  ])('fails %j as %s', (response, detail) => {
    expect(readAnswer(response)).toMatchObject({ kind: 'failed', detail });
  });

  it.each([502, 503, 504])('treats HTTP %d as transient', (status) => {
    expect(readAnswer(answer(status, ''))).toEqual({ kind: 'transient', detail: `http-${status}` });
  });

  it.each([
    ['refused', 'transient'],
    ['reset', 'transient'],
    ['timeout', 'failed'],
    ['too-large', 'failed'],
    ['other', 'failed'],
  ] as const)('treats a %s transport error as %s', (code, kind) => {
    const response: PartnerResponse = { kind: 'transport-error', code, message: '', latencyMs: 1 };
    expect(readAnswer(response)).toEqual({ kind, detail: code });
  });
});
