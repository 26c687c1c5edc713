// Session records as files under DATA_DIR/sessions (0700; one 0600 file per record, named by the
// digest of its secret), written with the store's atomic writes, so that every process on the
// data dir — the server and `linkbroker whmapi1 create_user_session` — sees the same sessions.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../log.ts';
import {
  chmodNoFollow,
  ensureDir,
  fsyncDir,
  isTempName,
  readFileNoFollow,
  unlinkIfExists,
  writeFileAtomic,
} from '../store/atomic-file.ts';
import { createFileLocks } from '../store/file-lock.ts';
import { createKeyedMutex } from '../store/locks.ts';
import { createStampedCache } from '../store/stamped-cache.ts';
import type { SessionRecord, SessionRecords } from './sessions.ts';

const KEY = /^[0-9a-f]{64}$/;
const SUFFIX = '.json';
const STALE_TEMP_MS = 60_000;

/** A record from its file, frozen (the file cache shares it); undefined when damaged. */
function parseRecord(raw: Buffer): SessionRecord | undefined {
  try {
    const r = JSON.parse(raw.toString('utf8')) as Partial<Record<string, unknown>>;
    const base =
      typeof r.user === 'string' &&
      typeof r.securityToken === 'string' &&
      (r.account === undefined || typeof r.account === 'string');
    if (base && r.kind === 'login' && typeof r.expiresAt === 'number') {
      if (r.app !== undefined && typeof r.app !== 'string') return undefined;
      return Object.freeze(r as SessionRecord);
    }
    if (base && r.kind === 'session' && typeof r.lastSeen === 'number') {
      return Object.freeze(r as SessionRecord);
    }
  } catch {
    // A damaged file is no session: the caller answers "log in again".
  }
  return undefined;
}

export async function createFileSessionRecords(
  dataDir: string,
  logger: Logger = silentLogger,
): Promise<SessionRecords> {
  const dir = join(dataDir, 'sessions');
  const locksDir = join(dataDir, 'locks');
  await ensureDir(dir, 0o700);
  await chmodNoFollow(dir, 0o700);
  await ensureDir(locksDir, 0o700);
  const pathOf = (key: string) => {
    // Keys are digests we computed; anything else would be a bug, never a path to follow.
    if (!KEY.test(key)) throw new Error('invalid session record key');
    return `${dir}/${key}${SUFFIX}`;
  };

  // Every request of a session reads its record: remembered while the file is unchanged, so a
  // record another process rewrote or removed (a logout, `whmapi1`) is still seen at once.
  const files = createStampedCache<SessionRecord>();

  // A record's changes take turns, in this process and with every other process on the data
  // dir: a write-back of activity that read the record before a logout (or a sweep) removed it
  // must not put it back.
  const withMutex = createKeyedMutex();
  const withFileLock = createFileLocks({ dir: locksDir, logger });
  const inTurn = <T>(key: string, fn: () => Promise<T>) =>
    withMutex(key, () => withFileLock(`session-${key}`, fn));

  /** The record as the file holds it now (no cache); undefined when missing or damaged. */
  async function readNow(path: string): Promise<SessionRecord | undefined> {
    const raw = await readFileNoFollow(path);
    return raw === undefined ? undefined : parseRecord(raw);
  }

  async function unlinkRecord(path: string): Promise<boolean> {
    files.forget(path);
    return unlinkIfExists(path);
  }

  async function remove(path: string): Promise<boolean> {
    const removed = await unlinkRecord(path);
    // A used login or an ended session must stay so after a crash.
    if (removed) await fsyncDir(dir);
    return removed;
  }

  /**
   * Whether the sweep should remove the file: a record `isOver` accepts, or a damaged one. A file
   * that cannot be read (EMFILE, EIO, a directory in the way) is no verdict: it is left alone
   * and logged, never taken for a damaged record (a moment without file handles would end every
   * session).
   */
  async function sweepVerdict(
    path: string,
    isOver: (r: SessionRecord) => boolean,
  ): Promise<'keep' | 'remove' | 'remove-in-turn'> {
    let raw: Buffer | undefined;
    try {
      raw = await readFileNoFollow(path);
    } catch (error) {
      logger.warn('sessions: left a record the sweep could not read', {
        path,
        error: error instanceof Error ? error.message : String(error),
      });
      return 'keep';
    }
    if (raw === undefined) return 'keep';
    const record = parseRecord(raw);
    if (record && !isOver(record)) return 'keep';
    // Only a session is ever updated (its activity written back): it is removed in its turn.
    // A login or a damaged record is never rewritten, so it goes at once.
    return record?.kind === 'session' ? 'remove-in-turn' : 'remove';
  }

  return {
    async get(key) {
      return files.read(pathOf(key), parseRecord);
    },
    async put(key, record) {
      const path = pathOf(key);
      files.forget(path);
      await writeFileAtomic(path, `${JSON.stringify(record)}\n`, 0o600);
    },
    async update(key, change) {
      const path = pathOf(key);
      await inTurn(key, async () => {
        const current = await readNow(path);
        const next = current && change(current);
        if (!next) return;
        files.forget(path);
        await writeFileAtomic(path, `${JSON.stringify(next)}\n`, 0o600);
      });
    },
    async delete(key) {
      const path = pathOf(key);
      return inTurn(key, () => remove(path));
    },
    async sweep(isOver) {
      let removed = false;
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        if (isTempName(name)) {
          // Left by a crash mid-write; a young one may be a write in progress elsewhere.
          const stats = await lstat(path).catch(() => undefined);
          if (stats?.isFile() && Date.now() - stats.mtimeMs > STALE_TEMP_MS) {
            await unlinkIfExists(path);
          }
          continue;
        }
        const key = name.slice(0, -SUFFIX.length);
        if (!name.endsWith(SUFFIX) || !KEY.test(key)) continue;
        // A first look without a turn (most records stay), then for a session again in its
        // turn: an update may have kept it alive meanwhile.
        const verdict = await sweepVerdict(path, isOver);
        if (verdict === 'remove') removed = (await unlinkRecord(path)) || removed;
        if (verdict !== 'remove-in-turn') continue;
        const gone = await inTurn(key, async () =>
          (await sweepVerdict(path, isOver)) === 'keep' ? false : unlinkRecord(path),
        );
        removed = gone || removed;
      }
      // Ended sessions must stay ended after a crash (removeacct ends an account's sessions).
      if (removed) await fsyncDir(dir);
    },
  };
}
