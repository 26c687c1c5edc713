// The account lookup cache sees accounts added or removed by another store (another process).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { createAccountCache } from '../../src/store/account-cache.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { SETTLE_MS } from '../../src/store/stamped-cache.ts';

let dataDir: string;
afterEach(() => rm(dataDir, { recursive: true, force: true }));

it('answers from the cache yet sees changes made by another store', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-accounts-'));
  const server = createFileStore({ dataDir, logger: silentLogger });
  const cli = createFileStore({ dataDir, logger: silentLogger });
  await server.init();
  expect(await server.getAccount('amy')).toBeUndefined();
  // Let the directory's timestamp tick move on, as between two real requests.
  await new Promise((r) => setTimeout(r, 20));
  await cli.createAccount({ user: 'amy', domain: 'amy.example.com', created: 1 });
  expect(await server.getAccount('amy')).toEqual({
    user: 'amy',
    domain: 'amy.example.com',
    created: 1,
  });
  await new Promise((r) => setTimeout(r, 20));
  await cli.removeAccount('amy');
  expect(await server.getAccount('amy')).toBeUndefined();
  // Its own writes are seen at once.
  await server.createAccount({ user: 'ben', domain: 'ben.example.com', created: 2 });
  expect(await server.getAccount('ben')).toMatchObject({ user: 'ben' });
});

describe('createAccountCache', () => {
  const amy = { user: 'amy', domain: 'amy.example.com', created: 1 };

  async function setup(nowOffsetMs: number) {
    dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-accounts-'));
    const dir = join(dataDir, 'accounts');
    await mkdir(dir);
    const reads = { count: 0 };
    const read = async () => {
      reads.count++;
      return amy;
    };
    const cache = createAccountCache(dir, () => Date.now() + nowOffsetMs);
    return { dir, reads, read, cache };
  }

  it('remembers a lookup once the directory has settled', async () => {
    const { reads, read, cache } = await setup(SETTLE_MS + 1_000);
    expect(await cache.lookup('amy', read)).toEqual(amy);
    expect(await cache.lookup('amy', read)).toEqual(amy);
    expect(reads.count).toBe(1);
  });

  it('remembers nothing while the directory changed within SETTLE_MS', async () => {
    const { reads, read, cache } = await setup(0);
    await cache.lookup('amy', read);
    await cache.lookup('amy', read);
    expect(reads.count).toBe(2);
  });

  it('reads again once the directory changes', async () => {
    const { dir, reads, read, cache } = await setup(SETTLE_MS + 1_000);
    await cache.lookup('amy', read);
    await writeFile(join(dir, 'ben.json'), '{}');
    await cache.lookup('amy', read);
    expect(reads.count).toBe(2);
  });

  it('forgets a read whose stamp changed meanwhile, even when another lookup took the new one', async () => {
    const { dir, reads, cache } = await setup(SETTLE_MS + 1_000);
    let changeDuringRead = true;
    const read = async () => {
      reads.count++;
      if (changeDuringRead) {
        changeDuringRead = false;
        // Past the file system clock's tick, so the directory's stamp really changes.
        await new Promise((resolve) => setTimeout(resolve, 20));
        await writeFile(join(dir, 'ben.json'), '{}');
        await cache.lookup('ben', async () => undefined);
      }
      return amy;
    };
    await cache.lookup('amy', read);
    await cache.lookup('amy', read);
    expect(reads.count).toBe(2);
  });
});
