// Root secrets: generated once and stored hashed, reused on restart, environment values win.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { hashSecret, loadOrCreateSecrets } from '../../src/store/secrets.ts';
import { StoreIntegrityError } from '../../src/store/store.ts';
import { makeStoreTempDir, modeOf, removeStoreTempDirs } from '../helpers/store-fs.ts';

let dataDir: string;
let savedUmask: number;
beforeEach(async () => {
  dataDir = join(await makeStoreTempDir(), 'data');
  savedUmask = process.umask(0); // the modes must not depend on it
});
afterEach(async () => {
  process.umask(savedUmask);
  await removeStoreTempDirs();
});

const secretsDir = () => join(dataDir, 'secrets');
const readRoot = async () => JSON.parse(await readFile(join(secretsDir(), 'root.json'), 'utf8'));

it('generates the root password, token and continuation key once, storing only hashes', async () => {
  const first = await loadOrCreateSecrets(dataDir, {});
  const { rootPassword, rootToken } = first.generated;
  expect(rootPassword).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(rootToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(rootPassword).not.toBe(rootToken);
  expect(first.rootPasswordHash.equals(hashSecret(rootPassword ?? ''))).toBe(true);
  expect(first.rootTokenHash.equals(hashSecret(rootToken ?? ''))).toBe(true);
  expect(first.continuationKey).toHaveLength(32);

  expect(await readRoot()).toEqual({
    rootPasswordSha256: first.rootPasswordHash.toString('hex'),
    rootTokenSha256: first.rootTokenHash.toString('hex'),
  });
  const files = await readdir(secretsDir());
  expect(files.sort()).toEqual(['continuation.key', 'root.json']);
  for (const file of files) {
    const text = await readFile(join(secretsDir(), file), 'latin1');
    expect(text).not.toContain(rootPassword);
    expect(text).not.toContain(rootToken);
  }
  expect(await modeOf(secretsDir())).toBe(0o700);
  expect(await modeOf(join(secretsDir(), 'root.json'))).toBe(0o600);
  expect(await modeOf(join(secretsDir(), 'continuation.key'))).toBe(0o600);

  const second = await loadOrCreateSecrets(dataDir, {});
  expect(second.generated).toEqual({});
  expect(second.rootPasswordHash.equals(first.rootPasswordHash)).toBe(true);
  expect(second.rootTokenHash.equals(first.rootTokenHash)).toBe(true);
  expect(second.continuationKey.equals(first.continuationKey)).toBe(true);
});

it('prefers values from the environment and never writes them', async () => {
  const given = await loadOrCreateSecrets(dataDir, {
    rootPassword: 'pw-env',
    rootToken: 'tok-env',
  });
  expect(given.generated).toEqual({});
  expect(given.rootPasswordHash.equals(hashSecret('pw-env'))).toBe(true);
  expect(given.rootTokenHash.equals(hashSecret('tok-env'))).toBe(true);
  expect(await readdir(secretsDir())).toEqual(['continuation.key']);

  // Only the missing one is generated; a stored hash is overridden by a given value.
  const half = await loadOrCreateSecrets(dataDir, { rootToken: 'tok-env' });
  expect(Object.keys(half.generated)).toEqual(['rootPassword']);
  expect(half.rootTokenHash.equals(hashSecret('tok-env'))).toBe(true);
  expect(await readRoot()).toEqual({ rootPasswordSha256: half.rootPasswordHash.toString('hex') });

  const later = await loadOrCreateSecrets(dataDir, { rootPassword: 'pw-env' });
  expect(Object.keys(later.generated)).toEqual(['rootToken']);
  expect(later.rootPasswordHash.equals(hashSecret('pw-env'))).toBe(true);
  const stored = await readRoot();
  expect(stored.rootPasswordSha256).toBe(half.rootPasswordHash.toString('hex'));
  expect(stored.rootTokenSha256).toBe(later.rootTokenHash.toString('hex'));
  expect(JSON.stringify(stored)).not.toContain(hashSecret('pw-env').toString('hex'));
});

it('refuses a corrupt root.json rather than silently replacing the root credentials', async () => {
  await loadOrCreateSecrets(dataDir, {});
  await writeFile(join(secretsDir(), 'root.json'), '{"rootTokenSha256": "nope"}');
  await expect(loadOrCreateSecrets(dataDir, {})).rejects.toBeInstanceOf(StoreIntegrityError);
});
