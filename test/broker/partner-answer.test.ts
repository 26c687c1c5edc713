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
  /** The token the answers below were posted with. */
  const POSTED = 'posted-token-7Hq2+x/Z9 w~*';
  const read = (response: PartnerResponse) => readAnswer(response, POSTED);

  const redirect = 'https://partner.example/sso/abc';

  it('reads a huge retry in the raw JSON as the 60 s cap', () => {
    const raw: PartnerResponse = {
      kind: 'answer',
      status: 200,
      body: '{"retry": 1e400, "attempt": 1}',
      latencyMs: 1,
    };
    expect(read(raw)).toEqual({
      kind: 'retry',
      waitMs: 60_000,
      partnerAttempt: '1',
    });
  });

  it('takes a safe redirect_url as the destination', () => {
    expect(read(answer(200, { redirect_url: redirect }))).toEqual({
      kind: 'destination',
      location: redirect,
    });
  });

  it('takes a redirect_url longer than the 2048 characters of a stored URL (a JWT in it)', () => {
    const long = `https://billing.example/sso?jwt=eyJhbGciOiJIUzI1NiJ9.${'A'.repeat(20_000)}.sig`;
    expect(read(answer(200, { redirect_url: long }))).toEqual({
      kind: 'destination',
      location: long,
    });
  });

  it('lets redirect_url win over retry, even when the redirect is unsafe', () => {
    expect(read(answer(200, { redirect_url: redirect, retry: 5 })).kind).toBe('destination');
    expect(read(answer(200, { redirect_url: 'javascript:x', retry: 5 }))).toEqual({
      kind: 'failed',
      detail: 'unsafe-redirect-url',
    });
  });

  it('reads retry and the informational attempt', () => {
    expect(read(answer(200, { retry: '2', attempt: 1 }))).toEqual({
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
    expect(read(answer(200, { retry: 1, attempt }))).toEqual({ kind: 'retry', waitMs: 1000 });
  });

  it('keeps an attempt number as digits, as a number or a string', () => {
    for (const [attempt, shown] of [
      [0, '0'],
      [999, '999'],
      ['007', '7'],
      ['3', '3'],
    ] as const) {
      expect(read(answer(200, { retry: 1, attempt })).partnerAttempt).toBe(shown);
    }
  });

  it('parses JSON whatever the content type and tolerates a BOM', () => {
    expect(read(answer(200, `\uFEFF{"redirect_url":"${redirect}"}`)).kind).toBe('destination');
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
    expect(read(response)).toMatchObject({ kind: 'failed', detail });
  });

  it.each([502, 503, 504])('treats HTTP %d as transient', (status) => {
    expect(read(answer(status, ''))).toEqual({ kind: 'transient', detail: `http-${status}` });
  });

  it.each([
    ['refused', 'transient'],
    ['reset', 'transient'],
    ['timeout', 'failed'],
    ['too-large', 'failed'],
    ['other', 'failed'],
  ] as const)('treats a %s transport error as %s', (code, kind) => {
    const response: PartnerResponse = { kind: 'transport-error', code, message: '', latencyMs: 1 };
    expect(read(response)).toEqual({ kind, detail: code });
  });

  it.each([
    ['as posted', (t: string) => t],
    ['percent-encoded', encodeURIComponent],
    ['form-encoded', (t: string) => new URLSearchParams({ t }).toString().slice(2)],
    [
      'in lowercase hex, PHP style',
      (t: string) =>
        encodeURIComponent(t)
          .replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())
          .replaceAll('~', '%7e')
          .replaceAll('*', '%2a'),
    ],
  ])('fails a redirect_url carrying the posted token %s', (_how, encode) => {
    const url = `https://partner.example/sso?user=alice&token=${encode(POSTED)}&n=1`;
    expect(read(answer(200, { redirect_url: url, attempt: 1 }))).toEqual({
      kind: 'failed',
      detail: 'token-in-redirect-url',
      partnerAttempt: '1',
    });
  });

  it('does not look for a token shorter than 8 characters (it turns up in URLs by chance)', () => {
    const url = 'https://test.example/sso/test';
    expect(readAnswer(answer(200, { redirect_url: url }), 'test')).toEqual({
      kind: 'destination',
      location: url,
    });
    expect(readAnswer(answer(200, { redirect_url: url }), 'test.exa').kind).toBe('failed');
  });

  it.each([
    [
      'https://partner.example/sso?name=John Smith',
      'https://partner.example/sso?name=John%20Smith',
    ],
    ['https://partner.example/sso?x=a\u00a0b', 'https://partner.example/sso?x=a%C2%A0b'],
    ['https://partner.example/a b/c#x y', 'https://partner.example/a%20b/c#x%20y'],
    ['https://partner.example/sso?q=a\\b', 'https://partner.example/sso?q=a\\b'],
    ['https://partner.example/p\\q', 'https://partner.example/p/q'],
  ])('takes %j after the host, percent-encoded (SPEC §5.3)', (raw, location) => {
    expect(read(answer(200, { redirect_url: raw }))).toEqual({ kind: 'destination', location });
  });

  it.each([
    'https://partner.example\\@evil.example/',
    'https://partner.example\\evil.example/',
    'https://partner .example/',
    'https://partner.example\u00a0/',
    'https://partner.example/sso?a=\u0085',
    'https://partner.example/sso?a=\u001b[31m',
    'https://partner.example/sso#\u007f',
  ])('fails %j: whitespace or a backslash before the path, a control character anywhere', (url) => {
    expect(read(answer(200, { redirect_url: url }))).toEqual({
      kind: 'failed',
      detail: 'unsafe-redirect-url',
    });
  });
});
