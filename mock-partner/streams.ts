// Slow and oversized response bodies, produced on demand (pull streams) so nothing big is ever
// held in memory, and stopped as soon as the client goes away.

const encoder = new TextEncoder();
const CHUNK = 64 * 1024;

/** Resolves after `ms`, or as soon as `signal` aborts (then with false). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * About `bytes` of valid JSON: `{"padding":"xxx…","redirect_url":TAIL}`. The useful key comes
 * last, so only a client that reads past any sane size limit would find it.
 */
export function hugeJsonStream(
  bytes: number,
  redirectUrl: string,
  onEnd: () => void,
): ReadableStream<Uint8Array> {
  const head = encoder.encode('{"padding":"');
  const tail = encoder.encode(`","redirect_url":${JSON.stringify(redirectUrl)}}`);
  const filler = new Uint8Array(CHUNK).fill(0x78); // "x"
  let padding = Math.max(0, bytes - head.length - tail.length);
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(head);
        } else if (padding > 0) {
          const size = Math.min(padding, CHUNK);
          padding -= size;
          controller.enqueue(size === CHUNK ? filler : filler.subarray(0, size));
        } else {
          controller.enqueue(tail);
          controller.close();
          onEnd();
        }
      },
      cancel: onEnd,
    },
    { highWaterMark: 0 },
  );
}

/**
 * One byte of whitespace every `ms`, `bytes` times, then the JSON text `finish()` returns (a
 * real answer, so a client without an overall deadline would eventually be served).
 */
export function trickleStream(
  ms: number,
  bytes: number,
  finish: () => string,
  onEnd: () => void,
): ReadableStream<Uint8Array> {
  const space = encoder.encode(' ');
  const stop = new AbortController();
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent > 0 && !(await sleep(ms, stop.signal))) return;
        if (sent < bytes) {
          sent += 1;
          controller.enqueue(space);
          return;
        }
        controller.enqueue(encoder.encode(finish()));
        controller.close();
        onEnd();
      },
      cancel() {
        stop.abort();
        onEnd();
      },
    },
    { highWaterMark: 0 },
  );
}
