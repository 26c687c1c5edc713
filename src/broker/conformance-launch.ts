// Runs the broker's own launch loop (launchApp) against the partner for check-partner,
// recording every POST and answer as an Exchange, plus small readers of those exchanges.

import { performance } from 'node:perf_hooks';
import { silentLogger } from '../log.ts';
import type { LinkUserConfig } from '../store/store.ts';
import { DEFAULT_TRANSIENT_RETRY, type LaunchOutcome, launchApp } from './autologin.ts';
import type { PartnerCheckInput } from './conformance.ts';
import { clip } from './conformance-text.ts';
import { type PartnerAnswer, readAnswer } from './partner-answer.ts';
import type { PartnerClient, PartnerResponse } from './partner-client.ts';

export type BodyShape = 'object' | 'array' | 'value' | 'invalid' | 'empty';

export interface BodyView {
  bytes: number;
  shape: BodyShape;
  /** The object's first 20 keys as shown: secrets masked, clipped, control characters escaped. */
  keys: string[];
  object?: Record<string, unknown>;
}

export interface Exchange {
  form: Record<string, string>;
  response: PartnerResponse;
  answer: PartnerAnswer;
  view?: BodyView;
  waitedMs?: number;
}

export interface Run {
  exchanges: Exchange[];
  outcome: LaunchOutcome;
}

/**
 * Runs launchApp on an in-memory link, recording every POST and answer.
 * `sleep` undefined: partner-requested waits are recorded but not waited. `mask` hides the
 * secrets in what is kept for showing (a partner may echo a token, even as a key).
 */
export async function runLaunch(
  partner: PartnerClient,
  input: PartnerCheckInput,
  token: string,
  sleep: ((ms: number) => Promise<void>) | undefined,
  fast: boolean,
  mask: (text: string) => string,
): Promise<Run> {
  const exchanges: Exchange[] = [];
  const recording: PartnerClient = {
    async post(url, form, signal) {
      const response = await partner.post(url, form, signal);
      const view = response.kind === 'answer' ? viewBody(response.body, mask) : undefined;
      const answer = readAnswer(response, form.token ?? '');
      exchanges.push({ form, response, answer, ...(view ? { view } : {}) });
      return response;
    },
    close: async () => {},
  };
  const link: LinkUserConfig = {
    ...input.link,
    autologin_token_url: input.url,
    subscriber_unique_id: input.subscriber,
  };
  const outcome = await launchApp(
    {
      store: { getLink: async () => link, getLinkToken: async () => token },
      partner: recording,
      logger: silentLogger,
      sleep: async (ms) => {
        const last = exchanges.at(-1);
        if (last) last.waitedMs = sleep ? ms : 0;
        if (sleep && ms > 0) await sleep(ms);
      },
      now: () => performance.now(),
      retry: fast ? { minTimeout: 0, maxTimeout: 0 } : DEFAULT_TRANSIENT_RETRY,
    },
    { user: input.user, app: input.app, mode: 'wait' },
  );
  return { exchanges, outcome };
}

function viewBody(body: string, mask: (text: string) => string): BodyView {
  const bytes = Buffer.byteLength(body);
  const text = body.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { bytes, shape: 'empty', keys: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { bytes, shape: 'invalid', keys: [] };
  }
  if (Array.isArray(value)) return { bytes, shape: 'array', keys: [] };
  if (typeof value !== 'object' || value === null) return { bytes, shape: 'value', keys: [] };
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .slice(0, 20)
    .map((key) => clip(mask(key), 40));
  return { bytes, shape: 'object', keys, object };
}

/** The attempt number an exchange sent. */
export function attemptOf(e: Exchange): string {
  return e.form.attempt ?? '?';
}

/** The raw `retry` value of the answer's body, if it was a JSON object. */
export function retryValue(e: Exchange): unknown {
  return e.view?.object?.retry;
}

export function waitMsOf(e: Exchange): number {
  return e.answer.kind === 'retry' ? e.answer.waitMs : 0;
}

/** The broker gave up on this answer for `detail` (see readAnswer). */
export function failedWith(e: Exchange, detail: string): boolean {
  return e.answer.kind === 'failed' && e.answer.detail === detail;
}

export function isTooLarge(response: PartnerResponse): boolean {
  return response.kind === 'transport-error' && response.code === 'too-large';
}

/** The partner sent a status line (its body may still have failed: too large, cut off…). */
export function answered(response: PartnerResponse): boolean {
  return response.kind === 'answer' || response.status !== undefined;
}

export function isOk(response: PartnerResponse): boolean {
  return response.kind === 'answer' && response.status >= 200 && response.status < 300;
}
