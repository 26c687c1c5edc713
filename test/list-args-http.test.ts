// The list arguments wired to every list function over HTTP (list_integration_links,
// list_integration_groups, listaccts), with hand-computed expectations; other functions
// ignore them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;

async function call(fn: string, args: Record<string, string>): Promise<Json> {
  const res = await server.whm(fn, args);
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [username, domain] of [
    ['alice', 'shop.example.com'],
    ['bob', 'blog.example.org'],
    ['carol', 'a.example.net'],
    ['dave', 'shop2.example.com'],
  ]) {
    await call('createacct', { username: username as string, domain: domain as string });
  }
  const store = server.runtime.deps.store;
  for (const app of ['5', '50', '0', 'unlimited', 'abc', 'Abc', '12', '7']) {
    await store.putLink('alice', app, { label: app, url: 'https://e.example/' }, 'tok');
  }
  for (const group of ['Billing', 'billing2', 'Tools', 'bits']) {
    await store.putGroup('alice', group, { label: group, order: '1' });
  }
});
afterAll(() => server.stop());

const apps = (body: Json) => body.data.links.map((l: { app: string }) => l.app);

describe('list_integration_links', () => {
  it('filters numerically with unlimited (and 0, as cPanel reads it) as infinity', async () => {
    const body = await call('list_integration_links', {
      user: 'alice',
      'api.filter.enable': '1',
      'api.filter.a.field': 'app',
      'api.filter.a.type': 'gt_handle_unlimited',
      'api.filter.a.arg0': '10',
    });
    expect(apps(body)).toEqual(['0', '12', '50', 'unlimited']);
  });

  it('sorts numeric_zero_as_max, non-numbers last, then chunks with select', async () => {
    const args = {
      user: 'alice',
      'api.sort.enable': '1',
      'api.sort.a.field': 'app',
      'api.sort.a.method': 'numeric_zero_as_max',
    };
    // 5 7 12 50, then 0 and unlimited (both infinite, text order), then Abc abc.
    expect(apps(await call('list_integration_links', args))).toEqual([
      '5',
      '7',
      '12',
      '50',
      '0',
      'unlimited',
      'Abc',
      'abc',
    ]);
    const page = await call('list_integration_links', {
      ...args,
      'api.chunk.enable': '1',
      'api.chunk.size': '3',
      'api.chunk.select': '2',
      'api.chunk.verbose': '1',
    });
    expect(apps(page)).toEqual(['50', '0', 'unlimited']);
    expect(page.metadata).toEqual({
      command: 'list_integration_links',
      reason: 'OK',
      result: 1,
      version: 1,
      chunk: { start: 4, size: 3, records: 8, current: 2, chunks: 3 },
    });
  });
});

describe('list_integration_groups', () => {
  it('filters (begins, case-insensitive), sorts reversed and reports the filter', async () => {
    const body = await call('list_integration_groups', {
      user: 'alice',
      'api.filter.enable': '1',
      'api.filter.verbose': '1',
      'api.filter.a.field': 'group',
      'api.filter.a.type': 'begins',
      'api.filter.a.arg0': 'bi',
      'api.sort.enable': '1',
      'api.sort.a.field': 'group',
      'api.sort.a.reverse': '1',
    });
    expect(body.data).toEqual({
      links: [{ group: 'bits' }, { group: 'billing2' }, { group: 'Billing' }],
    });
    expect(body.metadata.filter).toEqual({
      a: { field: 'group', type: 'begins', arg0: 'bi', valid: 1 },
      filtered: 4,
    });
  });
});

describe('an unknown user with broken list arguments', () => {
  it('is refused for the user, like every other broken rule', async () => {
    for (const [fn, broken] of [
      ['list_integration_links', { 'api.filter.enable': '1' }],
      ['list_integration_groups', { 'api.chunk.enable': '1', 'api.chunk.size': 'x' }],
      ['list_integration_links', { 'api.sort.enable': '1', 'api.sort.a.field': 'nope' }],
    ] as const) {
      const body = await call(fn, { user: 'ghost', ...broken });
      expect(body.metadata).toMatchObject({
        result: 0,
        reason: 'You do not have a user named “ghost”.',
      });
      // The same arguments for a real user name the argument.
      const real = await call(fn, { user: 'alice', ...broken });
      expect(real.metadata.result).toBe(0);
      expect(real.metadata.reason).toMatch(/“api\.(filter|chunk|sort)\./);
    }
  });
});

describe('listaccts', () => {
  it('columns, filter, sort and chunk in that order', async () => {
    const body = await call('listaccts', {
      'api.columns.enable': '1',
      'api.columns.a': 'domain',
      'api.filter.enable': '1',
      'api.filter.a.field': 'domain',
      'api.filter.a.arg0': '.COM',
      'api.sort.enable': '1',
      'api.sort.a.field': 'domain',
      'api.sort.a.reverse': '1',
      'api.chunk.enable': '1',
      'api.chunk.size': '1',
      'api.chunk.start': '2',
    });
    // .com domains: shop, shop2 → reversed: shop2, shop → record 2.
    expect(body.data).toEqual({ acct: [{ domain: 'shop.example.com' }] });
  });

  it('refuses a sort on a column that is not displayed', async () => {
    const body = await call('listaccts', {
      'api.columns.enable': '1',
      'api.columns.a': 'domain',
      'api.sort.enable': '1',
      'api.sort.a.field': 'user',
    });
    expect(body).toEqual({
      metadata: {
        command: 'listaccts',
        result: 0,
        version: 1,
        reason:
          'The “api.sort.a.field” parameter must name a field of the records (“domain”); there is no field “user”.',
      },
    });
  });
});

describe('functions that answer no list', () => {
  it('ignore the list arguments', async () => {
    const body = await call('get_users_links', {
      user: 'bob',
      'api.chunk.enable': '1',
      'api.chunk.size': 'lots',
      'api.columns.enable': '1',
    });
    expect(body.metadata.result).toBe(1);
    expect(Object.keys(body.data)).toHaveLength(4);
  });
});
