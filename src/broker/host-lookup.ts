// Host name lookups for partner connections, kept from starving the store. Node resolves a name
// with getaddrinfo on libuv's threadpool (4 threads), where every file operation of the store
// runs too: a partner whose name server hangs would hold a thread per click for the resolver's
// whole timeout, and four such clicks would stop every API call and page. Lookups of the same
// name share one call, and at most `maxConcurrent` distinct lookups run at once; the others
// wait their turn, and a turn that comes after `maxWaitMs` fails without a call (the connection
// that asked has timed out by then).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

/** What net.connect calls to resolve a host (the signature of dns.lookup with options). */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (
    error: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
) => void;

type Callback = Parameters<LookupFunction>[2];

export const DEFAULT_MAX_CONCURRENT_LOOKUPS = 2;

export interface HostLookupOptions {
  /** The lookup that does the work (dns.lookup; tests give their own). */
  lookup?: LookupFunction | undefined;
  /** Distinct lookups running at once; keep it below the threadpool's size (4). */
  maxConcurrent?: number;
  /** How long a lookup may wait for its turn; later it fails without being made. */
  maxWaitMs: number;
  now?: () => number;
}

interface Pending {
  hostname: string;
  options: LookupOptions;
  key: string;
  queuedAt: number;
  callbacks: Callback[];
}

function queuedTooLong(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`lookup of ${hostname} waited too long for its turn`), {
    code: 'ETIMEOUT',
    syscall: 'getaddrinfo',
    hostname,
  });
}

export function createHostLookup(options: HostLookupOptions): LookupFunction {
  const {
    lookup = dnsLookup as LookupFunction,
    maxConcurrent = DEFAULT_MAX_CONCURRENT_LOOKUPS,
    maxWaitMs,
    now = () => performance.now(),
  } = options;
  /** Lookups asked for or running, by name and options: a second asker joins the first. */
  const byKey = new Map<string, Pending>();
  const queue: Pending[] = [];
  let running = 0;

  function start(pending: Pending): void {
    running += 1;
    let answered = false;
    const answer: Callback = (error, address, family) => {
      if (answered) return;
      answered = true;
      running -= 1;
      byKey.delete(pending.key);
      for (const callback of pending.callbacks) callback(error, address, family);
      next();
    };
    try {
      lookup(pending.hostname, pending.options, answer);
    } catch (error) {
      // A lookup that throws (bad options) answers with its error and frees its turn.
      answer(error as NodeJS.ErrnoException, '');
    }
  }

  function next(): void {
    while (running < maxConcurrent && queue.length > 0) {
      const pending = queue.shift() as Pending;
      if (now() - pending.queuedAt <= maxWaitMs) {
        start(pending);
        continue;
      }
      byKey.delete(pending.key);
      const error = queuedTooLong(pending.hostname);
      for (const callback of pending.callbacks) callback(error, '');
    }
  }

  return (hostname, lookupOptions, callback) => {
    const { family, all, hints, order, verbatim } = lookupOptions as LookupOptions & {
      order?: string;
    };
    const key = JSON.stringify([hostname, family, all, hints, order, verbatim]);
    const joined = byKey.get(key);
    if (joined) {
      joined.callbacks.push(callback);
      return;
    }
    const pending: Pending = {
      hostname,
      options: lookupOptions,
      key,
      queuedAt: now(),
      callbacks: [callback],
    };
    byKey.set(key, pending);
    queue.push(pending);
    next();
  };
}
