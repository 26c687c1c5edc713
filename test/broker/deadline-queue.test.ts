// The partner client's one-timer deadline queue, with a fake clock and a fake timer.
import { describe, expect, it } from 'vitest';
import { createDeadlineQueue, type DeadlineEntry } from '../../src/broker/deadline-queue.ts';

function setup(ms = 1_000) {
  let clock = 0;
  const timers: { fire: () => void; ms: number; cancelled: boolean }[] = [];
  const queue = createDeadlineQueue(
    ms,
    (fire, delay) => {
      const timer = { fire, ms: delay, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    () => clock,
  );
  const expired: string[] = [];
  const entry = (name: string): DeadlineEntry => ({
    deadlineAt: 0,
    prevEntry: undefined,
    nextEntry: undefined,
    onDeadline: () => expired.push(name),
  });
  return {
    queue,
    timers,
    expired,
    entry,
    advance: (by: number) => {
      clock += by;
    },
    /** Fires the newest live timer, as the real one would at its time. */
    fire: () =>
      timers
        .filter((t) => !t.cancelled)
        .at(-1)
        ?.fire(),
  };
}

describe('createDeadlineQueue', () => {
  it('arms one timer for the first entry and expires entries in start order', () => {
    const t = setup();
    const [a, b, c] = [t.entry('a'), t.entry('b'), t.entry('c')];
    t.queue.add(a);
    t.advance(100);
    t.queue.add(b);
    t.advance(100);
    t.queue.add(c);
    expect(t.timers.map((timer) => timer.ms)).toEqual([1_000]);
    t.advance(800);
    t.fire();
    expect(t.expired).toEqual(['a']);
    // Re-armed for b, 100 ms later.
    expect(t.timers.at(-1)?.ms).toBe(100);
    t.advance(200);
    t.fire();
    expect(t.expired).toEqual(['a', 'b', 'c']);
  });

  it('never expires a removed entry, and re-arms past a removed head', () => {
    const t = setup();
    const [a, b] = [t.entry('a'), t.entry('b')];
    t.queue.add(a);
    t.advance(500);
    t.queue.add(b);
    t.queue.remove(a);
    t.advance(500);
    t.fire();
    expect(t.expired).toEqual([]);
    expect(t.timers.at(-1)?.ms).toBe(500);
    t.advance(500);
    t.fire();
    expect(t.expired).toEqual(['b']);
  });

  it('cancels the timer when the last entry leaves, and removing twice is harmless', () => {
    const t = setup();
    const a = t.entry('a');
    t.queue.add(a);
    t.queue.remove(a);
    t.queue.remove(a);
    expect(t.timers[0]?.cancelled).toBe(true);
    t.queue.add(t.entry('b'));
    expect(t.timers).toHaveLength(2);
  });
});
