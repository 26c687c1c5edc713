// Throttling of repeated authentication failures per client address: more than `maxFailures`
// within `windowMs` blocks that address (HTTP 429) until a window has passed; others go on.

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
    // new addresses costs one sweep per tenth of the capacity, not one per address.
    for (const address of entries.keys()) {
      if (entries.size <= maxAddresses * 0.9) break;
      entries.delete(address);
    }
  };

  return {
    blockedFor(address) {
      const entry = entries.get(address);
      if (!entry) return 0;
      const t = now();
      return entry.blockedUntil > t ? entry.blockedUntil - t : 0;
    },
    recordFailure(address) {
      const t = now();
      let entry = entries.get(address);
      if (!entry) {
        if (entries.size >= maxAddresses) prune(t);
        entry = { failures: [], blockedUntil: 0 };
        entries.set(address, entry);
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
