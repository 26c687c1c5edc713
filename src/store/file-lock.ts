// Cross-process locks for the file store: the server and `linkbroker whmapi1` are separate
// processes on one data dir, which the in-process locks (locks.ts) do not reach. A lock is a file
// NAME.lock created exclusively in the locks dir, holding "PID HOST NONCE"; unlinking it
// releases it. Waiting is bounded: past `waitMs` the call fails with BusyError (retry it).
//
// A lock file is stale, and broken by whoever waits for it, when its owner is a process of this
// host that no longer runs (a crash, SIGKILL), or when it has not been touched for `staleMs`: a
// reused pid, another host, or a crash between the file's creation and its write. Holds last
// milliseconds, and a holder touches its file every staleMs/3 while it holds it.
//
// Fairness: a process that releases a lock and takes it again at once would always beat a
// process that polls for it. So a waiter takes its turn first, the file NAME.next (same rules):
// while a turn file exists only its holder may take the lock, which it gets after one hold.
//
// In one process, the callers of a name share one hold of the lock file (the in-process locks
// around it decide who runs together), so a process never waits for itself through the file
// system; new callers stop joining a hold once another process waits for its turn.
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  open,
  utimesSync,
  writeSync,
} from 'node:fs';
import { link, readdir, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { BusyError, quote } from '../errors.ts';
import type { Logger } from '../log.ts';
import { errorCode, readFileWithStatsNoFollow, unlinkIfExists } from './atomic-file.ts';

export interface FileLockOptions {
  /** The locks directory; it must exist. */
  dir: string;
  logger: Logger;
  /** How long a caller waits for another process before BusyError. */
  waitMs?: number;
  /** A lock file untouched for this long is stale whoever it names. */
  staleMs?: number;
}

const LOCK_WAIT_MS = 3_000;
const LOCK_STALE_MS = 60_000;
const LOCK_FILE_MODE = 0o644;
/** What a lock file taken aside to be broken is named after: NAME.lock.stale-UUID. */
const ASIDE = '.stale-';
const MAX_PAUSE_MS = 20;
const HOST = hostname();
const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = constants;
const openFd = promisify(open);

/** Nonces of the lock files this process holds (any store instance), or is creating. */
const ownNonces = new Set<string>();

interface Hold {
  state: 'acquiring' | 'held' | 'releasing';
  /** Callers of this process inside the hold or waiting for it to be acquired. */
  users: number;
  nonce: Promise<string>;
  ended: Promise<void>;
  end: () => void;
  /** Keeps the lock file's time fresh while held, so a long hold is never taken for stale. */
  heartbeat?: NodeJS.Timeout;
}

/** A lock file's identity and contents, as judged. */
interface Seen {
  ino: number;
  mtimeMs: number;
  content: string;
}

const exists = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

function look(path: string): Seen | undefined {
  const read = readFileWithStatsNoFollow(path);
  if (!read) return undefined;
  const { ino, mtimeMs } = read.stats;
  return { ino, mtimeMs, content: read.data.toString('utf8') };
}

/** The owner a lock file names; undefined while it is being written (or not a lock file). */
function ownerOf(content: string): { pid: number; host: string; nonce: string } | undefined {
  const [pid, host, nonce, ...rest] = content.trimEnd().split(' ');
  const id = Number(pid);
  if (!Number.isSafeInteger(id) || id <= 0 || !host || !nonce || rest.length > 0) return undefined;
  return { pid: id, host, nonce };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Creates `path` exclusively with `content`; false when it exists. Only the create goes through
 * the thread pool (it changes the directory); a few bytes written to a new file and the close
 * cannot wait for the journal (atomic-file.ts).
 */
async function create(path: string, content: string): Promise<boolean> {
  let fd: number;
  try {
    // Readable by all (it names a pid, a host and a nonce, and the locks dir is 0700): a lock
    // that `whmapi1` run as root left must still be judged by the server's own user.
    fd = await openFd(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, LOCK_FILE_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    // Exactly that mode whatever the umask (077 would hide it from the server's user).
    if ((fstatSync(fd).mode & 0o777) !== LOCK_FILE_MODE) fchmodSync(fd, LOCK_FILE_MODE);
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    await unlinkIfExists(path);
    throw error;
  }
  closeSync(fd);
  return true;
}

/** Gives the lock file at `path` the time of now, if it is still the one holding `nonce`. */
function touchIfOurs(path: string, nonce: string): void {
  try {
    const seen = look(path);
    if (seen && ownerOf(seen.content)?.nonce === nonce) {
      const now = new Date();
      utimesSync(path, now, now);
    }
  } catch {
    // A missed beat only shortens the time before others may judge the lock stale.
  }
}

/** Unlinks the lock file at `path` if it is still the one holding `nonce`. */
async function removeIfOurs(path: string, nonce: string): Promise<void> {
  const seen = look(path);
  // Another nonce only if ours was broken as stale (held past staleMs): the new owner's stays.
  if (seen && ownerOf(seen.content)?.nonce === nonce) await unlinkIfExists(path);
}

/**
 * Removes lock files a crash left taken aside (`NAME.lock.stale-…`) once they are older than
 * `staleMs`: a younger one may be a live lock another process is about to put back.
 */
export async function removeOldAsides(dir: string, staleMs = LOCK_STALE_MS): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.includes(ASIDE)) continue;
    const stats = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (stats && Date.now() - stats.mtimeMs > staleMs) await unlinkIfExists(join(dir, name));
  }
}

export function createFileLocks({
  dir,
  logger,
  waitMs = LOCK_WAIT_MS,
  staleMs = LOCK_STALE_MS,
}: FileLockOptions) {
  const holds = new Map<string, Hold>();
  const lockPath = (name: string) => join(dir, `${name}.lock`);
  const turnPath = (name: string) => join(dir, `${name}.next`);

  function isStale(seen: Seen): boolean {
    if (Date.now() - seen.mtimeMs > staleMs) return true;
    const owner = ownerOf(seen.content);
    if (owner?.host !== HOST) return false;
    // Our own pid: a dead process's pid now reused by us, unless the nonce is one of ours.
    if (owner.pid === process.pid) return !ownNonces.has(owner.nonce);
    return !isRunning(owner.pid);
  }

  /** Removes the file at `path` if it is stale; true when it is gone (try again at once). */
  async function breakIfStale(path: string): Promise<boolean> {
    const seen = look(path);
    if (!seen || !isStale(seen)) return false;
    // Taken aside, then checked: between the look and the rename another process may have broken
    // the same stale file and created a live one, which must not be removed.
    const aside = `${path}${ASIDE}${randomUUID()}`;
    try {
      await rename(path, aside);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return true;
      throw error;
    }
    const taken = look(aside);
    if (
      taken?.ino === seen.ino &&
      taken.mtimeMs === seen.mtimeMs &&
      taken.content === seen.content
    ) {
      await unlinkIfExists(aside);
      logger.warn('store: broke a stale lock', { lock: path, owner: seen.content.trim() });
      return true;
    }
    // A live file was taken aside: put it back, without replacing anything. Residual race: if a
    // third process created the file in the microseconds it was away, link() fails, and that
    // process and the owner of the file taken aside both hold the lock. It takes three processes
    // on one stale lock at once, and ends with the first release.
    try {
      await link(aside, path);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    await unlinkIfExists(aside);
    return false;
  }

  async function acquire(name: string): Promise<string> {
    const lock = lockPath(name);
    const turn = turnPath(name);
    const nonce = randomUUID();
    const content = `${process.pid} ${HOST} ${nonce}\n`;
    ownNonces.add(nonce);
    const deadline = Date.now() + waitMs;
    let queued = false;
    try {
      for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
        if ((queued || !exists(turn)) && (await create(lock, content))) return nonce;
        if (!queued) queued = await create(turn, content);
        if (await breakIfStale(lock)) continue;
        if (!queued && (await breakIfStale(turn))) continue;
        if (Date.now() >= deadline) {
          throw new BusyError(
            `Another linkbroker process holds the lock ${quote(name)} on the data dir; try again in a moment.`,
          );
        }
        // The first in line polls briskly: its wait is one hold, and a pause would idle the lock.
        await delay(queued ? 1 : pause * (0.5 + Math.random()));
      }
    } catch (error) {
      ownNonces.delete(nonce);
      throw error;
    } finally {
      if (queued) await removeIfOurs(turn, nonce);
    }
  }

  function startHold(name: string): Hold {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const hold: Hold = { state: 'acquiring', users: 0, nonce: Promise.resolve(''), ended, end };
    hold.nonce = acquire(name).then(
      (nonce) => {
        hold.state = 'held';
        // A hold lasts milliseconds, but a stalled disk can stretch a write past staleMs; another
        // process must not break a lock whose owner is still at work.
        hold.heartbeat = setInterval(() => touchIfOurs(lockPath(name), nonce), staleMs / 3);
        hold.heartbeat.unref();
        return nonce;
      },
      (error: unknown) => {
        holds.delete(name);
        end();
        throw error;
      },
    );
    holds.set(name, hold);
    return hold;
  }

  async function enter(name: string): Promise<Hold> {
    for (;;) {
      const current = holds.get(name);
      // A hold being released, or held while another process waits its turn, is not joined:
      // wait for it to end, then queue like anyone.
      if (
        current &&
        (current.state === 'releasing' || (current.state === 'held' && exists(turnPath(name))))
      ) {
        await current.ended;
        continue;
      }
      const hold = current ?? startHold(name);
      hold.users += 1;
      try {
        await hold.nonce;
      } catch (error) {
        hold.users -= 1;
        throw error;
      }
      return hold;
    }
  }

  async function leave(name: string, hold: Hold): Promise<void> {
    hold.users -= 1;
    if (hold.users > 0) return;
    hold.state = 'releasing';
    const nonce = await hold.nonce;
    try {
      await removeIfOurs(lockPath(name), nonce);
    } catch (error) {
      // The caller's work is done and must be answered as done. Once the nonce is forgotten
      // below, this process breaks the file at once and others after staleMs.
      logger.warn('store: could not release a lock', { lock: name, code: errorCode(error) });
    } finally {
      clearInterval(hold.heartbeat);
      ownNonces.delete(nonce);
      holds.delete(name);
      hold.end();
    }
  }

  /**
   * Runs `fn` holding the lock `name` (a plain file name) against other processes. Callers in this
   * process share the hold: exclude each other with the in-process locks around this call.
   */
  return async function withFileLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const hold = await enter(name);
    try {
      return await fn();
    } finally {
      await leave(name, hold);
    }
  };
}
