// Small files read often (a link's user file, a session record) remembered with the stamp of
// the file they came from, so an unchanged file costs one lstat instead of open/fstat/read/close
// and a parse. Every read still starts with that lstat, so a file another process replaced or
// removed (the `linkbroker whmapi1` CLI, a logout elsewhere) is seen at once.
import { lstatSync, type Stats } from 'node:fs';
import { readFileWithStatsNoFollow } from './atomic-file.ts';
import { StoreIntegrityError } from './store.ts';

/**
 * Files changed more recently than this are read but not remembered. File times come from a
 * coarse clock: a replacement made within the same tick, with an inode number reused and the
 * same size, could carry the very same stamp. Once a file's change time is this far in the past,
 * any later change (a rename always brings a new change time) stamps it differently — git's
 * "racy" index rule.
 */
export const SETTLE_MS = 2_000;

/** What identifies one version of a file: a rename into place brings another. */
export type FileStamp = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;

interface Entry<T> extends FileStamp {
  value: T;
  /** What it counts against maxBytes. */
  weight: number;
}

export interface StampedCacheOptions<T> {
  maxEntries?: number;
  /** Bound on the sum of the remembered entries' weights (link files may hold an icon). */
  maxBytes?: number;
  /** An entry's weight: by default the size of its file; a value kept smaller says so. */
  weigh?: (value: T, stamp: FileStamp) => number;
  /** Wall clock in milliseconds (file times are wall-clock times). */
  now?: () => number;
}

export interface StampedCache<T> {
  /**
   * The parsed contents of the regular file at `path`, or undefined when it does not exist or
   * `parse` refuses it (refusals are not remembered). Never follows a symlink at `path`; the
   * caller checks the directories above it.
   */
  read(path: string, parse: (raw: Buffer) => T | undefined): T | undefined;
  /** read(), with the stamp of the file the value came from (undefined: no such file). */
  readStamped(
    path: string,
    parse: (raw: Buffer) => T | undefined,
  ): { value: T | undefined; stamp: FileStamp } | undefined;
  /** Drops what is remembered for `path` (this process is changing the file). */
  forget(path: string): void;
}

export const sameFile = (entry: FileStamp, stats: FileStamp) =>
  entry.ino === stats.ino &&
  entry.ctimeMs === stats.ctimeMs &&
  entry.mtimeMs === stats.mtimeMs &&
  entry.size === stats.size &&
  entry.dev === stats.dev;

export function createStampedCache<T>(options: StampedCacheOptions<T> = {}): StampedCache<T> {
  const {
    maxEntries = 10_000,
    maxBytes = 16 * 1024 * 1024,
    now = Date.now,
    weigh = (_value: T, stamp: FileStamp) => stamp.size,
  } = options;
  const entries = new Map<string, Entry<T>>();
  let bytes = 0;

  function forget(path: string): void {
    const entry = entries.get(path);
    if (!entry) return;
    bytes -= entry.weight;
    entries.delete(path);
  }

  function readStamped(path: string, parse: (raw: Buffer) => T | undefined) {
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (!stats) {
      forget(path);
      return undefined;
    }
    if (!stats.isFile()) throw new StoreIntegrityError(`not a regular file: ${path}`);
    const entry = entries.get(path);
    if (entry && sameFile(entry, stats)) return { value: entry.value, stamp: entry };
    forget(path);

    // The stamp kept is the one of the file actually read (fstat of the open descriptor).
    const read = readFileWithStatsNoFollow(path);
    if (!read) return undefined;
    const value = parse(read.data);
    const { stats: stamp } = read;
    const weight = value === undefined ? 0 : weigh(value, stamp);
    if (value !== undefined && now() - stamp.ctimeMs >= SETTLE_MS && weight <= maxBytes) {
      if (entries.size >= maxEntries || bytes + weight > maxBytes) {
        entries.clear();
        bytes = 0;
      }
      const { dev, ino, size, mtimeMs, ctimeMs } = stamp;
      entries.set(path, { dev, ino, size, mtimeMs, ctimeMs, value, weight });
      bytes += weight;
    }
    return { value, stamp };
  }

  return {
    read: (path, parse) => readStamped(path, parse)?.value,
    readStamped,
    forget,
  };
}
