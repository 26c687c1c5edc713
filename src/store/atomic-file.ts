// Durable file primitives for the file store: atomic replace (temp → fsync → rename → fsync dir)
// and reads/directory checks that never follow a symlink.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StoreIntegrityError } from './store.ts';

const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = constants;

/** Temp files are dot-files (store names never start with '.') so listings skip them. */
const TEMP_NAME = /^\..+\.tmp-[0-9a-f]{16}$/;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** lstat that answers undefined for a missing path. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Throws unless `path` is missing or a regular file: a rename must never replace a symlink. */
export async function assertReplaceable(path: string): Promise<void> {
  const stats = await lstatOrUndefined(path);
  if (stats && !stats.isFile()) throw new StoreIntegrityError(`not a regular file: ${path}`);
}

/** Throws unless `path` is missing or a real directory; returns whether it exists. */
export async function checkDir(path: string): Promise<boolean> {
  const stats = await lstatOrUndefined(path);
  if (stats && !stats.isDirectory()) throw new StoreIntegrityError(`not a directory: ${path}`);
  return stats !== undefined;
}

/** Creates `path` with exactly `mode` (chmod, so the umask never matters) unless it exists. */
export async function ensureDir(path: string, mode: number): Promise<void> {
  if (await checkDir(path)) return;
  try {
    await mkdir(path, { mode });
  } catch (error) {
    // Lost a race with another creator: fine as long as it is a real directory.
    if (errorCode(error) === 'EEXIST' && (await checkDir(path))) return;
    throw error;
  }
  await chmodNoFollow(path, mode);
}

/** Sets the mode of a file or directory through a handle opened without following symlinks. */
export async function chmodNoFollow(path: string, mode: number): Promise<void> {
  const handle = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((error) => {
    throw errorCode(error) === 'ELOOP'
      ? new StoreIntegrityError(`symlink refused: ${path}`)
      : error;
  });
  try {
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/** Makes the directory's entries (creations, renames, unlinks) durable. */
export async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, O_RDONLY | O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
  const temp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, mode);
  let written = false;
  try {
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    written = true;
  } finally {
    await handle.close();
    if (!written) await unlink(temp).catch(() => {});
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
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await fsyncDir(dirname(path));
}

/** Reads a regular file without following a symlink; undefined when it does not exist. */
export async function readFileNoFollow(path: string): Promise<Buffer | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK so a planted FIFO cannot hang the read; the fstat below then refuses it.
    handle = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new StoreIntegrityError(`symlink refused: ${path}`);
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile())
      throw new StoreIntegrityError(`not a regular file: ${path}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
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
