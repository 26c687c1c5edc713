// The store's in-process locks: ordering, exclusion, and no growth once idle.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createKeyedMutex, createKeyedSharedLock } from '../../src/store/locks.ts';

it('runs calls with one key one at a time in order, and different keys in parallel', async () => {
  const withMutex = createKeyedMutex();
  const events: string[] = [];
  const task = (key: string, id: string, ms: number) =>
    withMutex(key, async () => {
      events.push(`start ${id}`);
      await sleep(ms);
      events.push(`end ${id}`);
      return id;
    });
  const fail = async () => {
    throw new Error('boom');
  };
  const results = await Promise.all([
    task('a', 'a1', 20),
    withMutex('a', fail).catch(() => 'failed'),
    task('a', 'a2', 1),
    task('b', 'b1', 5),
  ]);
  expect(results).toEqual(['a1', 'failed', 'a2', 'b1']);
  expect(events).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
});

it('shares among shared holders and excludes an exclusive holder, in arrival order', async () => {
  const withLock = createKeyedSharedLock();
  const events: string[] = [];
  const task = (id: string, exclusive: boolean, ms: number) =>
    withLock('user', exclusive, async () => {
      events.push(`start ${id}`);
      await sleep(ms);
      events.push(`end ${id}`);
    });
  await Promise.all([
    task('s1', false, 10),
    task('s2', false, 10),
    task('x', true, 5),
    task('s3', false, 1),
  ]);
  expect(events.slice(0, 2)).toEqual(['start s1', 'start s2']);
  expect(events.slice(4)).toEqual(['start x', 'end x', 'start s3', 'end s3']);
});
