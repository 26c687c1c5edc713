// Sessions on both record stores with a fake clock: single-use logins, the 300 s login window,
// the 15-minute idle limit, sweeping, and nothing but digests on disk.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileSessionRecords } from '../src/accounts/session-files.ts';
import {
  createMemorySessionRecords,
  createSessions,
  LOGIN_TTL_MS,
  SESSION_IDLE_MS,
  type SessionRecords,
  TOUCH_INTERVAL_MS,
} from '../src/accounts/sessions.ts';
import { createMemoryLogger } from '../src/log.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const stores: [string, () => Promise<SessionRecords>][] = [
  ['memory', async () => createMemorySessionRecords()],
  [
    'files',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'linkbroker-sessions-'));
      dirs.push(dir);
      return createFileSessionRecords(dir);
    },
  ],
];

describe.each(stores)('sessions on %s records', (_name, makeRecords) => {
  const setup = async () => {
    const clock = { t: 1_000_000 };
    const sessions = createSessions(await makeRecords(), () => clock.t);
    return { clock, sessions };
  };

  it('a login opens a session once, with a fresh id, the same security token and the app', async () => {
    const { sessions } = await setup();
    const login = await sessions.createLogin('alice', 'billing');
    expect(login.securityToken).toMatch(/^\/cpsess\d{10}$/);
    const opened = await sessions.redeemLogin(login.token);
    expect(opened).toMatchObject({
      session: { user: 'alice', securityToken: login.securityToken },
      app: 'billing',
    });
    expect(opened?.sessionId).not.toBe(login.token);
    expect(await sessions.redeemLogin(login.token)).toBeUndefined();
    // A login token is not a session id, nor the other way round.
    expect(await sessions.resume(login.token)).toBeUndefined();
    expect(await sessions.redeemLogin(opened?.sessionId ?? '')).toBeUndefined();
  });

  it('two racing redemptions: exactly one wins', async () => {
    const { sessions } = await setup();
    const login = await sessions.createLogin('alice');
    const results = await Promise.all([1, 2, 3, 4].map(() => sessions.redeemLogin(login.token)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a login expires at exactly 300 s', async () => {
    const { clock, sessions } = await setup();
    const a = await sessions.createLogin('alice');
    const b = await sessions.createLogin('alice');
    expect(a.expiresAt).toBe(clock.t + LOGIN_TTL_MS);
    clock.t += LOGIN_TTL_MS - 1;
    expect(await sessions.redeemLogin(a.token)).toMatchObject({ session: { user: 'alice' } });
    clock.t += 1;
    expect(await sessions.redeemLogin(b.token)).toBeUndefined();
  });

  it('a session ends after 15 idle minutes; activity extends it; logout ends it', async () => {
    const { clock, sessions } = await setup();
    const opened = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    const id = opened?.sessionId ?? '';
    clock.t += SESSION_IDLE_MS - 1;
    expect(await sessions.resume(id)).toMatchObject({ user: 'alice' });
    clock.t += SESSION_IDLE_MS - 1;
    expect(await sessions.resume(id)).toMatchObject({ user: 'alice' });
    clock.t += SESSION_IDLE_MS;
    expect(await sessions.resume(id)).toBeUndefined();

    const other = await sessions.redeemLogin((await sessions.createLogin('bob')).token);
    // Opened for real: the undefined below is the logout's doing, not a failed login's.
    expect(await sessions.resume(other?.sessionId ?? '')).toMatchObject({ user: 'bob' });
    await sessions.end(other?.sessionId ?? '');
    expect(await sessions.resume(other?.sessionId ?? '')).toBeUndefined();
  });

  it('activity within a minute is not written back (one write a minute at most)', async () => {
    const { clock, sessions } = await setup();
    const opened = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    const id = opened?.sessionId ?? '';
    clock.t += TOUCH_INTERVAL_MS - 1;
    await sessions.resume(id); // not written: the idle time still counts from the login
    clock.t += SESSION_IDLE_MS - TOUCH_INTERVAL_MS + 1;
    expect(await sessions.resume(id)).toBeUndefined();
  });

  it('a logout while activity is being written back still ends the session', async () => {
    const records = await makeRecords();
    let gate: Promise<void> | undefined;
    let putWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => {
      putWaiting = resolve;
    });
    // The write-back of activity stalls (a slow disk) until the logout has been asked for.
    const slowPuts: SessionRecords = {
      ...records,
      async update(key, change) {
        if (gate) {
          putWaiting();
          await gate;
        }
        await records.update(key, change);
      },
    };
    const clock = { t: 1_000_000 };
    const sessions = createSessions(slowPuts, () => clock.t);
    const opened = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    const id = opened?.sessionId ?? '';
    clock.t += TOUCH_INTERVAL_MS;
    let release!: () => void;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    const request = sessions.resume(id);
    await waiting;
    const logout = sessions.end(id);
    release();
    gate = undefined;
    await Promise.all([request, logout]);
    expect(await sessions.resume(id)).toBeUndefined();
  });

  it('ends every session and unused login of one user, and only theirs', async () => {
    const { sessions } = await setup();
    const aliceSession = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    const aliceLogin = await sessions.createLogin('alice', 'billing');
    const bobSession = await sessions.redeemLogin((await sessions.createLogin('bob')).token);
    await sessions.endAllOf('alice');
    expect(await sessions.resume(aliceSession?.sessionId ?? '')).toBeUndefined();
    expect(await sessions.redeemLogin(aliceLogin.token)).toBeUndefined();
    expect(await sessions.resume(bobSession?.sessionId ?? '')).toMatchObject({ user: 'bob' });
  });

  it('refuses malformed secrets without looking them up', async () => {
    const { sessions } = await setup();
    for (const bad of ['', 'short', '../../x', 'A'.repeat(44), `${'A'.repeat(42)}=`]) {
      expect(await sessions.redeemLogin(bad)).toBeUndefined();
      expect(await sessions.resume(bad)).toBeUndefined();
    }
  });
});

describe('file records', () => {
  it('keep 0600 files named by digest in a 0700 directory, and sweep what is over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkbroker-sessions-'));
    dirs.push(dir);
    const clock = { t: 5_000_000 };
    const sessions = createSessions(await createFileSessionRecords(dir), () => clock.t);
    const stale = await sessions.createLogin('alice');
    const opened = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    const sessionDir = join(dir, 'sessions');
    expect((await stat(sessionDir)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(sessionDir)) {
      expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
      expect((await stat(join(sessionDir, name))).mode & 0o777).toBe(0o600);
      const text = await readFile(join(sessionDir, name), 'utf8');
      expect(text).not.toContain(stale.token);
      expect(text).not.toContain(opened?.sessionId);
    }
    expect(await readdir(sessionDir)).toHaveLength(2);
    // Long after: the next login sweeps the expired login and the idle session.
    clock.t += SESSION_IDLE_MS + LOGIN_TTL_MS;
    const fresh = await sessions.createLogin('alice');
    expect(await readdir(sessionDir)).toHaveLength(1);
    expect(await sessions.redeemLogin(fresh.token)).toMatchObject({ session: { user: 'alice' } });
  });

  it('two processes: a logout waits for a write-back in progress, which never puts the record back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkbroker-sessions-'));
    dirs.push(dir);
    // Two instances on one data dir take turns through the lock files, as two processes do.
    const server = await createFileSessionRecords(dir);
    const other = await createFileSessionRecords(dir);
    const key = 'c'.repeat(64);
    const record = {
      kind: 'session',
      user: 'alice',
      securityToken: '/cpsess0000000001',
      lastSeen: 1,
    } as const;
    await server.put(key, record);
    let logout: Promise<boolean> | undefined;
    await server.update(key, (current) => {
      // The other process logs out while this one is writing the activity back.
      logout = other.delete(key);
      return { ...current, lastSeen: 2 };
    });
    expect(await logout).toBe(true);
    expect(await other.get(key)).toBeUndefined();
    expect(await readdir(join(dir, 'sessions'))).toEqual([]);
  });

  it('leaves what it cannot read (a directory in the way) and sweeps the rest, without failing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkbroker-sessions-'));
    dirs.push(dir);
    const logger = createMemoryLogger();
    const records = await createFileSessionRecords(dir, logger);
    const sessionDir = join(dir, 'sessions');
    const stray = `${'0'.repeat(64)}.json`;
    const strayTemp = `.${'d'.repeat(64)}.json.tmp-0123456789abcdef`;
    await mkdir(join(sessionDir, stray));
    await mkdir(join(sessionDir, strayTemp));
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(join(sessionDir, strayTemp), twoMinutesAgo, twoMinutesAgo);
    const sessions = createSessions(records);
    const alice = await sessions.redeemLogin((await sessions.createLogin('alice')).token);
    const bob = await sessions.redeemLogin((await sessions.createLogin('bob')).token);
    // removeacct ends the account's sessions by a sweep: the directory must not stop it.
    expect(await sessions.resume(bob?.sessionId ?? '')).toMatchObject({ user: 'bob' });
    await sessions.endAllOf('bob');
    expect(await sessions.resume(bob?.sessionId ?? '')).toBeUndefined();
    expect(await sessions.resume(alice?.sessionId ?? '')).toMatchObject({ user: 'alice' });
    expect(await readdir(sessionDir)).toEqual(expect.arrayContaining([stray, strayTemp]));
    expect(logger.lines.join('\n')).toContain('sessions: left a record the sweep could not read');
  });

  it('sweeps temp files a crash left behind, but not one young enough to be a write in progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkbroker-sessions-'));
    dirs.push(dir);
    const records = await createFileSessionRecords(dir);
    const sessionDir = join(dir, 'sessions');
    const old = `.${'a'.repeat(64)}.json.tmp-0123456789abcdef`;
    const young = `.${'b'.repeat(64)}.json.tmp-fedcba9876543210`;
    await writeFile(join(sessionDir, old), '{"kind":');
    await writeFile(join(sessionDir, young), '{"kind":');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(join(sessionDir, old), twoMinutesAgo, twoMinutesAgo);
    // The first login of a process sweeps.
    await createSessions(records).createLogin('alice');
    const names = await readdir(sessionDir);
    expect(names).not.toContain(old);
    expect(names).toContain(young);
  });
});
