// Durable file primitives for the file store: atomic replace (temp → fsync → rename → fsync dir),
// several files committed as one unit (commitFiles), and reads/directory checks that never
// follow a symlink.
//
// Reads and checks (lstat, fstat, open+read of these small files, readlink) and closing a file
// are synchronous: they take microseconds on a local disk, while each trip through libuv's
// thread pool costs tens of microseconds of CPU. Everything that changes the file system is
// asynchronous: such calls join the file system's journal and can wait for a commit in
// progress, which must never stall the event loop (measured in `npm run bench`, create at
// concurrency 16).
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmod,
  fchmodSync,
  fstatSync,
  fsync,
  lstatSync,
  open,
  openSync,
  readlinkSync,
  readSync,
  type Stats,
  write,
} from 'node:fs';
import { mkdir, rename, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { StoreIntegrityError } from './store.ts';

const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = constants;
const fsyncFd = promisify(fsync);
const openFd = promisify(open);
const writeFd = promisify(write);
const fchmodFd = promisify(fchmod);

/** Temp files are dot-files (store names never start with '.') so listings skip them. */
const TEMP_NAME = /^\..+\.tmp-[0-9a-f]{16}$/;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export const sha256 = (data: string | Uint8Array) =>
  createHash('sha256').update(data).digest('hex');

/** lstat that answers undefined for a missing path. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  return lstatSync(path, { throwIfNoEntry: false });
}

/** Throws unless `path` is missing or a regular file: a rename must never replace a symlink. */
export function assertReplaceable(path: string): void {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats && !stats.isFile()) throw new StoreIntegrityError(`not a regular file: ${path}`);
}

/** Throws unless `path` is missing or a real directory; returns whether it exists. */
export function checkDir(path: string): boolean {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats && !stats.isDirectory()) throw notADirectory(path, stats);
  return stats !== undefined;
}

/** The integrity error for a store path that should be a directory: a symlink is named as one. */
function notADirectory(path: string, stats: Stats): StoreIntegrityError {
  return new StoreIntegrityError(
    stats.isSymbolicLink()
      ? `a symlink, which the store never follows, where a directory should be: ${path}`
      : `not a directory: ${path}`,
  );
}

/**
 * Creates `path` with exactly `mode` (chmod, so the umask never matters) unless it exists, and
 * makes its entry in the parent durable: a file acknowledged inside it must not vanish with it.
 */
export async function ensureDir(path: string, mode: number): Promise<void> {
  if (checkDir(path)) return;
  try {
    await mkdir(path, { mode });
  } catch (error) {
    // Lost a race with another creator: fine as long as it is a real directory.
    if (errorCode(error) === 'EEXIST' && checkDir(path)) return;
    throw error;
  }
  await chmodNoFollow(path, mode);
  await fsyncDir(dirname(path));
}

/**
 * Gives an existing directory exactly `mode` again: a crash between ensureDir's mkdir and its
 * chmod leaves the umask's mode, which nothing else would ever correct.
 */
export async function repairDirMode(path: string, mode: number): Promise<void> {
  const stats = lstatSync(path);
  if (!stats.isDirectory()) throw notADirectory(path, stats);
  if ((stats.mode & 0o7777) !== mode) await chmodNoFollow(path, mode);
}

function openNoFollow(path: string, flags: number, mode?: number): number {
  try {
    return openSync(path, flags | O_NOFOLLOW, mode);
  } catch (error) {
    if (errorCode(error) === 'ELOOP') throw new StoreIntegrityError(`symlink refused: ${path}`);
    throw error;
  }
}

/**
 * Sets the mode of a file or directory through a handle opened without following symlinks. One
 * that has it already is left alone, so that a read-only data dir can still be read.
 */
export async function chmodNoFollow(path: string, mode: number): Promise<void> {
  const fd = openNoFollow(path, O_RDONLY | O_NONBLOCK);
  try {
    if ((fstatSync(fd).mode & 0o7777) !== mode) fchmodSync(fd, mode);
  } catch (error) {
    // An error of a call on a handle names no file: name it (EPERM on a directory of another
    // owner is a start-up failure to explain in one line, not a stack trace).
    if (error instanceof Error) Object.assign(error, { path, syscall: 'chmod' });
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** Makes the directory's entries (creations, renames, unlinks) durable. */
export async function fsyncDir(path: string): Promise<void> {
  const fd = openSync(path, O_RDONLY | O_DIRECTORY);
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * 16 hex digits for a temp file's name: the last 16 of a random UUID (62 random bits). randomUUID
 * draws from a pooled entropy cache; randomBytes asks for fresh entropy every time, which showed
 * in the create profile. The exclusive create refuses a name that exists anyway.
 */
const tempSuffix = () => randomUUID().slice(-17).replace('-', '');

const tempPathFor = (path: string) => join(dirname(path), `.${basename(path)}.tmp-${tempSuffix()}`);

/**
 * Creates `path` exclusively with exactly `mode`, writes `data` and fsyncs it. Four trips
 * through the thread pool at most (open, write, fsync, and chmod only when the umask masked the
 * mode); the fstat and the close are synchronous, since neither can wait for the journal.
 */
async function createFile(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const fd = await openFd(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, mode).catch((error) => {
    throw errorCode(error) === 'ELOOP'
      ? new StoreIntegrityError(`symlink refused: ${path}`)
      : error;
  });
  try {
    if ((fstatSync(fd).mode & 0o7777) !== mode) await fchmodFd(fd, mode);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.length; ) {
      done += (await writeFd(fd, bytes, done, bytes.length - done, null)).bytesWritten;
    }
    await fsyncFd(fd);
  } catch (error) {
    closeSync(fd);
    await unlinkIfExists(path);
    throw error;
  }
  closeSync(fd);
}

/**
 * Writes `data` to a new temp file beside `path` (exclusive create, exact mode, fsynced) and
 * returns the temp file's path; the caller renames it into place.
 */
export async function writeTempFile(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<string> {
  const temp = tempPathFor(path);
  await createFile(temp, data, mode);
  return temp;
}

/** Replaces `path` with `data` so that a reader (or a crash) sees the old or the new file whole. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  assertReplaceable(path);
  const temp = await writeTempFile(path, data, mode);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlinkIfExists(temp);
    throw error;
  }
  await fsyncDir(dirname(path));
}

/** One file of a commit: its final name in the directory, its contents and mode. */
export interface FileWrite {
  name: string;
  data: string;
  mode: number;
}

// An intent records, per file of a commit, its temp file's random suffix and the first 128 bits
// of its SHA-256. It is stored as the *target of a symlink* (never followed, only read with
// readlink): creating it is one metadata operation that the directory fsync makes durable, so a
// commit costs no extra data fsync (`npm run bench`: create at concurrency 16).
const INTENT_VERSION = 'v1';
const HASH_CHARS = 32;
const SUFFIX = /^[0-9a-f]{16}$/;

interface IntentEntry {
  temp: string;
  target: string;
  hash: string;
}

const tempName = (target: string, suffix: string) => `.${target}.tmp-${suffix}`;
const shortHash = (data: string | Uint8Array) => sha256(data).slice(0, HASH_CHARS);

/**
 * Installs `files` in `dir` as one unit: the temp files are written and fsynced, the intent is
 * created, and the directory fsync after that is the commit point; then the renames, another
 * directory fsync, and the intent is removed. After a crash `settleIntent` finishes a committed
 * unit and discards an uncommitted one; the hashes let it tell "already renamed" from "never
 * written" without trusting any ordering of the file system.
 */
export async function commitFiles(
  dir: string,
  intentName: string,
  files: FileWrite[],
): Promise<void> {
  const intentPath = join(dir, intentName);
  const entries: IntentEntry[] = files.map((file) => ({
    temp: tempSuffix(),
    target: file.name,
    hash: shortHash(file.data),
  }));
  const temps = entries.map((e) => join(dir, tempName(e.target, e.temp)));
  // One handle on the directory serves both of its fsyncs.
  const dirFd = openSync(dir, O_RDONLY | O_DIRECTORY);
  try {
    let intentCreated = false;
    try {
      await Promise.all(
        files.map((file, i) => createFile(temps[i] as string, file.data, file.mode)),
      );
      const record = [INTENT_VERSION, ...entries.map((e) => `${e.temp}${e.hash}`)].join(':');
      await symlink(record, intentPath);
      intentCreated = true;
      await fsyncFd(dirFd);
    } catch (error) {
      for (const path of [...temps, ...(intentCreated ? [intentPath] : [])]) {
        await unlinkIfExists(path).catch(() => {});
      }
      throw error;
    }
    // In the given order, one after the other: the admin file (token) first, so a reader never
    // sees a new link's user file before its token.
    for (const [i, e] of entries.entries()) await rename(temps[i] as string, join(dir, e.target));
    await fsyncFd(dirFd);
  } finally {
    closeSync(dirFd);
  }
  // Not fsynced on purpose: an intent that reappears after a crash finds its renames done and
  // their hashes matching, and is simply removed then. Already gone is fine: the unit is in.
  await unlinkIfExists(intentPath);
}

/** The record an intent holds; undefined when there is none, '' when it is not a symlink. */
function readIntentRecord(path: string): string | undefined {
  // lstat first: no intent is the common case, and a failing sync call builds a costly error.
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return undefined;
  // Not a symlink: not an intent this store wrote.
  if (!stats.isSymbolicLink()) return '';
  try {
    return readlinkSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The entries of an intent's record; undefined when it is not one this store wrote. */
function parseIntent(record: string, targets: readonly string[]): IntentEntry[] | undefined {
  const [version, ...parts] = record.split(':');
  if (version !== INTENT_VERSION || parts.length !== targets.length) return undefined;
  const entries: IntentEntry[] = [];
  for (const [i, part] of parts.entries()) {
    const temp = part.slice(0, 16);
    const hash = part.slice(16);
    if (!SUFFIX.test(temp) || !/^[0-9a-f]{32}$/.test(hash)) return undefined;
    entries.push({ temp, target: targets[i] as string, hash });
  }
  return entries;
}

function fileHash(path: string): string | undefined {
  const data = readFileNoFollowSync(path);
  return data === undefined ? undefined : shortHash(data);
}

/**
 * Finishes or discards the unit an intent describes; `targets` are the file names, in the order
 * commitFiles was given them. Returns what happened, for the caller's log. Only for an intent
 * whose writer is gone: the caller holds the locks every writer of these files takes.
 */
export async function settleIntent(
  dir: string,
  intentName: string,
  targets: readonly string[],
): Promise<'none' | 'rolled-forward' | 'discarded'> {
  const intentPath = join(dir, intentName);
  const record = readIntentRecord(intentPath);
  if (record === undefined) return 'none';
  const entries = parseIntent(record, targets);
  // Each entry is pending (its temp is whole), done (the target has its contents) or broken.
  const states = (entries ?? []).map((e) => {
    if (fileHash(join(dir, tempName(e.target, e.temp))) === e.hash) return 'pending';
    return fileHash(join(dir, e.target)) === e.hash ? 'done' : 'broken';
  });
  const commit = entries !== undefined && !states.includes('broken');
  for (const [i, e] of (entries ?? []).entries()) {
    const temp = join(dir, tempName(e.target, e.temp));
    if (commit && states[i] === 'pending') await rename(temp, join(dir, e.target));
    else await unlinkIfExists(temp);
  }
  if (commit) await fsyncDir(dir);
  // Removed only if it is still the intent read above: never another write's. (With the locks
  // held it always is; this keeps a lock-less writer's intent, and its crash safety, intact.)
  if (readIntentRecord(intentPath) === record) await unlinkIfExists(intentPath);
  await fsyncDir(dir);
  return commit ? 'rolled-forward' : 'discarded';
}

/**
 * Reads a regular file without following a symlink, with the fstat of what was read; undefined
 * when it does not exist. One fstat serves both the regular-file check and the size.
 */
export function readFileWithStatsNoFollow(
  path: string,
): { data: Buffer; stats: Stats } | undefined {
  let fd: number;
  try {
    // O_NONBLOCK so a planted FIFO cannot hang the read; the fstat below then refuses it.
    fd = openNoFollow(path, O_RDONLY | O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new StoreIntegrityError(`not a regular file: ${path}`);
    const data = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < data.length) {
      const n = readSync(fd, data, filled, data.length - filled, null);
      if (n === 0) break;
      filled += n;
    }
    return { data: filled === data.length ? data : data.subarray(0, filled), stats };
  } finally {
    closeSync(fd);
  }
}

function readFileNoFollowSync(path: string): Buffer | undefined {
  return readFileWithStatsNoFollow(path)?.data;
}

/** Reads a regular file without following a symlink; undefined when it does not exist. */
export async function readFileNoFollow(path: string): Promise<Buffer | undefined> {
  return readFileNoFollowSync(path);
}

/** Unlinks a file; false when it was already gone. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}
