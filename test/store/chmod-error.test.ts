// A chmod the system refuses (EPERM: the directory belongs to another user; EROFS: a read-only
// mount) names its path, so that start-up explains it in one line instead of a stack trace, and
// is not even tried where the mode is right already. fchmod is refused here by a mock: a test
// running as root would be allowed it.
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { createFileSessionRecords } from '../../src/accounts/session-files.ts';
import { startupFailure } from '../../src/cli/serve.ts';
import { loadConfig } from '../../src/config.ts';
import { repairDirMode } from '../../src/store/atomic-file.ts';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fchmodSync: () => {
      throw Object.assign(new Error('EPERM: operation not permitted, fchmod'), {
        code: 'EPERM',
        errno: -1,
        syscall: 'fchmod',
      });
    },
  };
});

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('names the directory when its mode cannot be repaired, and start-up says so in one line', async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkbroker-chmod-'));
  const accounts = join(dir, 'accounts');
  await mkdir(accounts, { mode: 0o777 });
  const error = await repairDirMode(accounts, 0o750).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'EPERM', path: accounts, syscall: 'chmod' });
  const config = loadConfig({ LINKBROKER_DATA_DIR: dir });
  expect(startupFailure(error, config)).toBe(
    `linkbroker: cannot use the data dir ${dir} (LINKBROKER_DATA_DIR): operation not permitted (${accounts})`,
  );
});

it('tries no chmod where the mode is right: whmapi1 reads a read-only data dir', async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkbroker-chmod-'));
  for (const name of ['sessions', 'locks']) {
    await mkdir(join(dir, name));
    await chmod(join(dir, name), 0o700);
  }
  const records = await createFileSessionRecords(dir);
  expect(await records.get('0'.repeat(64))).toBeUndefined();
  await expect(repairDirMode(join(dir, 'sessions'), 0o700)).resolves.toBeUndefined();
});
