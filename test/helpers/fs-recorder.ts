// Wraps a node:fs (or node:fs/promises) module so that every path handed to one of its
// functions is recorded while `recorder.on` is set: for tests proving which files a request
// touches. Classes (capitalised exports) and non-path arguments pass through untouched.

export interface FsRecorder {
  on: boolean;
  paths: string[];
}

/** Functions whose second argument is a path too. */
const TWO_PATHS = new Set([
  'rename',
  'renameSync',
  'copyFile',
  'copyFileSync',
  'link',
  'linkSync',
  'symlink',
  'symlinkSync',
  'cp',
  'cpSync',
]);

function asPath(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof URL && value.protocol === 'file:') return value.pathname;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

function wrapFunctions(source: Record<string, unknown>, recorder: FsRecorder) {
  const out: Record<string, unknown> = { ...source };
  for (const [name, value] of Object.entries(source)) {
    if (typeof value !== 'function' || !/^[a-z]/.test(name)) continue;
    const fn = value as (...args: unknown[]) => unknown;
    out[name] = function (this: unknown, ...args: unknown[]) {
      if (recorder.on) {
        const first = asPath(args[0]);
        if (first !== undefined) recorder.paths.push(first);
        const second = TWO_PATHS.has(name) ? asPath(args[1]) : undefined;
        if (second !== undefined) recorder.paths.push(second);
      }
      return fn.apply(this, args);
    };
  }
  return out;
}

/** The module with its functions (and its `promises` object, for node:fs) wrapped. */
export function wrapFsModule(mod: Record<string, unknown>, recorder: FsRecorder) {
  const wrapped = wrapFunctions(mod, recorder);
  if (mod.promises && typeof mod.promises === 'object') {
    wrapped.promises = wrapFunctions(mod.promises as Record<string, unknown>, recorder);
  }
  return { ...wrapped, default: wrapped };
}
