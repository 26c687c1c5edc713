// A removeacct that lands while a create_integration_link or create_integration_group for the
// same user is running (after the call found the account, before it wrote): the call fails with
// the unknown-user reason and leaves nothing behind for a later account of the same name.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemorySessionRecords, createSessions } from '../src/accounts/sessions.ts';
import { silentLogger } from '../src/log.ts';
import { createFileStore } from '../src/store/file-store.ts';
import type { Store } from '../src/store/store.ts';
import { whmFunctions } from '../src/whm/functions/index.ts';
import { runWhmFunction, type WhmDeps } from '../src/whm/registry.ts';
import { sampleLink } from './helpers/fixtures.ts';
import { listTree, makeStoreTempDir, removeStoreTempDirs } from './helpers/store-fs.ts';

afterEach(removeStoreTempDirs);

describe('an account removed while a call that writes for it runs', () => {
  it.each([
    ['create_integration_link', { ...sampleLink('tok-REMOVED-RACE') }],
    ['create_integration_group', { user: 'alice', group_id: 'tools', label: 'Tools', order: '1' }],
  ])('%s answers “no such user” and writes nothing', async (fn, args) => {
    const dataDir = await makeStoreTempDir();
    const store = createFileStore({ dataDir, logger: silentLogger });
    await store.init();
    await store.createAccount({ user: 'alice', domain: 'alice.example', created: 1 });
    // The account check of the call sees alice; the removal then runs before the call writes.
    const racing: Store = {
      ...store,
      async getAccount(user) {
        const account = await store.getAccount(user);
        await store.removeAccount(user);
        return account;
      },
    };
    const deps: WhmDeps = {
      store: racing,
      logger: silentLogger,
      now: Date.now,
      broker: {} as never,
      sessions: createSessions(createMemorySessionRecords()),
      publicUrl: () => 'http://127.0.0.1:2087',
    };
    const answer = await runWhmFunction(whmFunctions, deps, fn, { ...args, user: 'alice' });
    expect(answer).toMatchObject({
      metadata: { result: 0, reason: 'You do not have a user named “alice”.' },
    });
    expect(await listTree(dataDir)).toEqual([
      'accounts/ 750',
      'integration/ 751',
      'integration/links/ 751',
      'locks/ 700',
    ]);
  });
});
