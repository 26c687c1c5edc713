// Limits on what a client may hold without using it, so that silent or trickling connections
// (slowloris) cannot pile up until the process runs out of file descriptors, which the store and
// the partner client need too.
import { readFileSync } from 'node:fs';

export interface ConnectionLimits {
  /**
   * The request's headers must have arrived by then: also what closes a connection that sends
   * nothing at all (HTTP 408), with no timer per socket.
   */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must have arrived by then. */
  requestTimeoutMs: number;
  /** How often the headers and request deadlines are checked. */
  checkIntervalMs: number;
  /** Connections open at once; more are closed as they come. */
  maxConnections: number;
}

/** The soft limit on open files, where the system says it (Linux); undefined elsewhere. */
export function openFilesLimit(limits = '/proc/self/limits'): number | undefined {
  try {
    const line = readFileSync(limits, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/** Three quarters of the open-files limit (the rest for the store and partners), else 10,000. */
export function defaultMaxConnections(openFiles: number | undefined): number {
  return openFiles === undefined ? 10_000 : Math.max(64, Math.floor(openFiles * 0.75));
}

export function connectionLimits(overrides: Partial<ConnectionLimits> = {}): ConnectionLimits {
  return {
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
    checkIntervalMs: 5_000,
    maxConnections: defaultMaxConnections(openFilesLimit()),
    ...overrides,
  };
}
