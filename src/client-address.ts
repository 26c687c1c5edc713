// The client address used for throttling: the socket's, or — only when the socket belongs to a
// configured trusted proxy — the nearest untrusted address in X-Forwarded-For.
import type { Context } from 'hono';

export function clientAddress(c: Context, trustedProxies: readonly string[]): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming;
  const socketAddress = incoming?.socket?.remoteAddress ?? 'unknown';
  if (trustedProxies.length === 0 || !trustedProxies.includes(socketAddress)) return socketAddress;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i] as string;
    if (!trustedProxies.includes(hop)) return hop;
  }
  return socketAddress;
}
