// One timer for every attempt in flight. All attempts get the same deadline length, so their
// deadlines fall in the order they started: a doubly linked list in start order, and a single
// timer armed for its head, replace a timer, an AbortController and listeners per attempt (CPU
// and memory per pending click, measured by `npm run bench -- clicks`).

/** Arms `onDeadline` in `ms`; returns its cancel function. Injectable for tests. */
export type ScheduleDeadline = (onDeadline: () => void, ms: number) => () => void;

export const scheduleWithTimer: ScheduleDeadline = (onDeadline, ms) => {
  const timer = setTimeout(onDeadline, ms);
  return () => clearTimeout(timer);
};

/** What the queue holds: the owner's object itself, so an entry costs no allocation. */
export interface DeadlineEntry {
  deadlineAt: number;
  prevEntry: DeadlineEntry | undefined;
  nextEntry: DeadlineEntry | undefined;
  /** Called once when the deadline passes while the entry is still queued. */
  onDeadline(): void;
}

export interface DeadlineQueue {
  /** Queues `entry` with a deadline of now + the queue's length. */
  add(entry: DeadlineEntry): void;
  /** Takes `entry` out (it finished); a no-op for an entry not queued. */
  remove(entry: DeadlineEntry): void;
}

export function createDeadlineQueue(
  ms: number,
  schedule: ScheduleDeadline = scheduleWithTimer,
  now: () => number = performance.now.bind(performance),
): DeadlineQueue {
  let head: DeadlineEntry | undefined;
  let tail: DeadlineEntry | undefined;
  /** The entry the timer is armed for, and how to cancel it. */
  let armedFor: DeadlineEntry | undefined;
  let cancel: (() => void) | undefined;

  function unlink(entry: DeadlineEntry): void {
    if (entry.prevEntry) entry.prevEntry.nextEntry = entry.nextEntry;
    else head = entry.nextEntry;
    if (entry.nextEntry) entry.nextEntry.prevEntry = entry.prevEntry;
    else tail = entry.prevEntry;
    entry.prevEntry = undefined;
    entry.nextEntry = undefined;
  }

  function arm(entry: DeadlineEntry, ms: number): void {
    armedFor = entry;
    cancel = schedule(fire, ms);
  }

  /** The timer went off for `armedFor`: that one is due, and so is every entry due by now. */
  function fire(): void {
    const due = armedFor;
    armedFor = undefined;
    cancel = undefined;
    const at = now();
    while (head && (head === due || head.deadlineAt <= at)) {
      const entry = head;
      unlink(entry);
      entry.onDeadline();
    }
    if (head) arm(head, Math.max(0, head.deadlineAt - now()));
  }

  return {
    add(entry) {
      entry.deadlineAt = now() + ms;
      entry.nextEntry = undefined;
      entry.prevEntry = tail;
      if (tail) tail.nextEntry = entry;
      else head = entry;
      tail = entry;
      if (!armedFor) arm(entry, ms);
    },
    remove(entry) {
      if (entry !== head && !entry.prevEntry) return;
      unlink(entry);
      // The timer stays armed for a finished head (it then re-arms for the next one), except
      // when nothing is left: an idle process holds no timer.
      if (!head && cancel) {
        cancel();
        cancel = undefined;
        armedFor = undefined;
      }
    },
  };
}
