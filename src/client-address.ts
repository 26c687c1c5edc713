// The client address used for throttling: the socket's, or — only when the socket belongs to a
// configured trusted proxy — the nearest untrusted address in X-Forwarded-For.
import type { Context } from 'hono';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * One spelling per address: an IPv4 address seen through an IPv6 socket (`::ffff:10.0.0.1`, as
 * a server listening on `::` sees it) is the IPv4 address, so a proxy configured as `10.0.0.1`
 * is recognised either way.
 */
export function normaliseAddress(address: string): string {
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}

export function clientAddress(c: Context, trustedProxies: readonly string[]): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming;
  const socketAddress = normaliseAddress(incoming?.socket?.remoteAddress ?? 'unknown');
  if (trustedProxies.length === 0 || !trustedProxies.includes(socketAddress)) return socketAddress;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => normaliseAddress(s.trim()))
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i] as string;
    if (!trustedProxies.includes(hop)) return hop;
  }
  return socketAddress;
}
