// Control-panel sessions (SPEC §3.3): single-use login tokens from create_user_session and the
// sessions they open, ended after 15 idle minutes. Secrets are kept only as SHA-256 digests.
import { hash, randomBytes, randomInt } from 'node:crypto';

/** How long a login URL from create_user_session may be opened. */
export const LOGIN_TTL_MS = 300_000;
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 15 * 60_000;
/**
 * A session's last-seen time is written back at most this often, so a busy page costs one write
 * a minute rather than one per request; the idle limit is measured from the written time, so a
 * session may end up to this much before 15 minutes after its very last request, never after.
 */
export const TOUCH_INTERVAL_MS = 60_000;
/** Expired records are swept at most this often (on a login), so the store never grows unbounded. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

export interface Session {
  user: string;
  /** cPanel's `cp_security_token` (`/cpsessNNNNNNNNNN`): the CSRF token of this session. */
  securityToken: string;
  /**
   * The id of the account the login was made for (Account.id): a later account of the same
   * name is another account, which this session must not open. Absent for accounts without one.
   */
  account?: string;
}

export interface PendingLogin {
  /** The secret of the login URL (`/login/?session=TOKEN`); returned once, stored as a digest. */
  token: string;
  securityToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface OpenedSession {
  /** The new session's secret (the cookie value); stored as a digest. */
  sessionId: string;
  session: Session;
  /** The app to launch straight away, when the login named one. */
  app?: string;
}

export interface Sessions {
  /** `account` is the account's id (Account.id), when it has one. */
  createLogin(user: string, app?: string, account?: string): Promise<PendingLogin>;
  /** Uses up the login token and opens a session; undefined when unknown, used or expired. */
  redeemLogin(token: string): Promise<OpenedSession | undefined>;
  /** The live session behind a cookie value, counting this as activity; undefined otherwise. */
  resume(sessionId: string): Promise<Session | undefined>;
  end(sessionId: string): Promise<void>;
  /**
   * Ends every session and unused login URL of the user, for the removal of their account: a
   * later account given the same name must not inherit them.
   */
  endAllOf(user: string): Promise<void>;
}

/** What is stored under the digest of a secret. Times in milliseconds since the epoch. */
export type SessionRecord =
  | {
      kind: 'login';
      user: string;
      securityToken: string;
      expiresAt: number;
      app?: string;
      account?: string;
    }
  | { kind: 'session'; user: string; securityToken: string; lastSeen: number; account?: string };

/** The session a record describes, with the account it belongs to when there is one. */
const sessionOf = (record: SessionRecord): Session => ({
  user: record.user,
  securityToken: record.securityToken,
  ...(record.account === undefined ? {} : { account: record.account }),
});

/** Where records live, keyed by the hex SHA-256 of their secret (file or memory). */
export interface SessionRecords {
  get(key: string): Promise<SessionRecord | undefined>;
  /** Stores a new record (a fresh key). */
  put(key: string, record: SessionRecord): Promise<void>;
  /**
   * Replaces the record with what `change` makes of the one stored now; nothing when it is gone
   * or `change` returns undefined. Updates and deletions of one record take turns, across
   * processes too: an update never puts back a record deleted meanwhile.
   */
  update(key: string, change: (current: SessionRecord) => SessionRecord | undefined): Promise<void>;
  /** Removes the record; true only for the one caller that removed it (single use). */
  delete(key: string): Promise<boolean>;
  /** Removes every record `isOver` accepts (and damaged ones), each checked again in its turn. */
  sweep(isOver: (record: SessionRecord) => boolean): Promise<void>;
}

/** 32 random bytes, base64url: the format of login tokens and session ids. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const newSecret = () => randomBytes(32).toString('base64url');
// Every page request digests its session id: the one-shot crypto.hash is about twice as fast
// as a Hash object.
export const digestSecret = (secret: string) => hash('sha256', secret, 'hex');

/** `/cpsess` and ten digits, the shape cPanel's clients expect. */
const newSecurityToken = () =>
  `/cpsess${String(randomInt(0, 1e9)).padStart(9, '0')}${randomInt(0, 10)}`;

export function createSessions(records: SessionRecords, now: () => number = Date.now): Sessions {
  let lastSweep = Number.NEGATIVE_INFINITY;
  const isOver = (record: SessionRecord, at: number) =>
    record.kind === 'login' ? at >= record.expiresAt : at - record.lastSeen >= SESSION_IDLE_MS;

  /** Writes back a session's activity, unless it ended meanwhile (records.update takes turns). */
  function touch(key: string, at: number): Promise<void> {
    return records.update(key, (current) =>
      current.kind === 'session' && current.lastSeen < at
        ? { ...current, lastSeen: at }
        : undefined,
    );
  }

  async function sweepNowAndThen(at: number) {
    if (at - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = at;
    await records.sweep((record) => isOver(record, at));
  }

  return {
    async createLogin(user, app, account) {
      const at = now();
      await sweepNowAndThen(at);
      const token = newSecret();
      const securityToken = newSecurityToken();
      const expiresAt = at + LOGIN_TTL_MS;
      await records.put(digestSecret(token), {
        kind: 'login',
        user,
        securityToken,
        expiresAt,
        ...(app === undefined ? {} : { app }),
        ...(account === undefined ? {} : { account }),
      });
      return { token, securityToken, expiresAt };
    },

    async redeemLogin(token) {
      if (!SECRET.test(token)) return undefined;
      const key = digestSecret(token);
      const record = await records.get(key);
      if (record?.kind !== 'login') return undefined;
      // Whoever deletes the record is the one use; a racing second request finds nothing.
      if (!(await records.delete(key))) return undefined;
      const at = now();
      if (isOver(record, at)) return undefined;
      // A fresh id: whoever saw the login URL does not learn the session cookie.
      const sessionId = newSecret();
      const session = sessionOf(record);
      await records.put(digestSecret(sessionId), { kind: 'session', ...session, lastSeen: at });
      return { sessionId, session, ...(record.app === undefined ? {} : { app: record.app }) };
    },

    async resume(sessionId) {
      if (!SECRET.test(sessionId)) return undefined;
      const key = digestSecret(sessionId);
      const record = await records.get(key);
      if (record?.kind !== 'session') return undefined;
      const at = now();
      if (isOver(record, at)) {
        await records.delete(key);
        return undefined;
      }
      if (at - record.lastSeen >= TOUCH_INTERVAL_MS) await touch(key, at);
      return sessionOf(record);
    },

    async end(sessionId) {
      if (!SECRET.test(sessionId)) return;
      const key = digestSecret(sessionId);
      await records.delete(key);
    },

    async endAllOf(user) {
      await records.sweep((record) => record.user === user);
    },
  };
}

/** Records in this process's memory: for tests, and for a server that keeps no sessions on disk. */
export function createMemorySessionRecords(): SessionRecords {
  const map = new Map<string, SessionRecord>();
  return {
    async get(key) {
      return map.get(key);
    },
    async put(key, record) {
      map.set(key, record);
    },
    async update(key, change) {
      const current = map.get(key);
      const next = current && change(current);
      if (next) map.set(key, next);
    },
    async delete(key) {
      return map.delete(key);
    },
    async sweep(isOver) {
      for (const [key, record] of map) if (isOver(record)) map.delete(key);
    },
  };
}
