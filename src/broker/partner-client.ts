// The HTTP client the broker talks to partners with: undici's `request` on one shared
// keep-alive Agent with explicit limits, so a slow, huge or redirecting partner cannot hold us.

import { performance } from 'node:perf_hooks';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, request } from 'undici';

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
export const MAX_BODY_BYTES = 64 * 1024;
/**
 * Open sockets per partner origin. Beyond it clicks queue inside the agent, and the queue time
 * counts against the attempt deadline, so a click that waits too long falls back to `url`.
 * The cap protects the partner and, above all, our file descriptors: every pending click holds
 * one more socket, and a hanging partner must not exhaust the fds the rest of the server needs.
 */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 64;
export const USER_AGENT = 'linkbroker/0.1';
/** The headers of every autologin POST (exported so check-partner can show them). */
export const PARTNER_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': USER_AGENT,
};

export type TransportErrorCode = 'refused' | 'reset' | 'timeout' | 'too-large' | 'other';

export type PartnerResponse =
  | { kind: 'answer'; status: number; body: string; latencyMs: number }
  /** `reset` means before any answer; a connection lost mid-body is `other`. */
  | { kind: 'transport-error'; code: TransportErrorCode; message: string; latencyMs: number };

export interface PartnerClient {
  /** POSTs `form` url-encoded; never throws, never follows a redirect. */
  post(url: string, form: Record<string, string>, signal?: AbortSignal): Promise<PartnerResponse>;
  /** Destroys the agent and its sockets. */
  close(): Promise<void>;
}

/** Arms the per-attempt deadline; returns its cancel function. Injectable for tests. */
export type ScheduleDeadline = (onDeadline: () => void, ms: number) => () => void;

export interface PartnerClientOptions {
  /** Connect + headers + body, per attempt. */
  attemptTimeoutMs?: number;
  /** Cap on the body, raw and after decompression. */
  maxBodyBytes?: number;
  /** Default DEFAULT_CONNECTIONS_PER_ORIGIN; raise it where the partner and fd limit allow. */
  connectionsPerOrigin?: number;
  scheduleDeadline?: ScheduleDeadline;
}

const scheduleWithTimer: ScheduleDeadline = (onDeadline, ms) => {
  const timer = setTimeout(onDeadline, ms);
  return () => clearTimeout(timer);
};

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

class UnsupportedEncoding extends Error {
  override name = 'UnsupportedEncoding';
}

export function createPartnerClient(options: PartnerClientOptions = {}): PartnerClient {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const scheduleDeadline = options.scheduleDeadline ?? scheduleWithTimer;
  // A plain Agent: no interceptors, so no redirect is ever followed.
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    connect: { timeout: attemptTimeoutMs },
    headersTimeout: attemptTimeoutMs,
    bodyTimeout: attemptTimeoutMs,
    maxResponseSize: maxBodyBytes,
  });

  async function post(
    url: string,
    form: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<PartnerResponse> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    // One controller for both the deadline and the caller (AbortSignal.any needs Node 20.3).
    const controller = new AbortController();
    let deadlinePassed = false;
    const cancelDeadline = scheduleDeadline(() => {
      deadlinePassed = true;
      controller.abort(new DeadlineExceeded(`no complete answer within ${attemptTimeoutMs} ms`));
    }, attemptTimeoutMs);
    const onCallerAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onCallerAbort();
    else signal?.addEventListener('abort', onCallerAbort, { once: true });
    let answered = false;
    // Set by readBody: pipeline may report the teardown it causes rather than the cap itself.
    const reading = { tooLarge: false };
    try {
      const response = await request(url, {
        dispatcher: agent,
        method: 'POST',
        headers: { ...PARTNER_REQUEST_HEADERS },
        body: new URLSearchParams(form).toString(),
        signal: controller.signal,
      });
      answered = true;
      const body = await readBody(
        response.body,
        response.headers['content-encoding'],
        maxBodyBytes,
        reading,
      );
      return { kind: 'answer', status: response.statusCode, body, latencyMs: latency() };
    } catch (error) {
      const code = reading.tooLarge ? 'too-large' : classify(error, { deadlinePassed, answered });
      return {
        kind: 'transport-error',
        code,
        message: describe(error, code),
        latencyMs: latency(),
      };
    } finally {
      cancelDeadline();
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return { post, close: () => agent.destroy() };
}

/** Reads the whole body as UTF-8, decompressing, and fails once it passes `limit` bytes. */
async function readBody(
  body: Readable,
  contentEncoding: string | string[] | undefined,
  limit: number,
  reading: { tooLarge: boolean },
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Counting decoded bytes as they come keeps a compression bomb from expanding in memory.
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) {
        reading.tooLarge = true;
        throw new BodyTooLarge(`body exceeds ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  };
  let decoder: Transform | undefined;
  try {
    decoder = createDecoder(contentEncoding);
  } catch (error) {
    // Without a listener the destroy error would surface as an uncaught exception.
    body.on('error', () => {});
    body.destroy();
    throw error;
  }
  // Without a decoder, iterating the body directly is measurably cheaper than a pipeline (the
  // click benchmark); leaving the loop early destroys the body either way.
  if (decoder) await pipeline(body, decoder, collect);
  else await collect(body);
  return Buffer.concat(chunks).toString('utf8');
}

function createDecoder(contentEncoding: string | string[] | undefined): Transform | undefined {
  const codings = [contentEncoding ?? []]
    .flat()
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '' && value !== 'identity');
  if (codings.length === 0) return undefined;
  // Partners never stack codings in practice; refusing them keeps the cap logic simple.
  if (codings.length > 1) throw new UnsupportedEncoding(`unsupported content-encoding`);
  switch (codings[0]) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new UnsupportedEncoding('unsupported content-encoding');
  }
}

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function classify(
  error: unknown,
  state: { deadlinePassed: boolean; answered: boolean },
): TransportErrorCode {
  if (state.deadlinePassed) return 'timeout';
  if (error instanceof BodyTooLarge) return 'too-large';
  const codes = errorCodes(error);
  if (codes.has('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return 'too-large';
  if ([...codes].some((code) => TIMEOUT.has(code))) return 'timeout';
  // Refused and reset are transient only before any answer: a partner that dropped the
  // connection mid-body may have consumed the token already.
  if (!state.answered && [...codes].some((code) => REFUSED.has(code))) return 'refused';
  if (!state.answered && [...codes].some((code) => RESET.has(code))) return 'reset';
  return 'other';
}

/** Error codes of an error, its cause and (for happy-eyeballs connects) its aggregate parts. */
function errorCodes(error: unknown, depth = 0): Set<string> {
  const codes = new Set<string>();
  if (depth > 3 || typeof error !== 'object' || error === null) return codes;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string') codes.add(code);
  for (const inner of [cause, ...(error instanceof AggregateError ? error.errors : [])]) {
    for (const c of errorCodes(inner, depth + 1)) codes.add(c);
  }
  return codes;
}

function describe(error: unknown, code: TransportErrorCode): string {
  if (code === 'timeout') return 'no complete answer within the attempt deadline';
  if (code === 'too-large') return 'the answer body is larger than allowed';
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 200) || code;
}
