// Scale: one account with 10,000 links among 1,000 accounts with 10 links each. Listing one
// account's links must touch only that account's files: every path handed to node:fs during
// the request is recorded (node:fs and node:fs/promises are wrapped for the whole server), and
// a control request (listaccts, which must read every account) proves the recording sees reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Json, startTestServer, type TestServer } from './helpers/server.ts';

const recorder = vi.hoisted(() => ({ on: false, paths: [] as string[] }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const { wrapFsModule } = await import('./helpers/fs-recorder.ts');
  return wrapFsModule(await importOriginal(), recorder);
});
vi.mock('node:fs', async (importOriginal) => {
  const { wrapFsModule } = await import('./helpers/fs-recorder.ts');
  return wrapFsModule(await importOriginal(), recorder);
});

const BIG = 'big';
const BIG_LINKS = 10_000;
const OTHERS = 1_000;
const OTHER_LINKS = 10;
const other = (i: number) => `u${String(i).padStart(4, '0')}`;

let server: TestServer;

async function call(fn: string, args: Record<string, string>): Promise<Json> {
  const res = await server.whm(fn, args);
  expect(res.status).toBe(200);
  return res.json();
}

/** Runs `fn` with recording on; answers the data-dir-relative paths node:fs was handed. */
async function touched<T>(fn: () => Promise<T>): Promise<{ result: T; paths: string[] }> {
  recorder.paths.length = 0;
  recorder.on = true;
  try {
    const result = await fn();
    return { result, paths: [...new Set(recorder.paths.map((p) => relative(server.dataDir, p)))] };
  } finally {
    recorder.on = false;
  }
}

/** Paths an answer about `user` may touch: the layout's directories and that user's files. */
const ownPath = (user: string) => (path: string) =>
  ['', 'accounts', 'integration', 'integration/links', `accounts/${user}.json`].includes(path) ||
  path === `integration/links/${user}` ||
  path.startsWith(`integration/links/${user}/`);

/**
 * Seeds links in cPanel's on-disk layout directly and synchronously: putLink fsyncs every pair
 * (~2 ms each), which would make 20,000 links take minutes.
 */
function seedLinks(user: string, count: number, prefix: string) {
  const dir = join(server.dataDir, 'integration', 'links', user);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  const admin = '{\n  "token": "tok"\n}\n';
  for (let i = 0; i < count; i++) {
    const app = `${prefix}${String(i).padStart(5, '0')}`;
    const config = { implements: 'billing', label: `Link ${i}`, url: 'https://e.example/' };
    writeFileSync(join(dir, `${app}.userconfig`), `${JSON.stringify(config, null, 2)}\n`, {
      mode: 0o644,
    });
    writeFileSync(join(dir, `${app}.adminconfig`), admin, { mode: 0o600 });
  }
}

beforeAll(async () => {
  server = await startTestServer();
  const store = server.runtime.deps.store;
  const users = [BIG, ...Array.from({ length: OTHERS }, (_, i) => other(i + 1))];
  for (let i = 0; i < users.length; i += 100) {
    await Promise.all(
      users
        .slice(i, i + 100)
        .map((user) => store.createAccount({ user, domain: `${user}.example.com`, created: 1 })),
    );
  }
  seedLinks(BIG, BIG_LINKS, 'app');
  for (let i = 1; i <= OTHERS; i++) seedLinks(other(i), OTHER_LINKS, 'x');
}, 60_000);
afterAll(() => server.stop());

describe('listing at scale', () => {
  it('lists 10,000 links of one account, reading only that account’s files', async () => {
    const { result, paths } = await touched(() => call('list_integration_links', { user: BIG }));
    expect(result.metadata.result).toBe(1);
    const apps = result.data.links.map((l: { app: string }) => l.app);
    expect(apps).toHaveLength(BIG_LINKS);
    expect(apps[0]).toBe('app00000');
    expect(apps.at(-1)).toBe('app09999');
    // The recording saw this request's own reads…
    expect(paths).toContain(`integration/links/${BIG}`);
    expect(paths).toContain(`accounts/${BIG}.json`);
    // …and nothing of any other account.
    expect(paths.filter((p) => !ownPath(BIG)(p))).toEqual([]);
  });

  it('lists one small account among 1,000 the same way, chunked and filtered', async () => {
    const user = other(500);
    const { result, paths } = await touched(() =>
      call('list_integration_links', {
        user,
        'api.filter.enable': '1',
        'api.filter.a.field': 'app',
        'api.filter.a.arg0': '0000',
        'api.chunk.enable': '1',
        'api.chunk.size': '5',
        'api.chunk.verbose': '1',
      }),
    );
    expect(result.data.links).toEqual(Array.from({ length: 5 }, (_, i) => ({ app: `x0000${i}` })));
    expect(result.metadata.chunk).toEqual({
      start: 1,
      size: 5,
      records: 10,
      current: 1,
      chunks: 2,
    });
    expect(paths).toContain(`integration/links/${user}`);
    expect(paths.filter((p) => !ownPath(user)(p))).toEqual([]);
  });

  it('pages through the big account with chunk arguments', async () => {
    const body = await call('list_integration_links', {
      user: BIG,
      'api.sort.enable': '1',
      'api.sort.a.field': 'app',
      'api.sort.a.reverse': '1',
      'api.chunk.enable': '1',
      'api.chunk.size': '100',
      'api.chunk.select': '100',
    });
    expect(body.data.links[0]).toEqual({ app: 'app00099' });
    expect(body.data.links).toHaveLength(100);
  });

  it('get_users_links of one account reads only that account', async () => {
    const user = other(7);
    const { result, paths } = await touched(() => call('get_users_links', { user }));
    expect(Object.keys(result.data)).toHaveLength(4 + OTHER_LINKS);
    expect(result.data.billing).toBe('/integration/index.html?app=x00000');
    expect(paths.filter((p) => !ownPath(user)(p))).toEqual([]);
  });

  it('control: the recording does see other accounts’ files when a request reads them', async () => {
    const { result, paths } = await touched(() =>
      call('listaccts', { 'api.chunk.enable': '1', 'api.chunk.size': '1' }),
    );
    expect(result.data.acct).toHaveLength(1);
    expect(paths).toContain(`accounts/${other(1)}.json`);
    expect(paths).toContain(`accounts/${other(OTHERS)}.json`);
    expect(paths.filter((p) => !ownPath(BIG)(p)).length).toBeGreaterThanOrEqual(OTHERS);
  });
});
