// The HTTP client the broker talks to partners with: undici on one shared keep-alive Agent with
// explicit limits, so a slow, huge or redirecting partner cannot hold us. It dispatches with a
// handler of its own rather than through undici's `request` (see Attempt).

import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { Agent, type Dispatcher, errors } from 'undici';
import {
  createDeadlineQueue,
  type DeadlineEntry,
  type DeadlineQueue,
  type ScheduleDeadline,
} from './deadline-queue.ts';
import { createHostLookup, type LookupFunction } from './host-lookup.ts';

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
  /**
   * `reset` means before any answer; a connection lost mid-body is `other`. `status` is the
   * answer's HTTP status when the failure came after it (a body too large, cut off or not
   * decodable): the partner did answer, only not usably.
   */
  | {
      kind: 'transport-error';
      code: TransportErrorCode;
      message: string;
      latencyMs: number;
      status?: number;
    };

export interface PartnerClient {
  /** POSTs `form` url-encoded; never throws, never follows a redirect. */
  post(url: string, form: Record<string, string>, signal?: AbortSignal): Promise<PartnerResponse>;
  /** Destroys the agent and its sockets. */
  close(): Promise<void>;
}

export type { ScheduleDeadline } from './deadline-queue.ts';

export interface PartnerClientOptions {
  /** Connect + headers + body, per attempt. */
  attemptTimeoutMs?: number;
  /** Cap on the body, raw and after decompression. */
  maxBodyBytes?: number;
  /** Default DEFAULT_CONNECTIONS_PER_ORIGIN; raise it where the partner and fd limit allow. */
  connectionsPerOrigin?: number;
  scheduleDeadline?: ScheduleDeadline;
  /** Resolves partner host names (default dns.lookup), behind the limits of host-lookup.ts. */
  lookup?: LookupFunction;
}

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

class UnsupportedEncoding extends Error {
  override name = 'UnsupportedEncoding';
}

/** Where a POST goes, split as undici's dispatch wants it. */
interface Target {
  origin: string;
  path: string;
}

export function createPartnerClient(options: PartnerClientOptions = {}): PartnerClient {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const deadlines = createDeadlineQueue(attemptTimeoutMs, options.scheduleDeadline);
  // A plain Agent: no interceptors, so no redirect is ever followed.
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    connect: {
      timeout: attemptTimeoutMs,
      lookup: createHostLookup({ lookup: options.lookup, maxWaitMs: attemptTimeoutMs }),
    },
    headersTimeout: attemptTimeoutMs,
    bodyTimeout: attemptTimeoutMs,
    maxResponseSize: maxBodyBytes,
  });
  // Partners are few: their URLs are parsed once (bounded, in case a store holds very many).
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (targets.size >= 1_000) targets.clear();
      targets.set(url, target);
    }
    return target;
  };

  function post(
    url: string,
    form: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<PartnerResponse> {
    return new Promise((resolve) => {
      const attempt = new Attempt(resolve, maxBodyBytes, deadlines, signal);
      let target: Target;
      try {
        target = targetOf(url);
      } catch (error) {
        attempt.fail(error);
        return;
      }
      if (attempt.settled) return;
      // dispatch reports every failure, synchronous ones included, through the handler.
      agent.dispatch(
        {
          ...target,
          method: 'POST',
          headers: PARTNER_REQUEST_HEADERS,
          body: new URLSearchParams(form).toString(),
        },
        attempt,
      );
    });
  }

  return { post, close: () => agent.destroy() };
}

/**
 * One POST as an undici dispatch handler: collects the body within the cap (decompressing if
 * needed) and settles exactly once, on the answer, a failure, the deadline or the caller's
 * abort. undici's `request` wraps the same dispatch in a promise, a Readable body, an
 * AsyncResource and abort listeners; doing without them costs less CPU per call and holds less
 * memory per pending click (`npm run bench -- clicks` prints the comparison with `request`).
 */
class Attempt implements Dispatcher.DispatchHandler, DeadlineEntry {
  deadlineAt = 0;
  prevEntry: DeadlineEntry | undefined = undefined;
  nextEntry: DeadlineEntry | undefined = undefined;
  settled = false;
  private readonly started = performance.now();
  private controller: Dispatcher.DispatchController | undefined;
  /** Why the attempt was stopped before undici gave it a controller. */
  private stopReason: Error | undefined;
  private status = 0;
  private answered = false;
  private deadlinePassed = false;
  private tooLarge = false;
  private chunks: Buffer[] = [];
  private size = 0;
  /** The answer's content coding, when it has one; its decoder starts with the first bytes. */
  private decoding: DecoderFactory | undefined;
  private decoder: Transform | undefined;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(
    private readonly resolve: (response: PartnerResponse) => void,
    private readonly limit: number,
    private readonly deadlines: DeadlineQueue,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal?.aborted) {
      this.fail(signal.reason);
      return;
    }
    if (signal) {
      this.onCallerAbort = () => this.stop(signal.reason);
      signal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    deadlines.add(this);
  }

  onDeadline(): void {
    this.deadlinePassed = true;
    this.stop(new DeadlineExceeded('no complete answer within the attempt deadline'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.stopReason) controller.abort(this.stopReason);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx answers are informational; the real one follows.
    if (statusCode < 200 || this.settled) return;
    this.answered = true;
    this.status = statusCode;
    try {
      this.decoding = decoderFor(headers['content-encoding']);
    } catch (error) {
      this.fail(error);
      controller.abort(error as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.decoding) this.startDecoder(controller, chunk).write(chunk);
    else this.collect(chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController): void {
    if (this.settled) return;
    if (this.decoding) this.startDecoder(controller, EMPTY).end();
    else this.finish();
  }

  /** The decoder, made for the answer's first bytes on the first call. */
  private startDecoder(controller: Dispatcher.DispatchController, first: Buffer): Transform {
    if (this.decoder) return this.decoder;
    const decoder = (this.decoding as DecoderFactory)(first);
    this.decoder = decoder;
    // Counting decoded bytes as they come keeps a compression bomb from expanding in memory.
    decoder.on('data', (chunk: Buffer) => this.collect(chunk));
    decoder.on('error', (error: Error) => {
      this.fail(error);
      controller.abort(error);
    });
    decoder.on('end', () => this.finish());
    return decoder;
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the attempt early (deadline, caller abort), whether or not it reached a socket. */
  private stop(reason: Error): void {
    if (this.settled) return;
    this.fail(reason);
    if (this.controller) this.controller.abort(reason);
    else this.stopReason = reason;
  }

  private collect(chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.tooLarge = true;
      this.stop(new BodyTooLarge(`body exceeds ${this.limit} bytes`));
      return;
    }
    this.chunks.push(chunk);
  }

  private finish(): void {
    if (this.settled) return;
    const body = Buffer.concat(this.chunks, this.size).toString('utf8');
    this.settle({ kind: 'answer', status: this.status, body, latencyMs: this.latency() });
  }

  fail(error: unknown): void {
    if (this.settled) return;
    const code = this.tooLarge
      ? 'too-large'
      : classify(error, { deadlinePassed: this.deadlinePassed, answered: this.answered });
    const message = describe(error, code);
    const latencyMs = this.latency();
    this.settle(
      this.answered
        ? { kind: 'transport-error', code, message, latencyMs, status: this.status }
        : { kind: 'transport-error', code, message, latencyMs },
    );
  }

  private settle(response: PartnerResponse): void {
    this.settled = true;
    this.deadlines.remove(this);
    if (this.onCallerAbort) this.signal?.removeEventListener('abort', this.onCallerAbort);
    this.chunks = [];
    this.decoder?.destroy();
    this.decoder = undefined;
    this.resolve(response);
  }

  private latency(): number {
    return Math.round(performance.now() - this.started);
  }
}

const EMPTY = Buffer.alloc(0);

/** Makes the decoder of an answer's body from its first bytes (deflate comes in two forms). */
type DecoderFactory = (first: Buffer) => Transform;

/**
 * Whether two bytes open a zlib stream (RFC 1950): compression method 8, a window of at most
 * 32 KiB, and the header's check bits.
 */
function isZlibHeader(first: Buffer): boolean {
  const cmf = first[0] ?? 0;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) return false;
  return first.length < 2 || ((cmf << 8) | (first[1] ?? 0)) % 31 === 0;
}

/**
 * `deflate` as browsers and curl read it: zlib-wrapped, as HTTP defines it, or the raw deflate
 * data many servers send instead (PHP's gzdeflate, IIS), told apart by the first bytes.
 */
const inflater: DecoderFactory = (first) =>
  first.length === 0 || isZlibHeader(first) ? createInflate() : createInflateRaw();

function decoderFor(contentEncoding: string | string[] | undefined): DecoderFactory | undefined {
  // The usual answer: no coding at all, decided without building the list below.
  if (contentEncoding === undefined) return undefined;
  const codings = [contentEncoding]
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
      return () => createGunzip();
    case 'deflate':
      return inflater;
    case 'br':
      return () => createBrotliDecompress();
    default:
      throw new UnsupportedEncoding('unsupported content-encoding');
  }
}

/**
 * undici's SocketError messages for a response it will not read: a 100 Continue it did not ask
 * for (it never sends `Expect`), a 101 upgrade, bytes with no request. The partner answered, so
 * this is no reset to retry: the token was delivered.
 */
const UNREADABLE_ANSWER = new Set(['bad response', 'bad upgrade']);

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
  if (error instanceof errors.SocketError && UNREADABLE_ANSWER.has(error.message)) return 'other';
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
