// Reads a request body's bytes with a size limit: a declared Content-Length past the limit is
// refused before reading, and the bytes are counted as they arrive (a chunked body too) and
// refused the moment they pass it. On Node they are read from the socket's stream directly:
// measured, that costs what @hono/node-server's text() costs, and less than its arrayBuffer().
// Also the raw query string, the other half of what the WHM and UAPI routes read.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** The body's bytes, at most `limit` of them (else BodyTooLargeError). */
export async function readBodyBytes(c: Context, limit: number): Promise<Buffer> {
  const length = c.req.header('content-length');
  if (length !== undefined && Number(length) > limit) throw new BodyTooLargeError();
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded) {
    // Not on Node (app.request() in tests) or already consumed: the web Request path.
    const bytes = Buffer.from(await c.req.arrayBuffer());
    if (bytes.length > limit) throw new BodyTooLargeError();
    return bytes;
  }
  return readCounted(incoming, limit);
}

/** The body as UTF-8 text (bytes that are not UTF-8 read as U+FFFD), at most `limit` bytes. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  return (await readBodyBytes(c, limit)).toString('utf8');
}

/**
 * The client went away before its body was all sent: nobody is left to answer, and it is no
 * server fault (the app logs it as a notice, not as an error with a stack).
 */
export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
  readonly code = 'ECONNRESET';
  constructor(cause?: unknown) {
    super('aborted', cause === undefined ? undefined : { cause });
  }
}

/**
 * Collects a streamed body, refusing it as soon as it passes `limit` bytes. A request already
 * closed (its client went away while an earlier step awaited), or closed before its end, fails:
 * the caller's handler must not wait for it forever.
 */
function readCounted(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  if (incoming.destroyed || incoming.errored) {
    return Promise.reject(new ClientGoneError(incoming.errored ?? undefined));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (done: () => void) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      done();
    };
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      incoming.pause();
      settle(() => reject(new BodyTooLargeError()));
    }
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks)));
    const onError = (error: NodeJS.ErrnoException) =>
      settle(() => reject(error.code === 'ECONNRESET' ? new ClientGoneError(error) : error));
    // 'close' without 'end': the client went away mid-body.
    const onClose = () => settle(() => reject(new ClientGoneError()));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/** The request's raw query string (without `?`), as the WHM and UAPI arguments read it. */
export function queryString(c: Context): string {
  const url = c.req.url;
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
}
