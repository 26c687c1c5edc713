// Crash safety: a child process replaces links in a loop and is killed with SIGKILL at random
// moments; after init() every link must be whole, of one generation, and never older than acked.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { createFileStore } from '../../src/store/file-store.ts';
import { listTree, makeStoreTempDir, removeStoreTempDirs } from '../helpers/store-fs.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USER = 'crash';
const APPS = ['alpha', 'beta', 'gamma'];
const ROUNDS = 20;

afterAll(removeStoreTempDirs);

/** Runs one writer until a random moment after it is ready, then SIGKILLs it. */
async function runAndKill(dataDir: string, firstGeneration: number, acked: Map<string, number>) {
  const child = spawn(
    process.execPath,
    ['bin/run-ts.js', 'test/store/crash-writer.ts', dataDir, String(firstGeneration)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (line === 'ready') resolve();
        const [app = '', gen = ''] = line.split(' ');
        if (APPS.includes(app)) acked.set(app, Math.max(acked.get(app) ?? 0, Number(gen)));
      }
    });
    closed.then(() => reject(new Error(`writer exited before it was ready: ${stderr}`)));
  });
  await ready;
  await sleep(20 + Math.random() * 130);
  const killed = child.kill('SIGKILL');
  await closed; // 'close' waits for stdout to drain, so every acknowledgement has been read
  expect(killed, `writer died on its own: ${stderr}`).toBe(true);
}

async function checkLinks(dataDir: string, acked: Map<string, number>) {
  await createFileStore({ dataDir, logger: silentLogger }).init();
  const dir = join(dataDir, 'integration', 'links', USER);
  for (const app of APPS) {
    const last = acked.get(app);
    const files = await Promise.all(
      ['userconfig', 'adminconfig'].map((ext) =>
        readFile(join(dir, `${app}.${ext}`), 'utf8').catch(() => undefined),
      ),
    );
    if (last === undefined && files.every((f) => f === undefined)) continue;
    const [user, admin] = files.map((f) => JSON.parse(f ?? 'null'));
    const generation = Number(/^gen-(\d+)$/.exec(user?.label)?.[1]);
    expect(admin, `${app}: token of the same generation as the label`).toEqual({
      token: `tok-${generation}`,
    });
    expect(user.url).toBe(`https://partner.example/${app}/${generation}`);
    expect(generation, `${app}: an acknowledged write was lost`).toBeGreaterThanOrEqual(last ?? 0);
  }
  const leftovers = (await listTree(dataDir)).filter((p) => /\.tmp-|\.intent\b/.test(p));
  expect(leftovers).toEqual([]);
}

it('keeps every link whole and every acknowledged write across SIGKILLs', async () => {
  const dataDir = await makeStoreTempDir();
  const acked = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    await runAndKill(dataDir, round * 1_000_000, acked);
    await checkLinks(dataDir, acked);
  }
  // The test proves something only if the writers got work done between the kills.
  expect(APPS.every((app) => (acked.get(app) ?? 0) > 0)).toBe(true);
}, 60_000);
