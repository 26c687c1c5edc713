// Reads a request body as text with a size limit, straight from Node's IncomingMessage when the
// app runs on @hono/node-server: building a web Request just to read a form costs more CPU than
// everything else a rejected API call does (measured with --cpu-prof).
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

export async function readBodyText(c: Context, limit: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError();
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded) {
    // Not on Node (app.request() in tests) or already consumed: the web Request path.
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw new BodyTooLargeError();
    return text;
  }
  // Events rather than `for await`: the async iterator costs more than a small form itself.
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      incoming.off('data', onData);
      incoming.pause();
      reject(new BodyTooLargeError());
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}
