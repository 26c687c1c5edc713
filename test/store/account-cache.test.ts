// The account lookup cache sees accounts added or removed by another store (another process).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { createFileStore } from '../../src/store/file-store.ts';

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
