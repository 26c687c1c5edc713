// The client address used for throttling: the socket's, or — only when the socket belongs to a
// configured trusted proxy — the nearest untrusted address in X-Forwarded-For.
import { isIP } from 'node:net';
import type { Context } from 'hono';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const IPV4_MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * One spelling per address, so that addresses compare as strings: an IPv4 address seen through
 * an IPv6 socket (`::ffff:10.0.0.1`, as a server listening on `::` sees it) is the IPv4
 * address, and an IPv6 address takes its canonical form, lowercase with zeros compressed
 * (`2001:DB8:0::1` is `2001:db8::1`, as the socket reports it).
 */
export function normaliseAddress(address: string): string {
  if (!address.includes(':')) return address;
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped) return mapped[1] as string;
  if (isIP(address) !== 6) return address;
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase(); // a zone id (`fe80::1%eth0`) has no URL form
  }
  const hex = IPV4_MAPPED_HEX.exec(canonical);
  if (!hex) return canonical;
  const [high, low] = [
    Number.parseInt(hex[1] as string, 16),
    Number.parseInt(hex[2] as string, 16),
  ];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
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
