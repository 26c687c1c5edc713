// The mock partner's memory: known subscribers and their tokens, one-time sign-in codes, attempt
// counters and the recorded requests. Plain functions over an injected clock, no HTTP.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecordedRequest } from './request-log.ts';

export interface MockPartnerOptions {
  /**
   * subscriber_unique_id → expected token. Absent: any non-empty token not beginning with
   * `wrong-` (so `wrong-token`, and the random wrong token check-partner sends, are refused).
   */
  subscribers?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Lifetime of a sign-in code (default 120 s). */
  codeTtlMs?: number;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Oldest records are dropped beyond this many (default 1000). */
  maxRecordedRequests?: number;
  /** Called with each request as it is recorded (the CLI prints a line; never print the token). */
  onRequest?: (request: RecordedRequest) => void;
}

/** What a one-time code signs the browser in as. */
export interface SsoGrant {
  subscriber: string;
  user: string;
  app: string;
  label?: string;
  expiresAt: number;
}

export interface MockPartnerState {
  /** Every request received (raw values, token included); cleared in place. */
  readonly requests: RecordedRequest[];
  readonly now: () => number;
  readonly codeTtlMs: number;
  record(request: RecordedRequest): void;
  /** Forgets the recorded requests and the attempt counters. */
  clearRequests(): void;
  isTokenValid(subscriber: string, token: string): boolean;
  /** Sets (or adds) a subscriber's expected token; switches a permissive partner to strict. */
  setSubscriberToken(subscriber: string, token: string): void;
  issueCode(grant: Omit<SsoGrant, 'expiresAt'>): string;
  /** The grant of a live code without using it up (HEAD requests). */
  peekCode(code: string): SsoGrant | undefined;
  /** The grant of a live code, which is used up by this call. */
  redeemCode(code: string): SsoGrant | undefined;
  /** Counts requests of one (user, app) — the attempt number when the POST carries none. */
  countAttempt(user: string, app: string): number;
  /** Marks a streamed response as open; call the returned function when it ends. */
  trackStream(): () => void;
  /** Streamed responses (huge, trickle) still being produced. */
  openStreams(): number;
  /** Holds a `gate` request: true once the gate opens, false if `signal` aborts first. */
  waitAtGate(signal: AbortSignal): Promise<boolean>;
  /** Requests the gate holds right now. */
  gateWaiting(): number;
  /** Releases every held request (later ones wait for the next call); returns how many. */
  openGate(): number;
}

/**
 * Tokens the permissive default refuses begin with this (`wrong-token`, and check-partner's
 * random wrong token), so tests need no configuration for a 401.
 */
export const WRONG_TOKEN_PREFIX = 'wrong-';
const MAX_LIVE_CODES = 10_000;

const digest = (value: string) => createHash('sha256').update(value).digest();

export function createMockPartnerState(options: MockPartnerOptions = {}): MockPartnerState {
  const now = options.now ?? Date.now;
  const codeTtlMs = options.codeTtlMs ?? 120_000;
  const maxRecorded = options.maxRecordedRequests ?? 1000;
  let subscribers =
    options.subscribers === undefined
      ? undefined
      : new Map(
          options.subscribers instanceof Map
            ? options.subscribers
            : Object.entries(options.subscribers),
        );
  const codes = new Map<string, SsoGrant>();
  const attempts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  let streams = 0;
  const gate = new Set<() => void>();

  const liveGrant = (code: string) => {
    const grant = codes.get(code);
    if (grant === undefined) return undefined;
    if (now() >= grant.expiresAt) {
      codes.delete(code);
      return undefined;
    }
    return grant;
  };

  return {
    requests,
    now,
    codeTtlMs,
    record(request) {
      requests.push(request);
      if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
      options.onRequest?.(request);
    },
    clearRequests() {
      requests.length = 0;
      attempts.clear();
    },
    isTokenValid(subscriber, token) {
      if (token === '') return false;
      if (subscribers === undefined) return !token.startsWith(WRONG_TOKEN_PREFIX);
      const expected = subscribers.get(subscriber);
      // Compare digests so the comparison takes the same time whatever the lengths.
      return expected !== undefined && timingSafeEqual(digest(expected), digest(token));
    },
    setSubscriberToken(subscriber, token) {
      subscribers ??= new Map();
      subscribers.set(subscriber, token);
    },
    issueCode(grant) {
      const time = now();
      // Codes expire in the order they were issued (one lifetime for all): stop at the first
      // live one, so issuing stays cheap with thousands of codes alive.
      for (const [code, old] of codes) {
        if (time < old.expiresAt) break;
        codes.delete(code);
      }
      while (codes.size >= MAX_LIVE_CODES) {
        const oldest = codes.keys().next();
        if (oldest.done) break;
        codes.delete(oldest.value);
      }
      const code = randomBytes(32).toString('base64url');
      codes.set(code, { ...grant, expiresAt: time + codeTtlMs });
      return code;
    },
    peekCode: liveGrant,
    redeemCode(code) {
      const grant = liveGrant(code);
      codes.delete(code);
      return grant;
    },
    countAttempt(user, app) {
      const key = `${user}\u0000${app}`;
      const count = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, count);
      return count;
    },
    trackStream() {
      streams += 1;
      let open = true;
      return () => {
        if (open) streams -= 1;
        open = false;
      };
    },
    openStreams: () => streams,
    waitAtGate(signal) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve(false);
        const release = () => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        };
        const onAbort = () => {
          gate.delete(release);
          resolve(false);
        };
        gate.add(release);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    gateWaiting: () => gate.size,
    openGate() {
      const held = [...gate];
      gate.clear();
      for (const release of held) release();
      return held.length;
    },
  };
}
