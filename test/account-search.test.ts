// listaccts' own search (search, searchtype, searchmethod), as billing systems call it to fetch
// one account: regular expressions on RE2 (linear time), exact matches, every rule broken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
/** Labels of 63 a's: a pattern that backtracks exponentially on it would never finish. */
const LONG_DOMAIN = `${'a'.repeat(63)}.${'a'.repeat(63)}.example.net`;

beforeAll(async () => {
  server = await startTestServer();
  for (const [username, domain] of [
    ['bob', 'Bob.example.org'],
    ['bobby', 'shop.example.com'],
    ['alice', 'alice.example.com'],
    ['aaron', LONG_DOMAIN],
  ] as const) {
    const body = await json(await server.whm('createacct', { username, domain }));
    expect(body.metadata.result).toBe(1);
  }
});
afterAll(() => server.stop());

const users = async (args: Record<string, string>) => {
  const body = await json(await server.whm('listaccts', args));
  expect(body.metadata).toMatchObject({ result: 1, reason: 'OK' });
  return body.data.acct.map((a: { user: string }) => a.user);
};

describe('listaccts search', () => {
  it('finds by regular expression anywhere in the field (the default method)', async () => {
    expect(await users({ search: 'bob', searchtype: 'user' })).toEqual(['bob', 'bobby']);
    expect(await users({ search: '^bob$', searchtype: 'user' })).toEqual(['bob']);
    expect(await users({ search: '\\.com$', searchtype: 'domain' })).toEqual(['alice', 'bobby']);
    expect(await users({ search: '(?i)^BOB\\.', searchtype: 'domain' })).toEqual(['bob']);
    expect(await users({ search: 'nobody', searchtype: 'user' })).toEqual([]);
  });

  it('finds the whole value with searchmethod=exact (a domain ignoring case)', async () => {
    expect(await users({ search: 'bob', searchtype: 'user', searchmethod: 'exact' })).toEqual([
      'bob',
    ]);
    expect(await users({ search: 'bo', searchtype: 'user', searchmethod: 'exact' })).toEqual([]);
    expect(
      await users({ search: 'BOB.EXAMPLE.ORG', searchtype: 'domain', searchmethod: 'exact' }),
    ).toEqual(['bob']);
    // Exact: regular-expression characters are plain text.
    expect(await users({ search: 'b.b', searchtype: 'user', searchmethod: 'exact' })).toEqual([]);
    expect(await users({ search: 'b.b', searchtype: 'user' })).toEqual(['bob', 'bobby']);
  });

  it('finds every account by its owner, root', async () => {
    expect(await users({ search: '^root$', searchtype: 'owner' })).toEqual([
      'aaron',
      'alice',
      'bob',
      'bobby',
    ]);
    expect(await users({ search: 'reseller', searchtype: 'owner' })).toEqual([]);
  });

  it('runs a pattern that would backtrack forever in linear time', async () => {
    expect(await users({ search: '^(a+)+$', searchtype: 'domain' })).toEqual([]);
    expect(await users({ search: '^(a|aa)+\\.', searchtype: 'domain' })).toEqual(['aaron']);
  });

  it('searches first, then applies the list arguments', async () => {
    const body = await json(
      await server.whm('listaccts', {
        search: 'o',
        searchtype: 'user',
        'api.sort.enable': '1',
        'api.sort.a.field': 'domain',
        'api.chunk.enable': '1',
        'api.chunk.size': '2',
        'api.chunk.verbose': '1',
      }),
    );
    // aaron, bob, bobby have an o; by domain: aaa…, Bob…, shop… (code point order).
    expect(body.data.acct.map((a: { user: string }) => a.user)).toEqual(['aaron', 'bob']);
    expect(body.metadata.chunk).toMatchObject({ records: 3, chunks: 2 });
  });

  it.each([
    [
      { search: 'bob' },
      'The “searchtype” parameter is required with “search”: send searchtype=user, domain or owner.',
    ],
    [
      { search: 'x', searchtype: 'ip' },
      'The “searchtype” parameter must be one of user, domain, owner; linkbroker’s accounts have no ip or package.',
    ],
    [
      { search: 'x', searchtype: 'user', searchmethod: 'glob' },
      'The “searchmethod” parameter must be one of regex, exact.',
    ],
    [{ search: '', searchtype: 'user' }, 'The “search” parameter must not be empty.'],
    [
      { search: 'x'.repeat(257), searchtype: 'user' },
      'The “search” parameter may be at most 256 characters long.',
    ],
    [
      { search: 'a\nb', searchtype: 'user' },
      'The “search” parameter must not contain control characters.',
    ],
    [
      { search: '(a', searchtype: 'user' },
      'The “search” parameter is not a regular expression RE2 can read (“error parsing regexp: missing closing ): `(a`”); send searchmethod=exact to match the whole value as written.',
    ],
    [
      { search: '(?<=a)b', searchtype: 'user' },
      'The “search” parameter is not a regular expression RE2 can read (“error parsing regexp: invalid named capture: `(?<=a)b`”); send searchmethod=exact to match the whole value as written.',
    ],
  ])('refuses %j with a reason naming the parameter', async (args, reason) => {
    const body = await json(await server.whm('listaccts', args as Record<string, string>));
    expect(body).toEqual({ metadata: { command: 'listaccts', reason, result: 0, version: 1 } });
  });
});
