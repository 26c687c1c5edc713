// Temp data dirs and file-system inspection for the store tests.
import { lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a fresh temp dir; every dir made is removed by removeStoreTempDirs(). */
const made: string[] = [];
export async function makeStoreTempDir(prefix = 'linkbroker-store-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeStoreTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** Every path under `root` (relative, sorted) with its type, mode and, for symlinks, target. */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const name of await readdir(join(root, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const stats = await lstat(join(root, path));
      const mode = (stats.mode & 0o777).toString(8);
      if (stats.isSymbolicLink()) out.push(`${path} -> ${await readlink(join(root, path))}`);
      else if (stats.isDirectory()) {
        out.push(`${path}/ ${mode}`);
        await walk(path);
      } else out.push(`${path} ${mode} ${stats.size}`);
    }
  }
  await walk('');
  return out.sort();
}

/** The mode bits of a path (without following a symlink). */
export async function modeOf(path: string): Promise<number> {
  return (await lstat(path)).mode & 0o777;
}
