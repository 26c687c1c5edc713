// A click reads a link's user file and then its token without a lock. Another process's whole
// write can land between the two reads; the click must then read again rather than pair the old
// partner URL with the new token. The write is slipped in deterministically, on the token read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

let between: (() => Promise<void>) | undefined;
vi.mock('../../src/store/atomic-file.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/store/atomic-file.ts')>();
  return {
    ...original,
    readFileNoFollow: async (path: string) => {
      const write = path.endsWith('app1.adminconfig') ? between : undefined;
      between = undefined;
      await write?.();
      return original.readFileNoFollow(path);
    },
  };
});
const { createFileStore } = await import('../../src/store/file-store.ts');
const { silentLogger } = await import('../../src/log.ts');

let dataDir: string;
afterEach(() => rm(dataDir, { recursive: true, force: true }));

it('a whole write between the two reads of a click is not mixed into one pair', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-click-read-'));
  const reader = createFileStore({ dataDir, logger: silentLogger });
  // A second store on the same data dir shares no in-process lock: another process, in effect.
  const writer = createFileStore({ dataDir, logger: silentLogger });
  await reader.init();
  await writer.init({ recover: false });
  await writer.createAccount({ user: 'bob', domain: 'bob.example.com', created: 1 });
  await writer.putLink('bob', 'app1', { url: 'https://old.example/' }, 'old-token');
  between = async () => {
    await writer.putLink('bob', 'app1', { url: 'https://new.example/' }, 'new-token');
  };
  const pair = await reader.getLinkForLaunch('bob', 'app1');
  expect(between).toBeUndefined(); // the write did land between the reads
  expect(`${pair?.link.url} ${pair?.token}`).toBe('https://new.example/ new-token');
});
