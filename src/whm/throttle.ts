// Throttling of repeated authentication failures per client address: more than `maxFailures`
// within `windowMs` blocks that address (HTTP 429) until a window has passed; others go on.
// An IPv6 client counts per /64, the network one customer is given: otherwise one machine could
// try from a fresh address of its 2^64 for every guess.
import { isIP } from 'node:net';

export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
  /** Addresses tracked at most; beyond it the stalest entries are dropped. */
  maxAddresses?: number;
}

export interface Throttle {
  /** Milliseconds the address must still wait, or 0 when it may try. */
  blockedFor(address: string): number;
  recordFailure(address: string): void;
}

/** The first four groups of an IPv6 address, each in its shortest form (`2001:db8:0:1`). */
function ipv6Network(address: string): string {
  const zone = address.indexOf('%');
  const plain = zone < 0 ? address : address.slice(0, zone);
  const [head = '', tail] = plain.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const last = tail === undefined ? front : back;
  const dotted = last.at(-1);
  if (dotted?.includes('.')) {
    // An IPv4 address written in the last 32 bits (`64:ff9b::192.0.2.1`).
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
    last.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const zeros: string[] = Array(8 - front.length - back.length).fill('0');
  const all = tail === undefined ? front : [...front, ...zeros, ...back];
  return all
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}

/** What failures are counted under: the IPv4 address, or the /64 of an IPv6 one. */
export function throttleKey(address: string): string {
  return isIP(address) === 6 ? `${ipv6Network(address)}::/64` : address;
}

interface Entry {
  failures: number[];
  blockedUntil: number;
}

export function createThrottle(options: ThrottleOptions): Throttle {
  const { maxFailures, windowMs, now = Date.now, maxAddresses = 100_000 } = options;
  const entries = new Map<string, Entry>();

  const prune = (t: number) => {
    for (const [address, entry] of entries) {
      const last = entry.failures.at(-1) ?? 0;
      if (entry.blockedUntil <= t && last + windowMs <= t) entries.delete(address);
    }
    // Still too many: forget the oldest tenth (Map keeps insertion order), so that a flood of
    // new addresses costs one sweep per tenth of the capacity, not one per address. Blocked
    // addresses go last: a flood must not buy a blocked address a fresh start.
    const forgetOldest = (alsoBlocked: boolean) => {
      for (const [address, entry] of entries) {
        if (entries.size <= maxAddresses * 0.9) return;
        if (alsoBlocked || entry.blockedUntil <= t) entries.delete(address);
      }
    };
    forgetOldest(false);
    forgetOldest(true);
  };

  return {
    blockedFor(address) {
      const entry = entries.get(throttleKey(address));
      if (!entry) return 0;
      const t = now();
      return entry.blockedUntil > t ? entry.blockedUntil - t : 0;
    },
    recordFailure(address) {
      const t = now();
      const key = throttleKey(address);
      let entry = entries.get(key);
      if (!entry) {
        if (entries.size >= maxAddresses) prune(t);
        entry = { failures: [], blockedUntil: 0 };
        entries.set(key, entry);
      }
      entry.failures = entry.failures.filter((f) => f + windowMs > t);
      entry.failures.push(t);
      if (entry.failures.length > maxFailures) {
        entry.blockedUntil = t + windowMs;
        entry.failures = [];
      }
    },
  };
}
