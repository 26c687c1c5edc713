// Starts the real server on 127.0.0.1 port 0 with a fresh data dir, capturing every log line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { BrokerOverrides } from '../../src/runtime.ts';
import { type RunningServer, startServer } from '../../src/server.ts';

export const ROOT_PASSWORD = 'correct horse battery staple'.replaceAll(' ', '-');
export const ROOT_TOKEN = 'ROOTTOKEN0123456789ABCDEFGHIJKLMNOP';

export interface TestServer extends RunningServer {
  dataDir: string;
  logs: string[];
  /** Headers that authenticate as root with the API token. */
  auth: Record<string, string>;
  whm(fn: string, args?: Record<string, string>, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  overrides?: BrokerOverrides,
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-test-'));
  const logger = createMemoryLogger();
  const config = loadConfig({
    PORT: '0',
    LINKBROKER_DATA_DIR: dataDir,
    LINKBROKER_ROOT_PASSWORD: ROOT_PASSWORD,
    LINKBROKER_ROOT_TOKEN: ROOT_TOKEN,
    ...env,
  });
  const running = await startServer(config, logger, overrides);
  const auth = { authorization: `whm root:${ROOT_TOKEN}` };
  return {
    ...running,
    dataDir,
    logs: logger.lines,
    auth,
    whm: (fn, args = {}, init = {}) =>
      fetch(`${running.url}/json-api/${fn}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'api.version': '1', ...args }).toString(),
        ...init,
      }),
    async stop() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every entry under `dir`, for "nothing was written" comparisons: each file's contents, and each
 * entry's mode and modification time (a directory's changes with any entry created and removed
 * in it, a lock file's for instance).
 */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const { readdir, readFile, lstat } = await import('node:fs/promises');
  const out: Record<string, string> = {};
  const walk = async (d: string, prefix: string) => {
    for (const name of (await readdir(d)).sort()) {
      const path = join(d, name);
      const info = await lstat(path);
      const meta = `mode ${(info.mode & 0o7777).toString(8)}, mtime ${info.mtimeMs}`;
      if (info.isDirectory()) {
        out[`${prefix}${name}/`] = meta;
        await walk(path, `${prefix}${name}/`);
      } else {
        const contents = info.isFile() ? await readFile(path, 'utf8') : '<link>';
        out[`${prefix}${name}`] = `${meta}: ${contents}`;
      }
    }
  };
  await walk(dir, '');
  return out;
}

/** A parsed JSON answer, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON shapes.
export type Json = any;
export const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;
