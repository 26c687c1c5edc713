// In-process locks for the file store: a keyed mutex (one link or group at a time) and a keyed
// shared/exclusive lock (per user: link writes share it, removing the account excludes them).
// Entries are dropped when idle so the maps never grow with the number of keys ever used.

/** Runs `fn` after every earlier call with the same key has settled. */
export function createKeyedMutex() {
  const tails = new Map<string, Promise<void>>();
  return async function withMutex<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

interface SharedLockState {
  /** -1: held exclusively; n ≥ 0: held by n sharers. */
  holders: number;
  waiting: { exclusive: boolean; start: () => void }[];
}

/** Many shared holders or one exclusive holder per key, granted in arrival order. */
export function createKeyedSharedLock() {
  const states = new Map<string, SharedLockState>();

  const canStart = (state: SharedLockState, exclusive: boolean) =>
    exclusive ? state.holders === 0 : state.holders >= 0;

  function drain(key: string, state: SharedLockState) {
    for (let next = state.waiting[0]; next && canStart(state, next.exclusive); ) {
      state.waiting.shift();
      state.holders = next.exclusive ? -1 : state.holders + 1;
      next.start();
      next = state.waiting[0];
    }
    if (state.holders === 0 && state.waiting.length === 0) states.delete(key);
  }

  return async function withLock<T>(
    key: string,
    exclusive: boolean,
    fn: () => Promise<T>,
  ): Promise<T> {
    let state = states.get(key);
    if (!state) {
      state = { holders: 0, waiting: [] };
      states.set(key, state);
    }
    const held = state;
    await new Promise<void>((start) => {
      held.waiting.push({ exclusive, start });
      drain(key, held);
    });
    try {
      return await fn();
    } finally {
      held.holders = exclusive ? 0 : held.holders - 1;
      drain(key, held);
    }
  };
}
