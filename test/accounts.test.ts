// createacct, removeacct and listaccts (SPEC §3.3, minimal subset): rules, duplicates, removal
// of everything an account owns.
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, snapshot, startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('createacct', () => {
  it('creates an account, lowercasing the domain', async () => {
    const body = await json(
      await server.whm('createacct', { username: 'carol', domain: 'Carol.Example.COM' }),
    );
    expect(body).toEqual({
      data: { user: 'carol', domain: 'carol.example.com' },
      metadata: { command: 'createacct', reason: 'OK', result: 1, version: 1 },
    });
  });

  it.each<[Record<string, string>, string]>([
    [{ domain: 'x.example.com' }, 'The “username” parameter is required.'],
    [{ username: 'dave' }, 'The “domain” parameter is required.'],
    [{ username: '', domain: 'x.example.com' }, 'The “username” parameter must not be empty.'],
    [
      { username: 'a'.repeat(17), domain: 'x.example.com' },
      'The “username” parameter may be at most 16 characters long.',
    ],
    [
      { username: '1abc', domain: 'x.example.com' },
      'The “username” parameter must start with a lowercase letter and contain only lowercase letters and digits.',
    ],
    [
      { username: 'Abc', domain: 'x.example.com' },
      'The “username” parameter must start with a lowercase letter and contain only lowercase letters and digits.',
    ],
    [
      { username: 'a_b', domain: 'x.example.com' },
      'The “username” parameter must start with a lowercase letter and contain only lowercase letters and digits.',
    ],
    [
      { username: '../etc', domain: 'x.example.com' },
      'The “username” parameter must start with a lowercase letter and contain only lowercase letters and digits.',
    ],
    [
      { username: 'testuser', domain: 'x.example.com' },
      'The “username” parameter must not begin with “test”.',
    ],
    [{ username: 'root', domain: 'x.example.com' }, 'The “username” parameter is a reserved name.'],
    [
      { username: 'cpanelx', domain: 'x.example.com' },
      'The “username” parameter is a reserved name.',
    ],
    [
      { username: 'dave', domain: 'localhost' },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    [
      { username: 'dave', domain: 'bad_domain.com' },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    [
      { username: 'dave', domain: '-x.example.com' },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    [
      { username: 'dave', domain: `${'a'.repeat(64)}.com` },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    [
      { username: 'dave', domain: '1.2.3.4' },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    ...['nobody', 'all', 'admin', 'daemon', 'bin', 'sys', 'mail'].map(
      (username): [Record<string, string>, string] => [
        { username, domain: 'x.example.com' },
        'The “username” parameter is a reserved name.',
      ],
    ),
    [
      { username: 'dave', domain: 'x-.example.com' },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    [
      { username: 'dave', domain: 'x..example.com' },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    // 254 characters (four labels of 62 and ".com"): one more than a host name may have.
    [
      { username: 'dave', domain: `${Array(4).fill('a'.repeat(62)).join('.')}.com` },
      'The “domain” parameter must be a valid host name such as “example.com”.',
    ],
    [
      { username: 'carol', domain: 'other.example.com' },
      'The “username” parameter names an account that already exists (“carol”).',
    ],
    // A final dot is the same host name: still carol's.
    [
      { username: 'dave', domain: 'Carol.Example.com.' },
      'The “domain” parameter names a domain that already belongs to another account (“carol.example.com”).',
    ],
    [
      { username: 'dave', domain: 'carol.example.com' },
      'The “domain” parameter names a domain that already belongs to another account (“carol.example.com”).',
    ],
  ])('refuses %o with its reason and writes nothing', async (args, reason) => {
    const before = await snapshot(server.dataDir);
    const body = await json(await server.whm('createacct', args as Record<string, string>));
    expect(body.metadata).toEqual({ command: 'createacct', result: 0, version: 1, reason });
    expect(await snapshot(server.dataDir)).toEqual(before);
  });
});

describe('createacct at the same time', () => {
  it('gives one domain to one account, however many ask for it at once', async () => {
    const names = ['para1', 'para2', 'para3', 'para4'];
    const answers = await Promise.all(
      names.map(async (username) =>
        json(await server.whm('createacct', { username, domain: 'shared.example.com' })),
      ),
    );
    const reasons = answers.map((a) => a.metadata.reason).sort();
    expect(reasons).toEqual([
      'OK',
      'The “domain” parameter names a domain that already belongs to another account (“shared.example.com”).',
      'The “domain” parameter names a domain that already belongs to another account (“shared.example.com”).',
      'The “domain” parameter names a domain that already belongs to another account (“shared.example.com”).',
    ]);
    const list = await json(await server.whm('listaccts'));
    const owners = list.data.acct.filter(
      (a: { domain: string }) => a.domain === 'shared.example.com',
    );
    expect(owners).toHaveLength(1);
    // Leave the accounts as the other tests expect them.
    await server.whm('removeacct', { user: owners[0].user });
  });
});

/** A billing link for the user. */
const createLink = (user: string) =>
  server.whm('create_integration_link', {
    user,
    app: 'billing',
    implements: 'billing',
    label: 'Billing',
    subscriber_unique_id: '1',
    token: 't',
    url: 'https://example.com/',
  });

describe('listaccts and removeacct', () => {
  it('lists accounts sorted by user', async () => {
    await server.whm('createacct', { username: 'bob', domain: 'bob.example.com' });
    const body = await json(await server.whm('listaccts'));
    expect(body.data.acct).toEqual([
      { user: 'bob', domain: 'bob.example.com' },
      { user: 'carol', domain: 'carol.example.com' },
    ]);
  });

  it('removes the account with all its links', async () => {
    expect((await json(await createLink('bob'))).metadata.result).toBe(1);
    const body = await json(await server.whm('removeacct', { user: 'bob' }));
    expect(body.metadata).toMatchObject({ result: 1, command: 'removeacct' });
    expect(body).not.toHaveProperty('data');
    expect(await readdir(join(server.dataDir, 'integration', 'links'))).not.toContain('bob');
    const list = await json(await server.whm('listaccts'));
    expect(list.data.acct.map((a: { user: string }) => a.user)).toEqual(['carol']);
    // The same name can be used again afterwards, and its old links are gone.
    await server.whm('createacct', { username: 'bob', domain: 'bob.example.com' });
    expect(await readdir(join(server.dataDir, 'integration', 'links'))).not.toContain('bob');
  });

  it('removes an account whose file is damaged (a name nothing else can use or free)', async () => {
    await server.whm('createacct', { username: 'dora', domain: 'dora.example.com' });
    expect((await json(await createLink('dora'))).metadata.result).toBe(1);
    const file = join(server.dataDir, 'accounts', 'dora.json');
    await writeFile(file, '{"user": "dora", "domain": "dora.exa');
    // Damaged: no account to use, and its name is still taken.
    const listed = await json(await server.whm('list_integration_links', { user: 'dora' }));
    expect(listed.metadata.reason).toBe('You do not have a user named “dora”.');
    const again = await json(
      await server.whm('createacct', { username: 'dora', domain: 'dora2.example.com' }),
    );
    expect(again.metadata.result).toBe(0);
    // removeacct clears it, links included; then the name is free.
    const removed = await json(await server.whm('removeacct', { user: 'dora' }));
    expect(removed.metadata).toMatchObject({ result: 1 });
    expect(await readdir(join(server.dataDir, 'accounts'))).not.toContain('dora.json');
    expect(await readdir(join(server.dataDir, 'integration', 'links'))).not.toContain('dora');
    const fresh = await json(
      await server.whm('createacct', { username: 'dora', domain: 'dora.example.com' }),
    );
    expect(fresh.metadata.result).toBe(1);
    await server.whm('removeacct', { user: 'dora' });
  });

  it('removes an account file that is a symlink (its name is taken; nothing else clears it)', async () => {
    const file = join(server.dataDir, 'accounts', 'sym.json');
    await symlink('/nonexistent-target', file);
    expect(
      (await json(await server.whm('createacct', { username: 'sym', domain: 'sym.example' })))
        .metadata.result,
    ).toBe(0);
    expect((await json(await server.whm('removeacct', { user: 'sym' }))).metadata.result).toBe(1);
    expect(await readdir(join(server.dataDir, 'accounts'))).not.toContain('sym.json');
  });

  it('does not take a directory in the accounts dir for an account', async () => {
    await mkdir(join(server.dataDir, 'accounts', 'ghost.json'));
    try {
      const body = await json(await server.whm('removeacct', { user: 'ghost' }));
      expect(body.metadata).toMatchObject({
        result: 0,
        reason: 'You do not have a user named “ghost”.',
      });
    } finally {
      await rm(join(server.dataDir, 'accounts', 'ghost.json'), { recursive: true });
    }
  });

  it('refuses to remove an account that does not exist, writing nothing', async () => {
    const before = await snapshot(server.dataDir);
    const body = await json(await server.whm('removeacct', { user: 'nobody1' }));
    expect(body.metadata).toMatchObject({
      result: 0,
      reason: 'You do not have a user named “nobody1”.',
    });
    expect(await snapshot(server.dataDir)).toEqual(before);
  });

  it('ends the account’s sessions and its unused login URLs with it', async () => {
    await server.whm('createacct', { username: 'erin', domain: 'erin.example.com' });
    const session = async () =>
      (await json(await server.whm('create_user_session', { user: 'erin', service: 'cpaneld' })))
        .data as { url: string };
    const used = await fetch((await session()).url, { redirect: 'manual' });
    expect(used.status).toBe(302);
    const cookie = String(used.headers.get('set-cookie')).split(';')[0] as string;
    const home = () => fetch(`${server.url}/`, { headers: { cookie } });
    expect((await home()).status).toBe(200);
    const unused = (await session()).url;
    const sessionFiles = () => readdir(join(server.dataDir, 'sessions'));
    const filesBefore = (await sessionFiles()).length;
    expect((await json(await server.whm('removeacct', { user: 'erin' }))).metadata.result).toBe(1);
    expect((await home()).status).toBe(401);
    expect((await fetch(unused, { redirect: 'manual' })).status).toBe(403);
    // Its records are gone from the store, not only refused.
    expect((await sessionFiles()).length).toBeLessThanOrEqual(filesBefore - 2);
  });
});
