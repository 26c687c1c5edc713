// Session records as files under DATA_DIR/sessions (0700; one 0600 file per record, named by the
// digest of its secret), written with the store's atomic writes, so that every process on the
// data dir — the server and `linkbroker whmapi1 create_user_session` — sees the same sessions.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  chmodNoFollow,
  ensureDir,
  fsyncDir,
  isTempName,
  readFileNoFollow,
  unlinkIfExists,
  writeFileAtomic,
} from '../store/atomic-file.ts';
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

export async function createFileSessionRecords(dataDir: string): Promise<SessionRecords> {
  const dir = join(dataDir, 'sessions');
  await ensureDir(dir, 0o700);
  await chmodNoFollow(dir, 0o700);
  const pathOf = (key: string) => {
    // Keys are digests we computed; anything else would be a bug, never a path to follow.
    if (!KEY.test(key)) throw new Error('invalid session record key');
    return `${dir}/${key}${SUFFIX}`;
  };

  // Every request of a session reads its record: remembered while the file is unchanged, so a
  // record another process rewrote or removed (a logout, `whmapi1`) is still seen at once.
  const files = createStampedCache<SessionRecord>();

  return {
    async get(key) {
      return files.read(pathOf(key), parseRecord);
    },
    async put(key, record) {
      const path = pathOf(key);
      files.forget(path);
      await writeFileAtomic(path, `${JSON.stringify(record)}\n`, 0o600);
    },
    async delete(key) {
      const path = pathOf(key);
      files.forget(path);
      const removed = await unlinkIfExists(path);
      // A used login must stay used after a crash.
      if (removed) await fsyncDir(dir);
      return removed;
    },
    async sweep(isOver) {
      let removed = false;
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        if (isTempName(name)) {
          // Left by a crash mid-write; a young one may be a write in progress elsewhere.
          const stats = await lstat(path).catch(() => undefined);
          if (stats && Date.now() - stats.mtimeMs > STALE_TEMP_MS) await unlinkIfExists(path);
          continue;
        }
        const key = name.slice(0, -SUFFIX.length);
        if (!name.endsWith(SUFFIX) || !KEY.test(key)) continue;
        const raw = await readFileNoFollow(path).catch(() => undefined);
        const record = raw === undefined ? undefined : parseRecord(raw);
        if (!record || isOver(record)) {
          files.forget(path);
          removed = (await unlinkIfExists(path)) || removed;
        }
      }
      // Ended sessions must stay ended after a crash (removeacct ends an account's sessions).
      if (removed) await fsyncDir(dir);
    },
  };
}
