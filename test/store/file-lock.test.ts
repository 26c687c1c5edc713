// The cross-process lock files: exclusion, fair turns, one hold per process, bounded waits, and
// which lock files count as stale. Two createFileLocks instances stand for two processes.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusyError } from '../../src/errors.ts';
import { createMemoryLogger, silentLogger } from '../../src/log.ts';
import {
  createFileLocks,
  type FileLockOptions,
  removeOldAsides,
} from '../../src/store/file-lock.ts';
import { makeStoreTempDir, removeStoreTempDirs } from '../helpers/store-fs.ts';

let dir: string;
const locks = (options: Partial<FileLockOptions> = {}) =>
  createFileLocks({ dir, logger: silentLogger, ...options });

beforeEach(async () => {
  dir = join(await makeStoreTempDir(), 'locks');
  await mkdir(dir);
});
afterEach(removeStoreTempDirs);

it('lets one process in at a time; two tight loops both get through', async () => {
  let inside = 0;
  const entered: string[] = [];
  // A short bound: each side must get its turns while the other one loops.
  const loop = (name: string) => {
    const withLock = locks({ waitMs: 300 });
    return (async () => {
      for (let i = 0; i < 30; i++) {
        await withLock('x', async () => {
          inside += 1;
          entered.push(name);
          expect(inside).toBe(1);
          await sleep(2);
          inside -= 1;
        });
      }
    })();
  };
  await Promise.all([loop('a'), loop('b')]);
  expect(entered.filter((n) => n === 'a')).toHaveLength(30);
  expect(entered.filter((n) => n === 'b')).toHaveLength(30);
  expect(await readdir(dir)).toEqual([]);
});

it('makes lock files readable by another user, whatever the umask', async () => {
  const saved = process.umask(0o077);
  try {
    await locks()('x', async () => {
      expect((await stat(join(dir, 'x.lock'))).mode & 0o777).toBe(0o644);
    });
  } finally {
    process.umask(saved);
  }
});

it('shares one hold among the callers of one process', async () => {
  const withLock = locks();
  let inside = 0;
  let most = 0;
  const call = () =>
    withLock('x', async () => {
      inside += 1;
      most = Math.max(most, inside);
      expect(await readdir(dir)).toEqual(['x.lock']);
      await sleep(5);
      inside -= 1;
    });
  await Promise.all([call(), call(), call()]);
  expect(most).toBe(3);
  expect(await readdir(dir)).toEqual([]);
});

it('stops joining its hold once another process waits for its turn', async () => {
  const [first, second] = [locks(), locks()];
  const events: string[] = [];
  const task = (withLock: typeof first, id: string, ms: number) =>
    withLock('x', async () => {
      events.push(`start ${id}`);
      await sleep(ms);
      events.push(`end ${id}`);
    });
  const a1 = task(first, 'a1', 60);
  await sleep(10);
  const b = task(second, 'b', 5);
  while (!(await readdir(dir)).includes('x.next')) await sleep(1); // b waits for its turn
  const a2 = task(first, 'a2', 5);
  await Promise.all([a1, b, a2]);
  expect(events).toEqual(['start a1', 'end a1', 'start b', 'end b', 'start a2', 'end a2']);
});

describe('a lock held elsewhere', () => {
  const lockFile = (content: string) => writeFile(join(dir, 'x.lock'), content);
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

  it('is waited for, then BusyError after the bound; the file stays', async () => {
    await lockFile(`1 ${hostname()} someone-else\n`); // pid 1 runs
    const started = Date.now();
    await expect(locks({ waitMs: 100 })('x', async () => 'ran')).rejects.toBeInstanceOf(BusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await readdir(dir)).toEqual(['x.lock']);
  });

  it.each([
    [
      'its owner no longer runs on this host',
      async () => lockFile(`${deadPid()} ${hostname()} n\n`),
    ],
    [
      'it is older than staleMs, whoever it names',
      async () => {
        await lockFile(`1 ${hostname()} n\n`);
        const old = new Date(Date.now() - 120_000);
        await utimes(join(dir, 'x.lock'), old, old);
      },
    ],
    [
      'it names this pid but none of its locks (a reused pid)',
      () => lockFile(`${process.pid} ${hostname()} n\n`),
    ],
  ])('is broken when %s', async (_label, plant) => {
    await plant();
    const logger = createMemoryLogger();
    expect(await createFileLocks({ dir, logger, waitMs: 100 })('x', async () => 'ran')).toBe('ran');
    expect(logger.lines.join('\n')).toContain('broke a stale lock');
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['another host', `${deadPid()} not-${hostname()} n\n`],
    ['being written (empty)', ''],
  ])('is not broken while young when it names %s', async (_label, content) => {
    await lockFile(content);
    await expect(locks({ waitMs: 50 })('x', async () => 'ran')).rejects.toBeInstanceOf(BusyError);
    expect(await readdir(dir)).toEqual(['x.lock']);
  });

  it('is kept fresh while held, so a hold longer than staleMs is not broken', async () => {
    const order: string[] = [];
    const long = locks({ staleMs: 150 })('x', async () => {
      order.push('long in');
      await sleep(600);
      order.push('long out');
    });
    await sleep(20);
    // Another process, waiting longer than staleMs several times over.
    const other = locks({ staleMs: 150, waitMs: 2_000 })('x', async () => {
      order.push('other');
    });
    await Promise.all([long, other]);
    expect(order).toEqual(['long in', 'long out', 'other']);
  });

  it('taken aside by a crashed breaker, is swept once older than staleMs', async () => {
    await writeFile(join(dir, 'x.lock.stale-old'), `1 ${hostname()} n\n`);
    const old = new Date(Date.now() - 120_000);
    await utimes(join(dir, 'x.lock.stale-old'), old, old);
    await writeFile(join(dir, 'x.lock.stale-young'), `1 ${hostname()} n\n`);
    await removeOldAsides(dir);
    expect(await readdir(dir)).toEqual(['x.lock.stale-young']);
  });

  it('is left in place by a release when it is no longer ours', async () => {
    await locks()('x', async () => {
      // As if this hold had outlived staleMs and another process had broken and retaken it.
      await lockFile(`1 ${hostname()} theirs\n`);
    });
    expect(await readdir(dir)).toEqual(['x.lock']);
  });
});
