// Durable file primitives for the file store: atomic replace (temp → fsync → rename → fsync dir),
// several files committed as one unit (commitFiles), and reads/directory checks that never
// follow a symlink.
//
// Why synchronous calls: metadata operations and reads of these small files take microseconds on
// a local disk, while each trip through libuv's thread pool costs tens of microseconds of CPU and
// latency. Only fsync, the one slow call, is awaited on the pool (measured in `npm run bench`).
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { StoreIntegrityError } from './store.ts';

const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = constants;
const fsyncFd = promisify(fsync);

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
export async function assertReplaceable(path: string): Promise<void> {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats && !stats.isFile()) throw new StoreIntegrityError(`not a regular file: ${path}`);
}

/** Throws unless `path` is missing or a real directory; returns whether it exists. */
export async function checkDir(path: string): Promise<boolean> {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats && !stats.isDirectory()) throw new StoreIntegrityError(`not a directory: ${path}`);
  return stats !== undefined;
}

/** Creates `path` with exactly `mode` (chmod, so the umask never matters) unless it exists. */
export async function ensureDir(path: string, mode: number): Promise<void> {
  if (await checkDir(path)) return;
  try {
    mkdirSync(path, { mode });
  } catch (error) {
    // Lost a race with another creator: fine as long as it is a real directory.
    if (errorCode(error) === 'EEXIST' && (await checkDir(path))) return;
    throw error;
  }
  await chmodNoFollow(path, mode);
}

function openNoFollow(path: string, flags: number, mode?: number): number {
  try {
    return openSync(path, flags | O_NOFOLLOW, mode);
  } catch (error) {
    if (errorCode(error) === 'ELOOP') throw new StoreIntegrityError(`symlink refused: ${path}`);
    throw error;
  }
}

/** Sets the mode of a file or directory through a handle opened without following symlinks. */
export async function chmodNoFollow(path: string, mode: number): Promise<void> {
  const fd = openNoFollow(path, O_RDONLY | O_NONBLOCK);
  try {
    fchmodSync(fd, mode);
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

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

const tempPathFor = (path: string) =>
  join(dirname(path), `.${basename(path)}.tmp-${randomBytes(8).toString('hex')}`);

/** Creates `path` exclusively with exactly `mode` and writes `data`; returns the open fd. */
function createFile(path: string, data: string | Uint8Array, mode: number): number {
  const fd = openNoFollow(path, O_CREAT | O_EXCL | O_WRONLY, mode);
  try {
    fchmodSync(fd, mode);
    writeAll(fd, data);
    return fd;
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
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
  const fd = createFile(temp, data, mode);
  try {
    await fsyncFd(fd);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Replaces `path` with `data` so that a reader (or a crash) sees the old or the new file whole. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  await assertReplaceable(path);
  const temp = await writeTempFile(path, data, mode);
  try {
    renameSync(temp, path);
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

/** What an intent file holds: each rename and the SHA-256 of the file it installs. */
export interface IntentEntry {
  from: string;
  to: string;
  sha256: string;
}

/**
 * Installs `files` in `dir` as one unit. The temp files and an intent naming them (with their
 * hashes) are written and fsynced together; the directory fsync after that is the commit point;
 * then the renames, another directory fsync, and the intent is removed. After a crash,
 * `settleIntent` finishes a committed unit and discards an uncommitted one, checking hashes so
 * that it can always tell "already renamed" from "never written".
 */
export async function commitFiles(
  dir: string,
  intentName: string,
  files: FileWrite[],
): Promise<void> {
  const intentPath = join(dir, intentName);
  const created: string[] = [];
  const fds: number[] = [];
  const entries: IntentEntry[] = [];
  try {
    for (const file of files) {
      const temp = tempPathFor(join(dir, file.name));
      fds.push(createFile(temp, file.data, file.mode));
      created.push(temp);
      entries.push({ from: basename(temp), to: file.name, sha256: sha256(file.data) });
    }
    fds.push(createFile(intentPath, `${JSON.stringify({ renames: entries })}\n`, 0o600));
    created.push(intentPath);
    await Promise.all(fds.map((fd) => fsyncFd(fd)));
    await fsyncDir(dir);
  } catch (error) {
    for (const path of created) await unlinkIfExists(path).catch(() => {});
    throw error;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  for (const { from, to } of entries) renameSync(join(dir, from), join(dir, to));
  await fsyncDir(dir);
  // Not fsynced on purpose: an intent that reappears after a crash finds its renames done and
  // their hashes matching, and is simply removed then.
  unlinkSync(intentPath);
}

function fileHash(path: string): string | undefined {
  const data = readFileNoFollowSync(path);
  return data === undefined ? undefined : sha256(data);
}

/**
 * Finishes or discards the unit an intent describes. `valid` vets each entry (which names it may
 * touch). Returns what happened, for the caller's log.
 */
export async function settleIntent(
  dir: string,
  intentName: string,
  valid: (entry: IntentEntry) => boolean,
): Promise<'none' | 'rolled-forward' | 'discarded'> {
  const intentPath = join(dir, intentName);
  const raw = readFileNoFollowSync(intentPath);
  if (raw === undefined) return 'none';
  let entries: IntentEntry[] | undefined;
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as { renames?: unknown };
    if (Array.isArray(parsed.renames) && parsed.renames.length > 0) {
      entries = parsed.renames as IntentEntry[];
    }
  } catch {
    entries = undefined;
  }
  const vetted =
    entries?.every(
      (e) =>
        typeof e?.from === 'string' &&
        typeof e.to === 'string' &&
        typeof e.sha256 === 'string' &&
        isTempName(e.from) &&
        e.from.startsWith(`.${e.to}.tmp-`) &&
        valid(e),
    ) ?? false;
  // Each entry is pending (its temp is whole), done (the target has its contents) or broken.
  const states = vetted
    ? (entries as IntentEntry[]).map((e) => {
        if (fileHash(join(dir, e.from)) === e.sha256) return 'pending';
        return fileHash(join(dir, e.to)) === e.sha256 ? 'done' : 'broken';
      })
    : ['broken'];
  const commit = !states.includes('broken');
  for (const [i, e] of (vetted ? (entries as IntentEntry[]) : []).entries()) {
    if (commit && states[i] === 'pending') renameSync(join(dir, e.from), join(dir, e.to));
    else await unlinkIfExists(join(dir, e.from));
  }
  if (commit) await fsyncDir(dir);
  await unlinkIfExists(intentPath);
  await fsyncDir(dir);
  return commit ? 'rolled-forward' : 'discarded';
}

function readFileNoFollowSync(path: string): Buffer | undefined {
  let fd: number;
  try {
    // O_NONBLOCK so a planted FIFO cannot hang the read; the fstat below then refuses it.
    fd = openNoFollow(path, O_RDONLY | O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new StoreIntegrityError(`not a regular file: ${path}`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a regular file without following a symlink; undefined when it does not exist. */
export async function readFileNoFollow(path: string): Promise<Buffer | undefined> {
  return readFileNoFollowSync(path);
}

/** Unlinks a file; false when it was already gone. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}
