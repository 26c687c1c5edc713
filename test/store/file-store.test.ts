// The file store against real temp dirs: cPanel layout, modes, replace semantics, name
// validation, symlink refusal, concurrency and start-up recovery.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusyError } from '../../src/errors.ts';
import { createMemoryLogger, silentLogger } from '../../src/log.ts';
import { createFileLocks } from '../../src/store/file-lock.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { type Store, StoreIntegrityError, StoreNameError } from '../../src/store/store.ts';
import { listTree, makeStoreTempDir, modeOf, removeStoreTempDirs } from '../helpers/store-fs.ts';

let dataDir: string;
let store: Store;
const linkDir = (user: string) => join(dataDir, 'integration', 'links', user);
const read = (path: string) => readFile(path, 'utf8');

beforeEach(async () => {
  dataDir = await makeStoreTempDir();
  store = createFileStore({ dataDir, logger: silentLogger });
  await store.init();
  // Links and groups are kept only for an existing account.
  await store.createAccount({ user: 'bob', domain: 'bob.example', created: 1 });
});
afterEach(removeStoreTempDirs);

describe.each([
  ['the default umask', undefined],
  ['umask 000', 0o000],
  ['umask 077', 0o077],
])('layout and modes with %s', (_label, umask) => {
  let saved: number | undefined;
  beforeEach(() => {
    if (umask !== undefined) saved = process.umask(umask);
  });
  afterEach(() => {
    if (saved !== undefined) process.umask(saved);
    saved = undefined;
  });

  it('writes cPanel file names, pretty sorted JSON and exact modes', async () => {
    const fresh = join(await makeStoreTempDir(), 'data');
    const s = createFileStore({ dataDir: fresh, logger: silentLogger });
    await s.init();
    await s.createAccount({ user: 'bob', domain: 'bob.example', created: 1700000000 });
    await s.putLink(
      'bob',
      'wp_toolkit',
      { url: 'https://p.example/', label: 'WP', order: '2' },
      'T1',
    );
    await s.putGroup('bob', 'tools', { label: 'Tools', order: '5' });

    const dir = join(fresh, 'integration', 'links', 'bob');
    expect(await read(join(dir, 'wp_toolkit.userconfig'))).toBe(
      '{\n  "label": "WP",\n  "order": "2",\n  "url": "https://p.example/"\n}\n',
    );
    expect(await read(join(dir, 'wp_toolkit.adminconfig'))).toBe('{\n  "token": "T1"\n}\n');
    expect(await read(join(dir, 'group_tools.userconfig'))).toBe(
      '{\n  "label": "Tools",\n  "order": "5"\n}\n',
    );
    expect(JSON.parse(await read(join(fresh, 'accounts', 'bob.json')))).toEqual({
      user: 'bob',
      domain: 'bob.example',
      created: 1700000000,
    });

    expect(await modeOf(join(fresh, 'integration'))).toBe(0o751);
    expect(await modeOf(join(fresh, 'integration', 'links'))).toBe(0o751);
    expect(await modeOf(dir)).toBe(0o750);
    expect(await modeOf(join(dir, 'wp_toolkit.userconfig'))).toBe(0o644);
    expect(await modeOf(join(dir, 'wp_toolkit.adminconfig'))).toBe(0o600);
    expect(await modeOf(join(dir, 'group_tools.userconfig'))).toBe(0o644);
    expect(await modeOf(join(fresh, 'accounts'))).toBe(0o750);
    expect(await modeOf(join(fresh, 'accounts', 'bob.json'))).toBe(0o640);
    // Nothing but the files themselves: no temp or intent file is left behind.
    expect(await readdir(dir)).toEqual([
      'group_tools.userconfig',
      'wp_toolkit.adminconfig',
      'wp_toolkit.userconfig',
    ]);

    // Replacing and token updates keep the modes too.
    await s.putLink('bob', 'wp_toolkit', { label: 'WP2' }, 'T2');
    expect(await s.updateLinkToken('bob', 'wp_toolkit', 'T3')).toBe(true);
    expect(await modeOf(join(dir, 'wp_toolkit.userconfig'))).toBe(0o644);
    expect(await modeOf(join(dir, 'wp_toolkit.adminconfig'))).toBe(0o600);
  });
});

describe('links', () => {
  it('reads back what was put and replaces a link whole', async () => {
    await store.putLink(
      'bob',
      'app1',
      { label: 'Old', url: 'https://old/', hide: '1', group_id: 'g', order: '3' },
      'old-token',
    );
    expect(await store.getLink('bob', 'app1')).toEqual({
      label: 'Old',
      url: 'https://old/',
      hide: '1',
      group_id: 'g',
      order: '3',
    });
    expect(await store.getLinkToken('bob', 'app1')).toBe('old-token');

    await store.putLink('bob', 'app1', { label: 'New', url: 'https://new/' }, 'new-token');
    expect(await store.getLink('bob', 'app1')).toEqual({ label: 'New', url: 'https://new/' });
    expect(await store.getLinkToken('bob', 'app1')).toBe('new-token');
    expect(await read(join(linkDir('bob'), 'app1.userconfig'))).not.toContain('Old');
  });

  it('writes only the public fields, never other keys', async () => {
    const config = { label: 'L', token: 'leak', extra: 'x' } as unknown as Record<string, string>;
    await store.putLink('bob', 'app1', config, 'secret');
    expect(JSON.parse(await read(join(linkDir('bob'), 'app1.userconfig')))).toEqual({ label: 'L' });
  });

  it('updateLinkToken replaces only the token, and refuses a missing link', async () => {
    expect(await store.updateLinkToken('bob', 'app1', 'x')).toBe(false);
    expect(await listTree(dataDir)).toEqual([
      'accounts/ 750',
      'accounts/bob.json 640 63',
      'integration/ 751',
      'integration/links/ 751',
      'locks/ 700',
    ]);

    await store.putLink('bob', 'other', { label: 'O' }, 't');
    const before = await listTree(dataDir);
    expect(await store.updateLinkToken('bob', 'app1', 'x')).toBe(false);
    expect(await listTree(dataDir)).toEqual(before);

    await store.putLink('bob', 'app1', { label: 'L' }, 'one');
    const userFile = await read(join(linkDir('bob'), 'app1.userconfig'));
    expect(await store.updateLinkToken('bob', 'app1', 'two')).toBe(true);
    expect(await store.getLinkToken('bob', 'app1')).toBe('two');
    expect(await read(join(linkDir('bob'), 'app1.userconfig'))).toBe(userFile);
  });

  it('removes both files and reports whether the link existed', async () => {
    await store.putLink('bob', 'app1', { label: 'L' }, 't');
    await store.putLink('bob', 'app2', { label: 'L' }, 't');
    expect(await store.removeLink('bob', 'app1')).toBe(true);
    expect(await store.removeLink('bob', 'app1')).toBe(false);
    expect(await store.removeLink('nobody', 'app1')).toBe(false);
    expect(await store.getLink('bob', 'app1')).toBeUndefined();
    expect(await store.getLinkToken('bob', 'app1')).toBeUndefined();
    expect(await readdir(linkDir('bob'))).toEqual(['app2.adminconfig', 'app2.userconfig']);
  });

  it('lists links and groups sorted by code point, skipping other files', async () => {
    for (const app of ['b', 'B', 'a_1', 'Z-9', 'a']) await store.putLink('bob', app, {}, 't');
    await store.putGroup('bob', 'zz', { label: 'Z', order: '1' });
    await store.putGroup('bob', 'AA', { label: 'A', order: '2' });
    await writeFile(join(linkDir('bob'), '.hidden.userconfig'), '{}');
    await writeFile(join(linkDir('bob'), 'bad name.userconfig'), '{}');
    await writeFile(join(linkDir('bob'), 'notes.txt'), 'x');
    expect(await store.listLinks('bob')).toEqual(['B', 'Z-9', 'a', 'a_1', 'b']);
    expect(await store.listGroups('bob')).toEqual(['AA', 'zz']);
    expect(await store.listLinks('nobody')).toEqual([]);
    expect(await store.listGroups('nobody')).toEqual([]);
  });

  it('reads a cPanel-style userconfig with numbers, ignoring unknown keys', async () => {
    await mkdir(linkDir('bob'), { recursive: true });
    await writeFile(
      join(linkDir('bob'), 'legacy.userconfig'),
      JSON.stringify({ label: 'Legacy', order: 7, hide: 0, url: 'https://x/', unknown: { a: 1 } }),
    );
    await writeFile(join(linkDir('bob'), 'legacy.adminconfig'), '{"token":"abc"}');
    await writeFile(join(linkDir('bob'), 'group_g.userconfig'), '{"label":"G","order":3}');
    expect(await store.getLink('bob', 'legacy')).toEqual({
      label: 'Legacy',
      order: '7',
      hide: '0',
      url: 'https://x/',
    });
    expect(await store.getLinkToken('bob', 'legacy')).toBe('abc');
    expect(await store.getGroup('bob', 'g')).toEqual({ label: 'G', order: '3' });
    expect(await store.listLinks('bob')).toEqual(['legacy']);
  });

  it('treats a corrupt file as missing and logs a warning', async () => {
    const logger = createMemoryLogger();
    const s = createFileStore({ dataDir, logger });
    await mkdir(linkDir('bob'), { recursive: true });
    await writeFile(join(linkDir('bob'), 'app1.userconfig'), '{"label": "tru');
    await writeFile(join(linkDir('bob'), 'app1.adminconfig'), '[1,2]');
    await writeFile(join(linkDir('bob'), 'group_g.userconfig'), 'null');
    expect(await s.getLink('bob', 'app1')).toBeUndefined();
    expect(await s.getLinkToken('bob', 'app1')).toBeUndefined();
    expect(await s.getGroup('bob', 'g')).toBeUndefined();
    const warnings = logger.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(3);
    // A corrupt link can be repaired by writing it again.
    await s.putLink('bob', 'app1', { label: 'fixed' }, 'tok');
    expect(await s.getLink('bob', 'app1')).toEqual({ label: 'fixed' });
  });

  it('reads files of the right JSON shape but the wrong contents as missing, with a warning', async () => {
    const logger = createMemoryLogger();
    const s = createFileStore({ dataDir, logger });
    await mkdir(linkDir('bob'), { recursive: true });
    await writeFile(join(linkDir('bob'), 'app1.userconfig'), '{"label": "L"}');
    await writeFile(join(linkDir('bob'), 'app1.adminconfig'), '{"tok": "typo-in-the-key"}');
    await writeFile(join(linkDir('bob'), 'group_g.userconfig'), '{"order": "1"}');
    await writeFile(join(dataDir, 'accounts', 'eve.json'), '{"user": "mallory", "domain": "x"}');
    expect(await s.getLink('bob', 'app1')).toEqual({ label: 'L' });
    expect(await s.getLinkToken('bob', 'app1')).toBeUndefined();
    expect(await s.getLinkForLaunch('bob', 'app1')).toEqual({
      link: { label: 'L' },
      token: undefined,
    });
    expect(await s.getGroup('bob', 'g')).toBeUndefined();
    expect(await s.getAccount('eve')).toBeUndefined();
    const warnings = logger.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.msg).sort()).toEqual([
      'store: ignoring a group file without a label',
      'store: ignoring an admin file without a token',
      'store: ignoring an admin file without a token',
      'store: ignoring an invalid account file',
    ]);
    expect(logger.lines.join('\n')).not.toContain('typo-in-the-key');
  });

  it('serialises 50 concurrent writes to one link: the pair always matches', async () => {
    const writes = Array.from({ length: 50 }, (_, i) =>
      store.putLink('bob', 'app1', { label: `label-${i}` }, `token-${i}`),
    );
    await Promise.all(writes);
    const label = (await store.getLink('bob', 'app1'))?.label;
    const token = await store.getLinkToken('bob', 'app1');
    expect(label?.slice('label-'.length)).toBe(token?.slice('token-'.length));
    expect(label).toBe('label-49');
    expect(await readdir(linkDir('bob'))).toEqual(['app1.adminconfig', 'app1.userconfig']);
  });

  it('never pairs a link read for a click with the token of another version', async () => {
    const version = (i: number) => ({
      config: { autologin_token_url: `https://partner-${i % 2}.example/autologin` },
      token: `token-of-partner-${i % 2}`,
    });
    await store.putLink('bob', 'app1', version(0).config, version(0).token);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 150; i++) {
        await store.putLink('bob', 'app1', version(i).config, version(i).token);
      }
      writing = false;
    })();
    let reads = 0;
    const mismatched: string[] = [];
    while (writing) {
      const pair = await store.getLinkForLaunch('bob', 'app1');
      reads += 1;
      const partner = pair?.link.autologin_token_url?.match(/partner-(\d)/)?.[1];
      if (pair && pair.token !== `token-of-partner-${partner}`) {
        mismatched.push(`${pair.link.autologin_token_url} ${pair.token}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writer;
    expect(reads).toBeGreaterThan(150);
    expect(mismatched).toEqual([]);
  });

  describe('a click finding the link being written by another process', () => {
    // An intent naming temps that never reached the disk: settling it would discard it.
    const plantIntent = async () => {
      const path = join(linkDir('bob'), '.app1.intent');
      await symlink(
        `v1:${'0'.repeat(16)}${'a'.repeat(32)}:${'1'.repeat(16)}${'b'.repeat(32)}`,
        path,
      );
      return path;
    };
    /** Holds bob's cross-process lock (as another process's writer does) until `release`. */
    const holdUserLock = () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const locks = createFileLocks({ dir: join(dataDir, 'locks'), logger: silentLogger });
      let held!: () => void;
      const holding = new Promise<void>((resolve) => {
        held = resolve;
      });
      const done = locks('user-bob', async () => {
        held();
        await released;
      });
      return { holding, release, done };
    };
    const link = { link: { url: 'https://p.example/' }, token: 'tok' };
    beforeEach(async () => {
      await store.putLink('bob', 'app1', { url: 'https://p.example/' }, 'tok');
    });

    it('waits for the write in progress (its lock held) rather than settling it', async () => {
      const writer = holdUserLock();
      await writer.holding;
      const intent = await plantIntent();
      setTimeout(() => void rm(intent).then(writer.release), 60);
      const started = Date.now();
      expect(await store.getLinkForLaunch('bob', 'app1')).toEqual(link);
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
      await writer.done;
    });

    it('settles at once the intent of a write whose process is gone (no lock held)', async () => {
      await plantIntent();
      expect(await store.getLinkForLaunch('bob', 'app1')).toEqual(link);
      expect(await readdir(linkDir('bob'))).not.toContain('.app1.intent');
    });

    it('fails (no token sent, BusyError) when the write in progress does not finish in time', async () => {
      const writer = holdUserLock();
      await writer.holding;
      const intent = await plantIntent();
      const impatient = createFileStore({ dataDir, logger: silentLogger, locks: { waitMs: 100 } });
      await expect(impatient.getLinkForLaunch('bob', 'app1')).rejects.toBeInstanceOf(BusyError);
      // Not settled: it is someone else's.
      expect(await readdir(linkDir('bob'))).toContain('.app1.intent');
      await rm(intent);
      writer.release();
      await writer.done;
    });
  });

  it('runs writes to different links in parallel without interference', async () => {
    const apps = Array.from({ length: 20 }, (_, i) => `app${i}`);
    await Promise.all(apps.map((app) => store.putLink('bob', app, { label: app }, `t-${app}`)));
    for (const app of apps) {
      expect(await store.getLink('bob', app)).toEqual({ label: app });
      expect(await store.getLinkToken('bob', app)).toBe(`t-${app}`);
    }
  });
});

describe('groups and accounts', () => {
  it('puts, gets and removes groups', async () => {
    await store.putGroup('bob', 'g1', { label: 'One', order: '1' });
    await store.putGroup('bob', 'g1', { label: 'Uno', order: '2' });
    expect(await store.getGroup('bob', 'g1')).toEqual({ label: 'Uno', order: '2' });
    expect(await store.removeGroup('bob', 'g1')).toBe(true);
    expect(await store.removeGroup('bob', 'g1')).toBe(false);
    expect(await store.getGroup('bob', 'g1')).toBeUndefined();
  });

  it('creates accounts once, lists them sorted and removes them with their links', async () => {
    expect(await store.createAccount({ user: 'zed', domain: 'z.example', created: 2 })).toBe(
      'created',
    );
    expect(await store.createAccount({ user: 'amy', domain: 'a.example', created: 1 })).toBe(
      'created',
    );
    expect(await store.createAccount({ user: 'amy', domain: 'other', created: 9 })).toBe(
      'name-taken',
    );
    expect(await store.createAccount({ user: 'ann', domain: 'a.example', created: 9 })).toBe(
      'domain-taken',
    );
    expect(await store.getAccount('amy')).toEqual({ user: 'amy', domain: 'a.example', created: 1 });
    expect(await store.getAccount('nobody')).toBeUndefined();
    expect((await store.listAccounts()).map((a) => a.user)).toEqual(['amy', 'bob', 'zed']);

    await store.putLink('amy', 'app1', { label: 'L' }, 't');
    await store.putGroup('amy', 'g', { label: 'G', order: '1' });
    await store.putLink('zed', 'app1', { label: 'L' }, 't');
    expect(await store.removeAccount('amy')).toBe(true);
    expect(await store.removeAccount('amy')).toBe(false);
    expect(await store.getAccount('amy')).toBeUndefined();
    expect(await store.listLinks('amy')).toEqual([]);
    expect(await readdir(join(dataDir, 'integration', 'links'))).toEqual(['zed']);
    expect((await readdir(join(dataDir, 'accounts'))).sort()).toEqual(['bob.json', 'zed.json']);
  });

  it('lets removeAccount wait for link writes already running; a write after it adds nothing', async () => {
    await store.createAccount({ user: 'amy', domain: 'a.example', created: 1 });
    const writes = Array.from({ length: 10 }, (_, i) => store.putLink('amy', `a${i}`, {}, 't'));
    const removal = store.removeAccount('amy');
    // Called after the removal (as when a create_integration_link found the account just before
    // a removeacct): it must not bring the removed user's links directory back.
    const lateLink = store.putLink('amy', 'late', { label: 'late' }, 't');
    const lateGroup = store.putGroup('amy', 'g', { label: 'G', order: '1' });
    expect(await Promise.all(writes)).toEqual(Array(10).fill(true));
    expect(await removal).toBe(true);
    expect(await lateLink).toBe(false);
    expect(await lateGroup).toBe(false);
    expect(await store.listLinks('amy')).toEqual([]);
    expect(await readdir(join(dataDir, 'integration', 'links'))).toEqual([]);
    // A later account of the same name starts with no links.
    await store.createAccount({ user: 'amy', domain: 'new.example', created: 2 });
    expect(await store.listLinks('amy')).toEqual([]);
  });
});

describe('name validation', () => {
  const bad = ['../x', 'a/b', 'a\0b', 'x'.repeat(10 * 1024), '', '.', '..', 'a b', 'é'];

  it.each(bad.map((name) => [JSON.stringify(name).slice(0, 20), name]))(
    'refuses %s everywhere before touching the disk',
    async (_label, name) => {
      const before = await listTree(dataDir);
      const calls: (() => Promise<unknown>)[] = [
        () => store.getAccount(name),
        () => store.createAccount({ user: name, domain: 'd', created: 1 }),
        () => store.removeAccount(name),
        () => store.putLink(name, 'app', {}, 't'),
        () => store.putLink('bob', name, {}, 't'),
        () => store.getLink(name, 'app'),
        () => store.getLink('bob', name),
        () => store.getLinkToken('bob', name),
        () => store.updateLinkToken('bob', name, 't'),
        () => store.removeLink('bob', name),
        () => store.listLinks(name),
        () => store.putGroup('bob', name, { label: 'l', order: '1' }),
        () => store.putGroup(name, 'g', { label: 'l', order: '1' }),
        () => store.getGroup('bob', name),
        () => store.removeGroup('bob', name),
        () => store.listGroups(name),
      ];
      for (const call of calls) await expect(call()).rejects.toBeInstanceOf(StoreNameError);
      expect(await listTree(dataDir)).toEqual(before);
    },
  );

  it('refuses a user starting with "-" and an app named like a group file', async () => {
    const before = await listTree(dataDir);
    await expect(store.putLink('-rf', 'app', {}, 't')).rejects.toBeInstanceOf(StoreNameError);
    await expect(store.putLink('bob', 'group_x', {}, 't')).rejects.toBeInstanceOf(StoreNameError);
    await expect(store.getLink('bob', 'group_x')).rejects.toBeInstanceOf(StoreNameError);
    expect(await listTree(dataDir)).toEqual(before);
    // '-' inside an app name or a user name is fine, as is a 64-character name.
    await store.putLink('a-b', '-app', {}, 't');
    await store.putLink('bob', 'x'.repeat(64), {}, 't');
    await expect(store.putLink('bob', 'x'.repeat(65), {}, 't')).rejects.toBeInstanceOf(
      StoreNameError,
    );
  });
});

describe('symlinks are never followed', () => {
  it('refuses a user dir that is a symlink, leaving its target untouched', async () => {
    const outside = await makeStoreTempDir('linkbroker-outside-');
    await symlink(outside, linkDir('bob'));
    await expect(store.putLink('bob', 'app', { label: 'L' }, 't')).rejects.toBeInstanceOf(
      StoreIntegrityError,
    );
    await expect(store.putGroup('bob', 'g', { label: 'L', order: '1' })).rejects.toBeInstanceOf(
      StoreIntegrityError,
    );
    await expect(store.getLink('bob', 'app')).rejects.toBeInstanceOf(StoreIntegrityError);
    await expect(store.listLinks('bob')).rejects.toBeInstanceOf(StoreIntegrityError);
    await expect(store.removeAccount('bob')).rejects.toBeInstanceOf(StoreIntegrityError);
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses integration/ or integration/links/ being a symlink', async () => {
    for (const rel of ['integration', 'integration/links']) {
      const dir = join(await makeStoreTempDir(), 'data');
      const outside = await makeStoreTempDir('linkbroker-outside-');
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await symlink(outside, join(dir, rel));
      const s = createFileStore({ dataDir: dir, logger: silentLogger });
      await expect(s.init()).rejects.toThrow(
        `a symlink, which the store never follows, where a directory should be: ${join(dir, rel)}`,
      );
      await s.createAccount({ user: 'bob', domain: 'bob.example', created: 1 });
      await expect(s.putLink('bob', 'app', {}, 't')).rejects.toBeInstanceOf(StoreIntegrityError);
      expect(await readdir(outside)).toEqual([]);
    }
  });

  it('refuses target files that are symlinks, leaving their targets untouched', async () => {
    const outside = join(await makeStoreTempDir('linkbroker-outside-'), 'victim');
    await writeFile(outside, 'precious');
    await store.putLink('bob', 'other', {}, 't');
    await symlink(outside, join(linkDir('bob'), 'app.userconfig'));
    await symlink(outside, join(linkDir('bob'), 'tok.adminconfig'));
    await writeFile(join(linkDir('bob'), 'tok.userconfig'), '{}');
    await symlink(outside, join(linkDir('bob'), 'group_g.userconfig'));
    const before = await listTree(dataDir);

    const refused: (() => Promise<unknown>)[] = [
      () => store.putLink('bob', 'app', { label: 'L' }, 't'),
      () => store.getLink('bob', 'app'),
      () => store.removeLink('bob', 'app'),
      () => store.putLink('bob', 'tok', { label: 'L' }, 't'),
      () => store.updateLinkToken('bob', 'tok', 'new'),
      () => store.getLinkToken('bob', 'tok'),
      () => store.putGroup('bob', 'g', { label: 'L', order: '1' }),
      () => store.getGroup('bob', 'g'),
      () => store.removeGroup('bob', 'g'),
    ];
    for (const call of refused) await expect(call()).rejects.toBeInstanceOf(StoreIntegrityError);
    expect(await read(outside)).toBe('precious');
    expect(await listTree(dataDir)).toEqual(before);
  });
});

describe('init() recovery', () => {
  const tmp = (name: string) => `.${name}.tmp-0123456789abcdef`;
  const hash = (data: string) => createHash('sha256').update(data).digest('hex').slice(0, 32);
  const ADMIN_NEW = '{"token":"new"}';
  const USER_NEW = '{"label":"new"}';
  /** The intent commitFiles records: a symlink whose target lists each temp suffix and hash. */
  const writeIntent = (dir: string, app: string, admin: string, user: string) =>
    symlink(
      `v1:0123456789abcdef${hash(admin)}:0123456789abcdef${hash(user)}`,
      join(dir, `.${app}.intent`),
    );

  it("gives the store's own directories their modes back, leaving a user's dir as set", async () => {
    await store.putLink('bob', 'app', { label: 'L' }, 't');
    // As a crash between a mkdir and its chmod leaves them (umask 077), and an operator's choice.
    const own = { integration: 0o751, 'integration/links': 0o751, accounts: 0o750, locks: 0o700 };
    for (const rel of Object.keys(own)) await chmod(join(dataDir, rel), 0o711);
    await chmod(linkDir('bob'), 0o755);
    await createFileStore({ dataDir, logger: silentLogger }).init({ recover: false });
    for (const [rel, mode] of Object.entries(own)) {
      expect(await modeOf(join(dataDir, rel)), rel).toBe(mode);
    }
    expect(await modeOf(linkDir('bob'))).toBe(0o755);
  });

  it('rolls a committed write forward from its intent', async () => {
    await store.putLink('bob', 'app', { label: 'old' }, 'old');
    const dir = linkDir('bob');
    await writeFile(join(dir, tmp('app.adminconfig')), ADMIN_NEW);
    await writeFile(join(dir, tmp('app.userconfig')), USER_NEW);
    await writeIntent(dir, 'app', ADMIN_NEW, USER_NEW);
    await createFileStore({ dataDir, logger: silentLogger }).init();
    expect(await store.getLink('bob', 'app')).toEqual({ label: 'new' });
    expect(await store.getLinkToken('bob', 'app')).toBe('new');
    expect(await readdir(dir)).toEqual(['app.adminconfig', 'app.userconfig']);
  });

  it('finishes an intent whose admin rename was already done', async () => {
    const dir = linkDir('bob');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'app.adminconfig'), ADMIN_NEW);
    await writeFile(join(dir, tmp('app.userconfig')), USER_NEW);
    await writeIntent(dir, 'app', ADMIN_NEW, USER_NEW);
    await store.init();
    expect(await store.getLink('bob', 'app')).toEqual({ label: 'new' });
    expect(await store.getLinkToken('bob', 'app')).toBe('new');
    expect(await readdir(dir)).toEqual(['app.adminconfig', 'app.userconfig']);
  });

  it('discards an intent whose admin temp never reached the disk (hash check), old link intact', async () => {
    await store.putLink('bob', 'app', { label: 'old' }, 'old');
    const dir = linkDir('bob');
    // The user temp is whole but the admin temp is missing and the admin file is the old one:
    // the renames never started, so rolling the user file forward would mix versions.
    await writeFile(join(dir, tmp('app.userconfig')), USER_NEW);
    await writeIntent(dir, 'app', ADMIN_NEW, USER_NEW);
    await store.init();
    expect(await store.getLink('bob', 'app')).toEqual({ label: 'old' });
    expect(await store.getLinkToken('bob', 'app')).toBe('old');
    expect(await readdir(dir)).toEqual(['app.adminconfig', 'app.userconfig']);
  });

  it('discards an intent whose temp file is torn (contents do not match its hash)', async () => {
    await store.putLink('bob', 'app', { label: 'old' }, 'old');
    const dir = linkDir('bob');
    await writeFile(join(dir, tmp('app.adminconfig')), ADMIN_NEW);
    await writeFile(join(dir, tmp('app.userconfig')), USER_NEW.slice(0, 5));
    await writeIntent(dir, 'app', ADMIN_NEW, USER_NEW);
    await store.init();
    expect(await store.getLink('bob', 'app')).toEqual({ label: 'old' });
    expect(await store.getLinkToken('bob', 'app')).toBe('old');
    expect(await readdir(dir)).toEqual(['app.adminconfig', 'app.userconfig']);
  });

  it('drops an intent whose temp files are gone, a malformed intent and a regular file', async () => {
    await store.putLink('bob', 'app', { label: 'kept' }, 'kept');
    await store.putLink('bob', 'two', { label: 'kept' }, 'kept');
    await store.putLink('bob', 'three', { label: 'kept' }, 'kept');
    const dir = linkDir('bob');
    await writeIntent(dir, 'app', ADMIN_NEW, USER_NEW);
    await symlink('v1:not-an-entry', join(dir, '.two.intent'));
    await writeFile(join(dir, '.three.intent'), 'v1:whatever');
    await store.init();
    for (const app of ['app', 'two', 'three']) {
      expect(await store.getLink('bob', app)).toEqual({ label: 'kept' });
      expect(await store.getLinkToken('bob', app)).toBe('kept');
    }
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('deletes temps without an intent (old version intact) and orphan admin files', async () => {
    await store.putLink('bob', 'app', { label: 'old' }, 'old');
    await store.createAccount({ user: 'bob', domain: 'b', created: 1 });
    const dir = linkDir('bob');
    await writeFile(join(dir, tmp('app.adminconfig')), '{"token":"new"}');
    await writeFile(join(dir, tmp('app.userconfig')), '{"label":"new"}');
    await writeFile(join(dir, tmp('app.intent')), '{"renames":[]}');
    await writeFile(join(dir, 'gone.adminconfig'), '{"token":"orphan"}');
    await writeFile(join(dataDir, 'accounts', tmp('amy.json')), '{}');
    await store.init();
    expect(await store.getLink('bob', 'app')).toEqual({ label: 'old' });
    expect(await store.getLinkToken('bob', 'app')).toBe('old');
    expect(await readdir(dir)).toEqual(['app.adminconfig', 'app.userconfig']);
    expect(await readdir(join(dataDir, 'accounts'))).toEqual(['bob.json']);
  });

  it('skips (and logs) a symlinked user dir instead of failing start-up', async () => {
    const outside = await makeStoreTempDir('linkbroker-outside-');
    await writeFile(join(outside, tmp('a.userconfig')), 'x');
    await symlink(outside, linkDir('eve'));
    const logger = createMemoryLogger();
    await createFileStore({ dataDir, logger }).init();
    expect(await readdir(outside)).toEqual([tmp('a.userconfig')]);
    expect(logger.lines.some((l) => l.includes('"warn"'))).toBe(true);
  });
});
