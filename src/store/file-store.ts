// The embedded Store: cPanel's own layout (integration/links/USER/APP.userconfig + .adminconfig)
// under the data dir, every write durable, a link's two files replaced as a pair via an intent.
import { lstatSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '../errors.ts';
import { summarizeLink } from '../links/icon-hash.ts';
import { createLogger, type Logger } from '../log.ts';
import { createAccountCache } from './account-cache.ts';
import {
  assertReplaceable,
  checkDir,
  commitFiles,
  ensureDir,
  errorCode,
  fsyncDir,
  isTempName,
  lstatOrUndefined,
  readFileNoFollow,
  repairDirMode,
  settleIntent,
  unlinkIfExists,
  writeFileAtomic,
} from './atomic-file.ts';
import { createFileLocks, type FileLockOptions, removeOldAsides } from './file-lock.ts';
import { createKeyedMutex, createKeyedSharedLock } from './locks.ts';
import { createStampedCache, sameFile } from './stamped-cache.ts';
import {
  type Account,
  type AccountCreation,
  type GroupConfig,
  LINK_PUBLIC_FIELDS,
  type LinkSummary,
  type LinkUserConfig,
  type Store,
  StoreIntegrityError,
  StoreNameError,
} from './store.ts';

export interface FileStoreOptions {
  dataDir: string;
  logger?: Logger;
  /** Bounds of the cross-process locks (file-lock.ts); tests shorten them. */
  locks?: Pick<FileLockOptions, 'waitMs' | 'staleMs'>;
  /** Wall clock of the file caches' settle rule (stamped-cache.ts); tests move it on. */
  now?: () => number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const INTENT = /^\.([A-Za-z0-9_-]{1,64})\.intent$/;
const USERCONFIG = '.userconfig';
const ADMINCONFIG = '.adminconfig';
const GROUP_PREFIX = 'group_';
const MODE = {
  integrationDir: 0o751,
  userDir: 0o750,
  userconfig: 0o644,
  adminconfig: 0o600,
  accountsDir: 0o750,
  account: 0o640,
  intent: 0o600,
  locksDir: 0o700,
} as const;

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new StoreNameError(`invalid ${kind} name ${quote(String(name))}`);
  }
}

/** The file naming a link write's renames while they happen (see commitFiles). */
const intentName = (app: string) => `.${app}.intent`;

/** Cross-process lock names (plain file names: user names hold no dot). */
const ACCOUNTS_LOCK = 'accounts';
const userLockName = (user: string) => `user-${user}`;

interface LinkFilePaths {
  dir: string;
  user: string;
  admin: string;
  intent: string;
}

function checkUser(user: string): void {
  checkName('user', user);
  // A leading '-' would read as an option to any shell tool an operator runs on the dir.
  if (user.startsWith('-')) throw new StoreNameError(`invalid user name ${quote(user)}`);
}

function checkApp(app: string): void {
  checkName('app', app);
  if (app.startsWith(GROUP_PREFIX)) {
    throw new StoreNameError(`app name ${quote(app)} would collide with a group file`);
  }
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** cPanel-style pretty JSON: 2-space indent, keys sorted, trailing newline. */
function prettyJson(value: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => byCodePoint(a, b)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** cPanel writes strings, but a copied server's files may hold numbers: read both as strings. */
function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function pickUserConfig(source: Record<string, unknown>): LinkUserConfig {
  const config: LinkUserConfig = {};
  for (const field of LINK_PUBLIC_FIELDS) {
    const value = asString(source[field]);
    if (value !== undefined) config[field] = value;
  }
  return config;
}

/** Creates the file store; call init() once before anything else. */
export function createFileStore({
  dataDir,
  logger = createLogger(),
  locks,
  now,
}: FileStoreOptions): Store {
  const integrationDir = join(dataDir, 'integration');
  const linksDir = join(integrationDir, 'links');
  const accountsDir = join(dataDir, 'accounts');
  const locksDir = join(dataDir, 'locks');
  const withMutex = createKeyedMutex();
  const accounts = createAccountCache(accountsDir);
  const linkFiles = createStampedCache<LinkUserConfig>(now ? { now } : {});
  // Account files are small (a domain is at most 253 characters): 100,000 of them fit.
  const accountFiles = createStampedCache<Account>({
    maxEntries: 100_000,
    maxBytes: 64 * 1024 * 1024,
    ...(now ? { now } : {}),
  });
  // A summary weighs what its text does, whatever the icon (typically a few hundred bytes): an
  // account of 10,000 links and its neighbours fit, so a menu never thrashes on large icons.
  const linkSummaries = createStampedCache<LinkSummary>({
    maxEntries: 50_000,
    maxBytes: 32 * 1024 * 1024,
    weigh: (summary) => 2 * JSON.stringify(summary).length,
    ...(now ? { now } : {}),
  });
  // In this process, per user: link and group writes share it, removeAccount, createAccount and
  // recovery take it alone.
  const withUserLock = createKeyedSharedLock();
  // Across processes (the server, `whmapi1`): one lock per user, taken inside the in-process
  // locks by every write of the user's files, and one around account creation. A writer holding
  // its user's lock knows that an intent it finds is a crashed write's.
  const withFileLock = createFileLocks({ dir: locksDir, logger, ...locks });
  const withUserFileLock = <T>(user: string, fn: () => Promise<T>) =>
    withFileLock(userLockName(user), fn);
  /** A user's writes: shared or alone in this process, always alone across processes. */
  const writeUser = <T>(user: string, exclusive: boolean, fn: () => Promise<T>) =>
    withUserLock(user, exclusive, () => withUserFileLock(user, fn));

  // Checked names are plain path components: no join() needed (it showed per click).
  const linkPaths = (dir: string, app: string): LinkFilePaths => ({
    dir,
    user: `${dir}/${app}${USERCONFIG}`,
    admin: `${dir}/${app}${ADMINCONFIG}`,
    intent: `${dir}/${intentName(app)}`,
  });
  const groupPath = (dir: string, groupId: string) =>
    join(dir, `${GROUP_PREFIX}${groupId}${USERCONFIG}`);
  const accountPath = (user: string) => join(accountsDir, `${user}.json`);

  /** The user's directory, every component checked not to be a symlink; undefined if missing. */
  function existingUserDir(user: string): string | undefined {
    if (!checkDir(integrationDir) || !checkDir(linksDir)) return undefined;
    return userDirToRead(user);
  }

  /**
   * The user's directory for reading: only the last component is checked (and files are opened
   * without following links). Checking the parents on every read protects nothing — whoever can
   * plant a link there can edit the files — and they are checked by every write and by init().
   */
  function userDirToRead(user: string): string | undefined {
    // A checked user name is one plain path component: no join() needed (it showed per click).
    const dir = `${linksDir}/${user}`;
    return checkDir(dir) ? dir : undefined;
  }

  /** The account, remembered while the accounts directory is unchanged (account-cache.ts). */
  function lookupAccount(user: string): Promise<Account | undefined> {
    return accounts.lookup(user, () => {
      const path = accountPath(user);
      return readJsonObject(path).then((data) => parseAccount(data, user, path));
    });
  }

  async function createUserDir(user: string): Promise<string> {
    await ensureDir(integrationDir, MODE.integrationDir);
    await ensureDir(linksDir, MODE.integrationDir);
    const dir = join(linksDir, user);
    await ensureDir(dir, MODE.userDir);
    return dir;
  }

  /** A JSON object from a file; a corrupt file counts as missing (and is logged), never a crash. */
  async function readJsonObject(path: string): Promise<Record<string, unknown> | undefined> {
    const raw = await readFileNoFollow(path);
    return raw === undefined ? undefined : parseJsonObject(raw, path);
  }

  function parseJsonObject(raw: Buffer, path: string): Record<string, unknown> | undefined {
    try {
      const data: unknown = JSON.parse(raw.toString('utf8'));
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
        return data as Record<string, unknown>;
      }
    } catch {
      // fall through to the warning
    }
    logger.warn('store: ignoring a corrupt file', { path });
    return undefined;
  }

  /**
   * A link's user file, parsed. Remembered while unchanged (a click reads its link every time),
   * so shared between callers, hence frozen.
   */
  function readLinkFile(path: string): LinkUserConfig | undefined {
    return readLinkFileStamped(path)?.value;
  }

  /** A link's user file as a LinkSummary, remembered by its stamp like the whole file. */
  function readLinkSummary(path: string): LinkSummary | undefined {
    return linkSummaries.read(path, (raw) => {
      const data = parseJsonObject(raw, path);
      return data && Object.freeze(summarizeLink(pickUserConfig(data)));
    });
  }

  function readLinkFileStamped(path: string) {
    return linkFiles.readStamped(path, (raw) => {
      const data = parseJsonObject(raw, path);
      return data && Object.freeze(pickUserConfig(data));
    });
  }

  /**
   * The token of an admin file, read from the file every time, never remembered: a partner may
   * push a new token between two attempts of a click (SPEC §5).
   */
  async function readAdminToken(path: string): Promise<string | undefined> {
    const data = await readJsonObject(path);
    if (data === undefined) return undefined;
    if (typeof data.token === 'string') return data.token;
    logger.warn('store: ignoring an admin file without a token', { path });
    return undefined;
  }

  /** A link's paths for reading, names checked; undefined when the user has no directory. */
  async function linkFilesToRead(user: string, app: string) {
    checkUser(user);
    checkApp(app);
    const dir = userDirToRead(user);
    return dir === undefined ? undefined : linkPaths(dir, app);
  }

  /** A link's user file and token, read one right after the other; with the user file's stamp. */
  async function readLinkPair(paths: LinkFilePaths) {
    // The user file is seen (by its lstat) just before the token is read: the link existed
    // then, which is what getLinkToken's check after reading establishes too.
    const read = readLinkFileStamped(paths.user);
    const link = read?.value;
    return link && { pair: { link, token: await readAdminToken(paths.admin) }, stamp: read.stamp };
  }

  /** A write of one link or group (`key`): alone for that key, shared with the user's others. */
  function writeItem<T>(user: string, key: string, fn: () => Promise<T>): Promise<T> {
    return withUserLock(user, false, () => withMutex(key, () => withUserFileLock(user, fn)));
  }

  const writeLink = <T>(user: string, app: string, fn: () => Promise<T>) =>
    writeItem(user, `link/${user}/${app}`, fn);

  /**
   * Finishes or discards an interrupted putLink of this app (see commitFiles). Called holding the
   * user's locks: no write of the link runs anywhere, so an intent is a crashed write's.
   */
  async function settleLinkIntent(dir: string, app: string): Promise<void> {
    const targets = [`${app}${ADMINCONFIG}`, `${app}${USERCONFIG}`];
    const outcome = await settleIntent(dir, intentName(app), targets);
    if (outcome !== 'none')
      logger.info('store: settled an interrupted link write', { app, outcome });
  }

  /** After a crash: finish committed link writes, drop uncommitted temps and orphan admin files. */
  async function recoverUserDir(dir: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const app = INTENT.exec(name)?.[1];
      if (app !== undefined) await settleLinkIntent(dir, app);
    }
    const names = await readdir(dir);
    const present = new Set(names);
    let changed = false;
    for (const name of names) {
      const orphanAdmin = isOrphanAdmin(name, present);
      if (!isTempName(name) && !orphanAdmin) continue;
      try {
        changed = (await unlinkIfExists(join(dir, name))) || changed;
        if (orphanAdmin)
          logger.info('store: removed an admin file without its user file', { name });
      } catch (error) {
        logger.warn('store: could not remove a leftover file', { name, code: errorCode(error) });
      }
    }
    if (changed) await fsyncDir(dir);
  }

  /** An admin file whose user file is gone: a removal interrupted between its two unlinks. */
  function isOrphanAdmin(name: string, present: Set<string>): boolean {
    return (
      name.endsWith(ADMINCONFIG) &&
      !name.startsWith('.') &&
      !present.has(`${name.slice(0, -ADMINCONFIG.length)}${USERCONFIG}`)
    );
  }

  /** Whether recoverUserDir would find anything to do (a first look, taken without locks). */
  function needsRecovery(names: string[]): boolean {
    const present = new Set(names);
    return names.some((n) => INTENT.test(n) || isTempName(n) || isOrphanAdmin(n, present));
  }

  async function removeAccountTemps(): Promise<void> {
    let changed = false;
    for (const name of await readdir(accountsDir)) {
      if (isTempName(name)) changed = (await unlinkIfExists(join(accountsDir, name))) || changed;
    }
    if (changed) await fsyncDir(accountsDir);
  }

  /** Removes a user's links dir: pending intents, then every user file, then the rest. */
  async function removeUserDir(dir: string): Promise<void> {
    const names = await readdir(dir);
    // Intents first, so nothing removed below can be rolled forward again after a crash.
    for (const name of names.filter((n) => INTENT.test(n))) await unlinkIfExists(join(dir, name));
    for (const name of names.filter((n) => n.endsWith(USERCONFIG) && !n.startsWith('.'))) {
      await unlinkIfExists(join(dir, name));
    }
    await fsyncDir(dir);
    await rm(dir, { recursive: true, force: true });
    await fsyncDir(linksDir);
  }

  async function listNames(user: string, accept: (name: string) => string | undefined) {
    const dir = userDirToRead(user);
    if (!dir) return [];
    // Names only, like cPanel: an entry that is no regular file is refused when it is read.
    const names: string[] = [];
    for (const entry of await readdir(dir)) {
      const name = accept(entry);
      if (name !== undefined && NAME.test(name)) names.push(name);
    }
    // NAME admits ASCII only, where the default sort is code-point order (without a callback).
    return names.sort();
  }

  /** Why an account of this name and domain cannot be created now, if it cannot. */
  async function creationRefusal(user: string, domain: string) {
    if (await lstatOrUndefined(accountPath(user))) return 'name-taken' as const;
    if ((await listAccounts()).some((a) => a.domain === domain)) return 'domain-taken' as const;
    return undefined;
  }

  /**
   * Whether a write of the link could find any of it: its files, or an interrupted write of it to
   * settle. When none is there, an update or removal is answered without taking the lock.
   */
  function linkMayExist(user: string, app: string): boolean {
    const dir = existingUserDir(user);
    if (!dir) return false;
    const paths = linkPaths(dir, app);
    // The admin file too: an interrupted removal leaves it, and a removal must take it.
    return [paths.user, paths.intent, paths.admin].some(
      (path) => lstatSync(path, { throwIfNoEntry: false }) !== undefined,
    );
  }

  async function listAccounts(): Promise<Account[]> {
    if (!checkDir(accountsDir)) return [];
    const accounts: Account[] = [];
    for (const entry of await readdir(accountsDir, { withFileTypes: true })) {
      const user = entry.name.endsWith('.json') ? entry.name.slice(0, -5) : '';
      if (!entry.isFile() || !NAME.test(user) || user.startsWith('-')) continue;
      const path = accountPath(user);
      // Each file remembered while unchanged: a listing (every createacct checks the domains)
      // costs one lstat per account, not a read and a parse (20,000 accounts: about a second).
      const account = accountFiles.read(path, (raw) => {
        const parsed = parseAccount(parseJsonObject(raw, path), user, path);
        return parsed && Object.freeze(parsed);
      });
      if (account) accounts.push(account);
    }
    return accounts.sort((a, b) => byCodePoint(a.user, b.user));
  }

  function parseAccount(data: Record<string, unknown> | undefined, user: string, path: string) {
    if (data === undefined) return undefined;
    const { domain, created, id } = data;
    if (data.user === user && typeof domain === 'string' && typeof created === 'number') {
      return typeof id === 'string'
        ? ({ user, domain, created, id } satisfies Account)
        : ({ user, domain, created } satisfies Account);
    }
    logger.warn('store: ignoring an invalid account file', { path });
    return undefined;
  }

  return {
    async init({ recover = true } = {}) {
      await mkdir(dataDir, { recursive: true, mode: 0o750 });
      // The store's own directories get their exact modes back, should a crash have come
      // between a mkdir and its chmod (a user's directory is left as its operator may set it).
      for (const [dir, mode] of [
        [locksDir, MODE.locksDir],
        [accountsDir, MODE.accountsDir],
        [integrationDir, MODE.integrationDir],
        [linksDir, MODE.integrationDir],
      ] as const) {
        await ensureDir(dir, mode);
        await repairDirMode(dir, mode);
      }
      if (!recover) return;
      await removeOldAsides(locksDir, locks?.staleMs);
      await withMutex(ACCOUNTS_LOCK, () => withFileLock(ACCOUNTS_LOCK, removeAccountTemps));
      for (const entry of await readdir(linksDir, { withFileTypes: true })) {
        const user = entry.name;
        if (!NAME.test(user) || user.startsWith('-') || !entry.isDirectory()) {
          logger.warn('store: ignoring an unexpected entry in the links dir', { name: user });
          continue;
        }
        const dir = join(linksDir, user);
        try {
          // The locks only for a dir with leftovers: most have none, and a start stays quick.
          if (needsRecovery(await readdir(dir)))
            await writeUser(user, true, () => recoverUserDir(dir));
        } catch (error) {
          if (!(error instanceof StoreIntegrityError)) throw error;
          logger.warn('store: could not recover a user dir', { user, error: error.message });
        }
      }
    },

    async getAccount(user) {
      checkUser(user);
      return lookupAccount(user);
    },

    async hasAccountFile(user) {
      checkUser(user);
      // A file or a symlink (removable, and it keeps the name taken), never a directory.
      const stats = await lstatOrUndefined(accountPath(user));
      return stats !== undefined && !stats.isDirectory();
    },

    listAccounts,

    async createAccount(account): Promise<AccountCreation> {
      checkUser(account.user);
      const { user, domain, created, id } = account;
      // A refusal is answered before any lock (a lock file would change locks/); the checks are
      // made again under the locks, which decide.
      const refusal = await creationRefusal(user, domain);
      if (refusal) return refusal;
      // The checks and the write run alone across processes: the `accounts` lock is taken by
      // every account creation (in this process, the mutex takes turns before it).
      return writeUser(user, true, () =>
        withMutex(ACCOUNTS_LOCK, () =>
          withFileLock(ACCOUNTS_LOCK, async () => {
            await ensureDir(accountsDir, MODE.accountsDir);
            const taken = await creationRefusal(user, domain);
            if (taken) return taken;
            const path = accountPath(user);
            const stored =
              id === undefined ? { user, domain, created } : { user, domain, created, id };
            await writeFileAtomic(path, prettyJson(stored), MODE.account);
            accounts.forget();
            return 'created';
          }),
        ),
      );
    },

    async removeAccount(user) {
      checkUser(user);
      // Links first, the account last: a crash in between leaves an account to remove again, never
      // links without an account (a later account of the name would inherit them). The user's
      // lock keeps every write of the user out of the window in between.
      return writeUser(user, true, async () => {
        const dir = existingUserDir(user);
        if (dir) await removeUserDir(dir);
        if (!checkDir(accountsDir)) return false;
        const existed = await unlinkIfExists(accountPath(user));
        accounts.forget();
        if (existed) await fsyncDir(accountsDir);
        return existed;
      });
    },

    async putLink(user, app, config, token) {
      checkUser(user);
      checkApp(app);
      const userJson = prettyJson(pickUserConfig(config));
      const adminJson = prettyJson({ token });
      return writeLink(user, app, async () => {
        if (!(await lookupAccount(user))) return false;
        const dir = await createUserDir(user);
        const paths = linkPaths(dir, app);
        assertReplaceable(paths.user);
        assertReplaceable(paths.admin);
        await settleLinkIntent(dir, app);
        // Admin file first: a user file is never installed without its token.
        await commitFiles(dir, intentName(app), [
          { name: `${app}${ADMINCONFIG}`, data: adminJson, mode: MODE.adminconfig },
          { name: `${app}${USERCONFIG}`, data: userJson, mode: MODE.userconfig },
        ]);
        return true;
      });
    },

    async getLink(user, app) {
      const paths = await linkFilesToRead(user, app);
      return paths && readLinkFile(paths.user);
    },

    async getLinkSummary(user, app) {
      const paths = await linkFilesToRead(user, app);
      return paths && readLinkSummary(paths.user);
    },

    async getLinkToken(user, app) {
      const paths = await linkFilesToRead(user, app);
      if (!paths) return undefined;
      const token = await readAdminToken(paths.admin);
      if (token === undefined) return undefined;
      // Checked after reading: deletes remove the user file first, so the link existed when read.
      return (await lstatOrUndefined(paths.user)) ? token : undefined;
    },

    async getLinkForLaunch(user, app) {
      const paths = await linkFilesToRead(user, app);
      if (!paths) return undefined;
      const read = await readLinkPair(paths);
      if (!read) return undefined;
      // A link write renames the admin file, then the user file, with the link's intent in
      // place from before the first rename to after the second. So if there is no intent now,
      // and then the user file is still the one read, both reads saw one version: a write that
      // renamed a token in between would have replaced the user file by now, or still have its
      // intent (checked in this order; another process may be preempted anywhere). A token is
      // never paired with another version's partner URL.
      if (!(await lstatOrUndefined(paths.intent))) {
        const now = await lstatOrUndefined(paths.user);
        if (now && sameFile(read.stamp, now)) return read.pair;
      }
      // The rare case: read again holding the link's locks, after the write in progress (here or
      // in another process), settling the intent of a crashed one. A write that holds the lock
      // past its bound fails the read (BusyError): a click then sends no token.
      return writeLink(user, app, async () => {
        await settleLinkIntent(paths.dir, app);
        return (await readLinkPair(paths))?.pair;
      });
    },

    async updateLinkToken(user, app, token) {
      checkUser(user);
      checkApp(app);
      if (!linkMayExist(user, app)) return false;
      return writeLink(user, app, async () => {
        const dir = existingUserDir(user);
        if (!dir) return false;
        const paths = linkPaths(dir, app);
        await settleLinkIntent(dir, app);
        const stats = await lstatOrUndefined(paths.user);
        if (!stats) return false;
        if (!stats.isFile()) throw new StoreIntegrityError(`not a regular file: ${paths.user}`);
        await writeFileAtomic(paths.admin, prettyJson({ token }), MODE.adminconfig);
        return true;
      });
    },

    async removeLink(user, app) {
      checkUser(user);
      checkApp(app);
      if (!linkMayExist(user, app)) return false;
      return writeLink(user, app, async () => {
        const dir = existingUserDir(user);
        if (!dir) return false;
        const paths = linkPaths(dir, app);
        assertReplaceable(paths.user);
        assertReplaceable(paths.admin);
        await settleLinkIntent(dir, app);
        const existed = await unlinkIfExists(paths.user);
        // The user file must be gone durably before the admin file: never a token-less link.
        if (existed) await fsyncDir(dir);
        if (await unlinkIfExists(paths.admin)) await fsyncDir(dir);
        return existed;
      });
    },

    async listLinks(user) {
      checkUser(user);
      return listNames(user, (name) =>
        name.endsWith(USERCONFIG) && !name.startsWith('.') && !name.startsWith(GROUP_PREFIX)
          ? name.slice(0, -USERCONFIG.length)
          : undefined,
      );
    },

    async putGroup(user, groupId, group) {
      checkUser(user);
      checkName('group', groupId);
      const json = prettyJson({ label: group.label, order: group.order });
      return writeItem(user, `group/${user}/${groupId}`, async () => {
        if (!(await lookupAccount(user))) return false;
        const dir = await createUserDir(user);
        await writeFileAtomic(groupPath(dir, groupId), json, MODE.userconfig);
        return true;
      });
    },

    async getGroup(user, groupId) {
      checkUser(user);
      checkName('group', groupId);
      const dir = userDirToRead(user);
      if (!dir) return undefined;
      const path = groupPath(dir, groupId);
      const data = await readJsonObject(path);
      if (data === undefined) return undefined;
      const label = asString(data.label);
      if (label === undefined) {
        logger.warn('store: ignoring a group file without a label', { path });
        return undefined;
      }
      return { label, order: asString(data.order) ?? '' } satisfies GroupConfig;
    },

    async removeGroup(user, groupId) {
      checkUser(user);
      checkName('group', groupId);
      // Nothing to remove: answered without the lock (a lock file would change locks/).
      const userDir = existingUserDir(user);
      if (!userDir || !lstatSync(groupPath(userDir, groupId), { throwIfNoEntry: false })) {
        return false;
      }
      return writeItem(user, `group/${user}/${groupId}`, async () => {
        const dir = existingUserDir(user);
        if (!dir) return false;
        const path = groupPath(dir, groupId);
        assertReplaceable(path);
        const existed = await unlinkIfExists(path);
        if (existed) await fsyncDir(dir);
        return existed;
      });
    },

    async listGroups(user) {
      checkUser(user);
      return listNames(user, (name) =>
        name.startsWith(GROUP_PREFIX) && name.endsWith(USERCONFIG)
          ? name.slice(GROUP_PREFIX.length, -USERCONFIG.length)
          : undefined,
      );
    },
  };
}
