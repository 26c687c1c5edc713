// Two processes on one data dir, as the server and `linkbroker whmapi1` are: each write runs
// alone across them, so none fails, none is torn, and a removal is never undone by a write.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemorySessionRecords, createSessions } from '../../src/accounts/sessions.ts';
import { silentLogger } from '../../src/log.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { whmFunctions } from '../../src/whm/functions/index.ts';
import { runWhmFunction, type WhmDeps } from '../../src/whm/registry.ts';
import { spawnTs } from '../helpers/child.ts';
import { sampleLink } from '../helpers/fixtures.ts';
import { listTree, makeStoreTempDir, removeStoreTempDirs } from '../helpers/store-fs.ts';

const CHILD = 'test/store/store-child.ts';

afterEach(removeStoreTempDirs);

async function freshStore() {
  const dataDir = await makeStoreTempDir();
  const store = createFileStore({ dataDir, logger: silentLogger });
  await store.init();
  return { dataDir, store };
}

const lastJson = (lines: string[]) => JSON.parse(lines.at(-1) ?? 'null');

describe('two processes on one data dir', () => {
  it('write the same link many times: no call fails, every click reads one version', async () => {
    const { dataDir, store } = await freshStore();
    await store.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    await store.putLink(
      'alice',
      'app',
      { label: 'init-0', url: 'https://init.example/0' },
      'tok-init-0',
    );
    const writers = ['a', 'b'].map((tag) => spawnTs(CHILD, ['put', dataDir, tag, '150']));
    let running = true;
    const outputs = Promise.all(writers.map((w) => w.exited)).finally(() => {
      running = false;
    });
    let reads = 0;
    const wrong: string[] = [];
    while (running) {
      try {
        const pair = await store.getLinkForLaunch('alice', 'app');
        reads += 1;
        const [tag, i] = pair?.link.label?.split('-') ?? [];
        if (pair?.token !== `tok-${tag}-${i}` || pair.link.url !== `https://${tag}.example/${i}`) {
          wrong.push(JSON.stringify(pair));
        }
      } catch (error) {
        wrong.push(String(error));
      }
      await sleep(0);
    }
    for (const { code, lines, stderr } of await outputs) {
      expect(code, stderr).toBe(0);
      expect(lastJson(lines)).toEqual({ failures: [] });
    }
    expect(reads).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
    // One complete version: the last write of one of them.
    const dir = join(dataDir, 'integration', 'links', 'alice');
    const user = JSON.parse(await readFile(join(dir, 'app.userconfig'), 'utf8'));
    const admin = JSON.parse(await readFile(join(dir, 'app.adminconfig'), 'utf8'));
    expect(['a-149', 'b-149']).toContain(user.label);
    expect(admin).toEqual({ token: `tok-${user.label}` });
    expect(await readdir(dir)).toEqual(['app.adminconfig', 'app.userconfig']);
    expect(await readdir(join(dataDir, 'locks'))).toEqual([]);
  }, 30_000);

  it('removeacct in one while the other creates links: a recreated account starts empty', async () => {
    const { dataDir, store } = await freshStore();
    await store.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    const writer = spawnTs(CHILD, ['writer', dataDir]);
    await writer.waitFor('ready');
    const linksDir = join(dataDir, 'integration', 'links', 'alice');
    const leftBehind: number[] = [];
    const removals: string[] = [];
    for (let round = 0; round < 60; round++) {
      await sleep(2 + Math.random() * 5);
      await store.removeAccount('alice').then(
        (removed) => removed || removals.push(`${round}: not found`),
        (error: unknown) => removals.push(`${round}: ${error}`),
      );
      // No account now, so no link may appear until one exists again.
      if (existsSync(linksDir)) leftBehind.push(round);
      await store.createAccount({ user: 'alice', domain: 'alice.example', created: round });
    }
    writer.stdin.end();
    const { code, lines, stderr } = await writer.exited;
    expect(code, stderr).toBe(0);
    const counts = lastJson(lines);
    expect(counts.failures).toEqual([]);
    // The race was run: the writer wrote links, and had some refused for want of the account.
    expect(counts.written).toBeGreaterThan(0);
    expect(removals).toEqual([]);
    expect(leftBehind).toEqual([]);
  }, 30_000);

  it('create the same accounts and domains: exactly one creation of each succeeds', async () => {
    const { dataDir, store } = await freshStore();
    const n = 25;
    const creators = ['0', '1'].map((k) => spawnTs(CHILD, ['create', dataDir, k, String(n)]));
    await Promise.all(creators.map((c) => c.waitFor('ready')));
    for (const c of creators) c.stdin.end('go\n');
    const [first, second] = await Promise.all(
      creators.map(async (c) => {
        const { code, lines, stderr } = await c.exited;
        expect(code, stderr).toBe(0);
        return lastJson(lines) as string[];
      }),
    );
    const outcomes = (first ?? []).map((r, i) => [r, second?.[i]].sort().join(' '));
    expect(outcomes).toEqual(Array(2 * n).fill('conflict created'));
    const accounts = await store.listAccounts();
    expect(accounts).toHaveLength(2 * n);
    expect(new Set(accounts.map((a) => a.domain)).size).toBe(2 * n);
  }, 30_000);
});

describe('cross-process locks', () => {
  it('break the lock of a SIGKILLed process: the next write succeeds at once', async () => {
    const { dataDir } = await freshStore();
    const holder = spawnTs('test/store/lock-holder.ts', [dataDir, 'user-alice', '0']);
    await holder.waitFor('held');
    holder.kill();
    await holder.exited;
    expect(await listTree(join(dataDir, 'locks'))).toEqual([
      expect.stringMatching(/^user-alice\.lock 644 /),
    ]);
    const store = createFileStore({ dataDir, logger: silentLogger, locks: { waitMs: 1_000 } });
    await store.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    expect(await store.putLink('alice', 'app', { label: 'L' }, 'tok')).toBe(true);
    expect(await store.getLinkToken('alice', 'app')).toBe('tok');
    expect(await readdir(join(dataDir, 'locks'))).toEqual([]);
  });

  it('make a write wait for a live holder, then succeed', async () => {
    const { dataDir, store } = await freshStore();
    await store.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    const holder = spawnTs('test/store/lock-holder.ts', [dataDir, 'user-alice', '400']);
    await holder.waitFor('held');
    const started = Date.now();
    expect(await store.putLink('alice', 'app', { label: 'L' }, 'tok')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect((await holder.exited).code).toBe(0);
  });

  it('answer an API call with the busy reason when the holder outlasts the bound', async () => {
    const { dataDir } = await freshStore();
    const store = createFileStore({ dataDir, logger: silentLogger, locks: { waitMs: 200 } });
    await store.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    const holder = spawnTs('test/store/lock-holder.ts', [dataDir, 'user-alice', '0']);
    try {
      await holder.waitFor('held');
      const deps: WhmDeps = {
        store,
        logger: silentLogger,
        now: Date.now,
        broker: {} as never,
        sessions: createSessions(createMemorySessionRecords()),
        publicUrl: () => 'http://127.0.0.1:2087',
      };
      const answer = await runWhmFunction(
        whmFunctions,
        deps,
        'create_integration_link',
        sampleLink('tok-busy'),
      );
      expect(answer).toMatchObject({
        metadata: {
          result: 0,
          reason:
            'Another linkbroker process holds the lock “user-alice” on the data dir; try again in a moment.',
        },
      });
      expect(await store.listLinks('alice')).toEqual([]);
    } finally {
      holder.kill();
      await holder.exited;
    }
  });
});
