// Compatibility with cPanel's official JS client (@cpanel/api, CpanelInc/cpanel-node-api):
// requests shaped exactly as its WhmApiRequest generates them (POST form body by default,
// "api.version=1" first, then the arguments, sorts, filters and pager; or the JSON-body
// variant), and answers read the way its WhmApiResponse reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;

// ---- The request side, as WhmApiRequest.generate() builds it ---------------------------------

type Value = string | number;
interface Sort {
  column: string;
  descending?: boolean;
  /** The client sends lodash snakeCase of its SortType name: Ipv4 becomes "ipv_4". */
  method: 'lexicographic' | 'ipv_4' | 'numeric' | 'numeric_zero_as_max';
}
interface Filter {
  column: string;
  /** FilterOperator → name, as its _lookupFilterOperator maps them. */
  type: 'gt_handle_unlimited' | 'gt' | 'lt_handle_unlimited' | 'lt' | 'eq' | 'begins' | 'contains';
  value: Value;
}
interface Pager {
  page: number;
  /** Infinity is the client's ALL. */
  pageSize: number;
}

/** The ordered name/value list: api.version, arguments, sorts, filters, then the pager. */
function clientParams(args: [string, Value][], sorts: Sort[], filters: Filter[], pager?: Pager) {
  const params: [string, Value][] = [['api.version', 1], ...args];
  // Past z the client continues za, zb, …; these tests stay within a, b, c.
  const id = (i: number) => 'abcdefghijklmnopqrstuvwxyz'.charAt(i);
  sorts.forEach((s, i) => {
    if (i === 0) params.push(['api.sort.enable', '1']);
    params.push([`api.sort.${id(i)}.field`, s.column]);
    params.push([`api.sort.${id(i)}.reverse`, s.descending ? '1' : '0']);
    params.push([`api.sort.${id(i)}.method`, s.method]);
  });
  filters.forEach((f, i) => {
    if (i === 0) {
      params.push(['api.filter.enable', '1']);
      params.push(['api.filter.verbose', '1']);
    }
    params.push([`api.filter.${id(i)}.field`, f.column]);
    params.push([`api.filter.${id(i)}.type`, f.type]);
    params.push([`api.filter.${id(i)}.arg0`, f.value]);
  });
  if (pager) {
    const all = pager.pageSize === Number.POSITIVE_INFINITY;
    params.push(['api.chunk.enable', '1']);
    params.push(['api.chunk.verbose', '1']);
    // The client asks for every record with start=-1 and no size.
    params.push(['api.chunk.start', all ? -1 : (pager.page - 1) * pager.pageSize + 1]);
    if (!all) params.push(['api.chunk.size', pager.pageSize]);
  }
  return params;
}

/** WwwFormUrlArgumentEncoder: name=encodeURIComponent(value), joined by "&". */
const formBody = (params: [string, Value][]) =>
  params.map(([name, value]) => `${name}=${encodeURIComponent(value.toString())}`).join('&');

/** JsonArgumentEncoder: "{" + JSON name:value pairs joined by "," + "}" (numbers stay numbers). */
const jsonBody = (params: [string, Value][]) =>
  `{${params.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;

async function send(
  method: string,
  options: {
    args?: [string, Value][];
    sorts?: Sort[];
    filters?: Filter[];
    pager?: Pager;
    json?: boolean;
  } = {},
) {
  const params = clientParams(
    options.args ?? [],
    options.sorts ?? [],
    options.filters ?? [],
    options.pager,
  );
  const res = await fetch(`${server.url}/json-api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: {
      ...server.auth,
      'Content-Type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: options.json ? jsonBody(params) : formBody(params),
  });
  expect(res.status).toBe(200);
  return readLikeWhmApiResponse(await res.json());
}

// ---- The response side, as WhmApiResponse / WhmApiMetaData read it --------------------------

function readLikeWhmApiResponse(response: Json) {
  const meta = response.metadata;
  if (meta === undefined || meta.result === undefined) throw new Error('no metadata.result');
  const status = Number.parseInt(meta.result, 10);
  const messages = meta.result ? [] : [meta.reason as string];
  const read = {
    isPaged: false,
    record: 0,
    page: 0,
    pageSize: 0,
    totalRecords: 0,
    totalPages: 0,
    isFiltered: false,
    recordsBeforeFilter: 0,
  };
  if (meta.chunk) {
    read.isPaged = true;
    read.record = Number.parseInt(meta.chunk.start, 10) || 0;
    read.page = Number.parseInt(meta.chunk.current, 10) || 0;
    read.pageSize = Number.parseInt(meta.chunk.size, 10) || 0;
    read.totalPages = Number.parseInt(meta.chunk.chunks, 10) || 0;
    read.totalRecords = Number.parseInt(meta.chunk.records, 10) || 0;
  }
  if (meta.filter) {
    read.isFiltered = true;
    read.recordsBeforeFilter = Number.parseInt(meta.filter.filtered, 10) || 0;
  }
  // _reduce_list_data: a single-key object holding an array becomes that array.
  let data = response.data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const keys = Object.keys(data);
    if (keys.length === 1) {
      const only = data[keys[0] as string];
      if (!only) data = [];
      else if (Array.isArray(only)) data = only;
    }
  }
  return { status, messages, meta: read, data, raw: response };
}

// ---- Fixtures --------------------------------------------------------------------------------

const APPS = Array.from({ length: 150 }, (_, i) => `app${String(i + 1).padStart(3, '0')}`);

beforeAll(async () => {
  server = await startTestServer();
  await server.whm('createacct', { username: 'alice', domain: 'alice.example.com' });
  await server.whm('createacct', { username: 'bob', domain: 'bob.example.org' });
  await server.whm('createacct', { username: 'carol', domain: 'carol.example.com' });
  // Links go in through the store: 150 API calls would only slow the file down.
  const store = server.runtime.deps.store;
  for (const app of APPS) {
    await store.putLink(
      'alice',
      app,
      { label: app, implements: 'billing', url: 'https://e.example/' },
      'tok',
    );
  }
  for (const [group, order] of [
    ['Billing', '1'],
    ['Tools', '2'],
    ['Zone', '3'],
  ] as const) {
    await store.putGroup('alice', group, { label: group, order });
  }
});
afterAll(() => server.stop());

describe('request shapes WhmApiRequest generates', () => {
  it('a plain call: POST form body "api.version=1&user=alice"', async () => {
    const body = formBody(clientParams([['user', 'alice']], [], []));
    expect(body).toBe('api.version=1&user=alice');
    const answer = await send('list_integration_links', { args: [['user', 'alice']] });
    expect(answer.status).toBe(1);
    expect(answer.messages).toEqual([]);
    expect(answer.data).toEqual(APPS.map((app) => ({ app })));
    expect(answer.meta.isPaged).toBe(false);
  });

  it('the pager (page 2 of 10): api.chunk.enable=1&api.chunk.verbose=1&api.chunk.start=11&api.chunk.size=10', async () => {
    const pager = { page: 2, pageSize: 10 };
    expect(formBody(clientParams([], [], [], pager))).toContain(
      'api.chunk.enable=1&api.chunk.verbose=1&api.chunk.start=11&api.chunk.size=10',
    );
    const answer = await send('list_integration_links', { args: [['user', 'alice']], pager });
    expect(answer.status).toBe(1);
    expect(answer.data).toEqual(APPS.slice(10, 20).map((app) => ({ app })));
    expect(answer.meta).toMatchObject({
      isPaged: true,
      record: 11,
      page: 2,
      pageSize: 10,
      totalRecords: 150,
      totalPages: 15,
    });
  });

  it('the pager’s ALL (api.chunk.start=-1, no size) is answered from record 1', async () => {
    const all = { page: 1, pageSize: Number.POSITIVE_INFINITY };
    expect(formBody(clientParams([], [], [], all))).toBe(
      'api.version=1&api.chunk.enable=1&api.chunk.verbose=1&api.chunk.start=-1',
    );
    // Fewer records than the default chunk size: the client gets them all in one page.
    const small = await send('list_integration_groups', { args: [['user', 'alice']], pager: all });
    expect(small.status).toBe(1);
    expect(small.data).toEqual([{ group: 'Billing' }, { group: 'Tools' }, { group: 'Zone' }]);
    expect(small.meta).toMatchObject({
      isPaged: true,
      record: 1,
      page: 1,
      totalPages: 1,
      totalRecords: 3,
    });
    // More than that: the default chunk (100) and metadata saying how many pages there are,
    // which the client documents ("the backend process may not honor this request").
    const large = await send('list_integration_links', { args: [['user', 'alice']], pager: all });
    expect(large.status).toBe(1);
    expect(large.data).toEqual(APPS.slice(0, 100).map((app) => ({ app })));
    expect(large.meta).toMatchObject({
      record: 1,
      page: 1,
      pageSize: 100,
      totalPages: 2,
      totalRecords: 150,
    });
  });

  it('filters: api.filter.enable=1&api.filter.verbose=1&api.filter.a.field=…&api.filter.a.type=…&api.filter.a.arg0=…', async () => {
    const filters: Filter[] = [
      { column: 'app', type: 'contains', value: '1' },
      { column: 'app', type: 'begins', value: 'APP0' },
    ];
    expect(formBody(clientParams([], [], filters))).toBe(
      'api.version=1&api.filter.enable=1&api.filter.verbose=1&api.filter.a.field=app&api.filter.a.type=contains&api.filter.a.arg0=1&api.filter.b.field=app&api.filter.b.type=begins&api.filter.b.arg0=APP0',
    );
    const answer = await send('list_integration_links', { args: [['user', 'alice']], filters });
    const expected = APPS.filter((a) => a.includes('1') && a.startsWith('app0'));
    expect(expected.length).toBeGreaterThan(5);
    expect(answer.data).toEqual(expected.map((app) => ({ app })));
    expect(answer.meta).toMatchObject({ isFiltered: true, recordsBeforeFilter: 150 });
    expect(answer.raw.metadata.filter).toEqual({
      a: { field: 'app', type: 'contains', arg0: '1', valid: 1 },
      b: { field: 'app', type: 'begins', arg0: 'APP0', valid: 1 },
      filtered: 150,
    });
  });

  it('a value with a space, percent-encoded as %20', async () => {
    const filters: Filter[] = [{ column: 'domain', type: 'contains', value: 'unit test' }];
    expect(formBody(clientParams([], [], filters))).toContain('api.filter.a.arg0=unit%20test');
    const answer = await send('listaccts', { filters });
    expect(answer.status).toBe(1);
    expect(answer.data).toEqual([]);
    expect(answer.meta.recordsBeforeFilter).toBe(3);
  });

  it('numeric filter operators with a number value', async () => {
    for (const type of ['gt', 'lt', 'gt_handle_unlimited', 'lt_handle_unlimited', 'eq'] as const) {
      const answer = await send('listaccts', { filters: [{ column: 'user', type, value: 100 }] });
      expect(answer.status, type).toBe(1);
      // No user name is a number, so no numeric comparison matches (and eq is exact).
      expect(answer.data, type).toEqual([]);
    }
  });

  it('sorts: api.sort.enable=1&api.sort.a.field=…&api.sort.a.reverse=…&api.sort.a.method=…', async () => {
    const sorts: Sort[] = [{ column: 'domain', descending: true, method: 'lexicographic' }];
    expect(formBody(clientParams([], sorts, []))).toBe(
      'api.version=1&api.sort.enable=1&api.sort.a.field=domain&api.sort.a.reverse=1&api.sort.a.method=lexicographic',
    );
    const answer = await send('listaccts', { sorts });
    expect(answer.data).toEqual([
      { user: 'carol', domain: 'carol.example.com' },
      { user: 'bob', domain: 'bob.example.org' },
      { user: 'alice', domain: 'alice.example.com' },
    ]);
    for (const method of ['ipv_4', 'numeric', 'numeric_zero_as_max'] as const) {
      const other = await send('listaccts', { sorts: [{ column: 'user', method }] });
      expect(other.status, method).toBe(1);
      expect(other.data, method).toHaveLength(3);
    }
  });

  it('sorts, filters and the pager together, in the client’s order', async () => {
    const answer = await send('list_integration_links', {
      args: [['user', 'alice']],
      sorts: [{ column: 'app', descending: true, method: 'lexicographic' }],
      filters: [{ column: 'app', type: 'contains', value: '5' }],
      pager: { page: 2, pageSize: 5 },
    });
    const expected = APPS.filter((a) => a.includes('5')).reverse();
    expect(answer.data).toEqual(expected.slice(5, 10).map((app) => ({ app })));
    expect(answer.meta).toMatchObject({
      isPaged: true,
      record: 6,
      page: 2,
      pageSize: 5,
      totalRecords: expected.length,
      totalPages: Math.ceil(expected.length / 5),
      isFiltered: true,
      recordsBeforeFilter: 150,
    });
  });

  it('the JSON-body variant: {"api.version":1,…} with numbers as JSON numbers', async () => {
    const options = {
      args: [['user', 'alice']] as [string, Value][],
      filters: [{ column: 'app', type: 'contains', value: 12 }] as Filter[],
      pager: { page: 2, pageSize: 3 },
      json: true,
    };
    const body = jsonBody(clientParams(options.args, [], options.filters, options.pager));
    expect(body).toBe(
      '{"api.version":1,"user":"alice","api.filter.enable":"1","api.filter.verbose":"1","api.filter.a.field":"app","api.filter.a.type":"contains","api.filter.a.arg0":12,"api.chunk.enable":"1","api.chunk.verbose":"1","api.chunk.start":4,"api.chunk.size":3}',
    );
    const answer = await send('list_integration_links', options);
    const expected = APPS.filter((a) => a.includes('12'));
    expect(answer.data).toEqual(expected.slice(3, 6).map((app) => ({ app })));
    expect(answer.meta).toMatchObject({ record: 4, page: 2, totalRecords: expected.length });
  });

  it('the JSON-body variant of a write: create_integration_link then its user config', async () => {
    const args: [string, Value][] = [
      ['user', 'bob'],
      ['app', 'WHMCS_billing'],
      ['implements', 'billing'],
      ['label', 'WHMCS Billing'],
      ['subscriber_unique_id', 1234],
      ['token', 'tok-json-variant'],
      ['url', 'https://billing.example.com/'],
      ['order', -5],
    ];
    const created = await send('create_integration_link', { args, json: true });
    expect(created.status).toBe(1);
    expect(created.data).toBeUndefined();
    const config = await send('get_integration_link_user_config', {
      args: [
        ['user', 'bob'],
        ['app', 'WHMCS_billing'],
      ],
      json: true,
    });
    // One key that is not an array: the client keeps the object.
    expect(config.data).toEqual({
      userconfig: {
        app: 'WHMCS_billing',
        implements: 'billing',
        label: 'WHMCS Billing',
        order: '-5',
        subscriber_unique_id: '1234',
        url: 'https://billing.example.com/',
        user: 'bob',
      },
    });
    expect(JSON.stringify(config.raw)).not.toContain('tok-json-variant');
  });
});

describe('answers WhmApiResponse reads', () => {
  it('a failure: status 0 and the reason as the one error message', async () => {
    const answer = await send('list_integration_links', { args: [['user', 'nobody2']] });
    expect(answer.status).toBe(0);
    expect(answer.messages).toEqual(['You do not have a user named “nobody2”.']);
    expect(answer.data).toBeUndefined();
  });

  it('a malformed list argument: status 0 naming the argument', async () => {
    const answer = await send('list_integration_links', {
      args: [['user', 'alice']],
      filters: [{ column: 'label', type: 'contains', value: 'x' }],
    });
    expect(answer.status).toBe(0);
    expect(answer.messages).toEqual([
      'The “api.filter.a.field” parameter must name a field of the records (“app”) or be “*” for any field; there is no field “label”.',
    ]);
  });

  it('single-key data holding the list, also when the list is empty', async () => {
    const answer = await send('list_integration_groups', { args: [['user', 'carol']] });
    expect(answer.raw.data).toEqual({ links: [] });
    expect(answer.data).toEqual([]);
    const groups = await send('list_integration_groups', { args: [['user', 'alice']] });
    expect(groups.data).toEqual([{ group: 'Billing' }, { group: 'Tools' }, { group: 'Zone' }]);
  });

  it('get_users_links: a multi-key object the client passes through unchanged', async () => {
    const answer = await send('get_users_links', { args: [['user', 'carol']] });
    expect(answer.data).toEqual({
      billing: '/',
      customer_service: '/',
      support: '/',
      upgrade: '/',
    });
  });
});
