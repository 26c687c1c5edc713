// The rest of the Links family end to end (SPEC §3.2): each function's answer, every rule broken
// once (reason checked, nothing written), idempotency where documented, and the token never in
// any answer or log line.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleLink } from './helpers/fixtures.ts';
import { makePng } from './helpers/png.ts';
import { type Json, snapshot, startTestServer, type TestServer } from './helpers/server.ts';

const TOKEN = 'tok-FAMILY-SECRET-5e1d0c9b8a7f';
const NEW_TOKEN = 'tok-FAMILY-FRESH-2b3c4d5e6f70';
const PNG = makePng(16).toString('base64');
const LINK = sampleLink(TOKEN);

let server: TestServer;
const answers: string[] = [];
const userDir = (user = 'alice') => join(server.dataDir, 'integration', 'links', user);
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

async function call(fn: string, args: Record<string, string> = {}): Promise<Json> {
  const res = await server.whm(fn, args);
  expect(res.status).toBe(200);
  const text = await res.text();
  answers.push(text);
  return JSON.parse(text);
}

async function ok(fn: string, args: Record<string, string> = {}): Promise<Json> {
  const body = await call(fn, args);
  expect(body.metadata).toEqual({ command: fn, reason: 'OK', result: 1, version: 1 });
  return body;
}

/** Creates a link of alice from LINK; an `undefined` in `args` leaves that argument out. */
async function link(args: Record<string, string | undefined> = {}) {
  const all: Record<string, string> = { ...LINK };
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) delete all[key];
    else all[key] = value;
  }
  await ok('create_integration_link', all);
}

beforeAll(async () => {
  server = await startTestServer();
  await ok('createacct', { username: 'alice', domain: 'alice.example.com' });
  await ok('createacct', { username: 'bob', domain: 'bob.example.com' });
});

afterAll(async () => {
  // Secrecy: no answer and no log line of this file carried either token.
  expect(answers.length).toBeGreaterThan(80);
  for (const text of [...answers, ...server.logs]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(NEW_TOKEN);
  }
  await server.stop();
});

beforeEach(async () => {
  // Every test starts from alice with exactly the one LINK and no groups.
  for (const { app } of (await call('list_integration_links', { user: 'alice' })).data.links) {
    await ok('remove_integration_link', { user: 'alice', app });
  }
  for (const { group } of (await call('list_integration_groups', { user: 'alice' })).data.links) {
    await ok('remove_integration_group', { user: 'alice', group_id: group });
  }
  await link();
});

describe('remove_integration_link', () => {
  it('removes both files and the link from the list', async () => {
    await link({ app: 'Other' });
    const body = await ok('remove_integration_link', { user: 'alice', app: 'WHMCS_billing' });
    expect(body).not.toHaveProperty('data');
    const files = Object.keys(await snapshot(userDir()));
    expect(files.sort()).toEqual(['Other.adminconfig', 'Other.userconfig']);
    expect((await call('list_integration_links', { user: 'alice' })).data.links).toEqual([
      { app: 'Other' },
    ]);
  });

  it('is idempotent: removing a missing link succeeds and writes nothing', async () => {
    await ok('remove_integration_link', { user: 'alice', app: 'WHMCS_billing' });
    const before = await snapshot(server.dataDir);
    await ok('remove_integration_link', { user: 'alice', app: 'WHMCS_billing' });
    await ok('remove_integration_link', { user: 'alice', app: 'never_existed' });
    await ok('remove_integration_link', { user: 'bob', app: 'WHMCS_billing' });
    expect(await snapshot(server.dataDir)).toEqual(before);
  });

  it('removes a token file an interrupted removal left without its user file', async () => {
    await link({ app: 'orphan' });
    const dir = join(server.dataDir, 'integration', 'links', 'alice');
    await rm(join(dir, 'orphan.userconfig'));
    await ok('remove_integration_link', { user: 'alice', app: 'orphan' });
    expect(await readdir(dir)).not.toContain('orphan.adminconfig');
  });

  it('only touches the named user', async () => {
    await link({ user: 'bob' });
    await ok('remove_integration_link', { user: 'alice', app: 'WHMCS_billing' });
    expect((await call('list_integration_links', { user: 'bob' })).data.links).toEqual([
      { app: 'WHMCS_billing' },
    ]);
    await ok('remove_integration_link', { user: 'bob', app: 'WHMCS_billing' });
  });
});

describe('list_integration_links', () => {
  it('answers data.links = [{app}] sorted by app', async () => {
    for (const app of ['zeta', 'Alpha', 'beta', '9lives', 'a_b', 'a-b']) await link({ app });
    const body = await ok('list_integration_links', { user: 'alice' });
    // Code point order, as cPanel's Perl sort: digits, upper case, "-", "_", lower case.
    const apps = ['zeta', 'Alpha', 'beta', '9lives', 'a_b', 'a-b', 'WHMCS_billing'];
    expect(body.data).toEqual({ links: [...apps].sort().map((app) => ({ app })) });
    expect(body.data.links.map((l: { app: string }) => l.app)).toEqual([
      '9lives',
      'Alpha',
      'WHMCS_billing',
      'a-b',
      'a_b',
      'beta',
      'zeta',
    ]);
  });

  it('answers an empty list for an account without links', async () => {
    expect((await ok('list_integration_links', { user: 'bob' })).data).toEqual({ links: [] });
  });
});

describe('get_integration_link_user_config', () => {
  it('answers the stored public fields plus app and user, never the token', async () => {
    await link({ group_id: 'software', hide: '1', order: '-3', base64_png_image: PNG });
    const body = await ok('get_integration_link_user_config', {
      user: 'alice',
      app: 'WHMCS_billing',
    });
    const stored = await readJson(join(userDir(), 'WHMCS_billing.userconfig'));
    expect(body.data).toEqual({ userconfig: { ...stored, app: 'WHMCS_billing', user: 'alice' } });
    expect(body.data.userconfig).toEqual({
      app: 'WHMCS_billing',
      autologin_token_url: LINK.autologin_token_url,
      base64_png_image: PNG,
      group_id: 'software',
      hide: '1',
      implements: 'billing',
      label: 'WHMCS Billing',
      order: '-3',
      subscriber_unique_id: '1234',
      url: LINK.url,
      user: 'alice',
    });
    expect(body.data.userconfig).not.toHaveProperty('token');
  });

  it('answers only the fields that were given', async () => {
    await link({ app: 'plain', autologin_token_url: undefined });
    const body = await ok('get_integration_link_user_config', { user: 'alice', app: 'plain' });
    expect(Object.keys(body.data.userconfig).sort()).toEqual([
      'app',
      'implements',
      'label',
      'subscriber_unique_id',
      'url',
      'user',
    ]);
  });
});

describe('update_integration_link_token', () => {
  it('replaces the token only: the user file stays byte for byte', async () => {
    const userconfig = await readFile(join(userDir(), 'WHMCS_billing.userconfig'), 'utf8');
    const body = await ok('update_integration_link_token', {
      user: 'alice',
      app: 'WHMCS_billing',
      token: NEW_TOKEN,
    });
    expect(body).not.toHaveProperty('data');
    expect(await readJson(join(userDir(), 'WHMCS_billing.adminconfig'))).toEqual({
      token: NEW_TOKEN,
    });
    expect(await readFile(join(userDir(), 'WHMCS_billing.userconfig'), 'utf8')).toBe(userconfig);
  });

  it('refuses a missing link and writes nothing (no orphan admin file, unlike cPanel)', async () => {
    const before = await snapshot(server.dataDir);
    const body = await call('update_integration_link_token', {
      user: 'alice',
      app: 'nosuch',
      token: NEW_TOKEN,
    });
    expect(body.metadata).toEqual({
      command: 'update_integration_link_token',
      result: 0,
      version: 1,
      reason:
        'The “app” parameter must name an integration link of the user “alice”; there is no link “nosuch”.',
    });
    expect(await snapshot(server.dataDir)).toEqual(before);
  });
});

describe('create_integration_group', () => {
  it('writes group_ID.userconfig with label and order, and replaces an existing group', async () => {
    await ok('create_integration_group', {
      user: 'alice',
      group_id: 'WHMCS',
      label: 'WHMCS Control',
      order: '1',
    });
    expect(await readJson(join(userDir(), 'group_WHMCS.userconfig'))).toEqual({
      label: 'WHMCS Control',
      order: '1',
    });
    await ok('create_integration_group', {
      user: 'alice',
      group_id: 'WHMCS',
      label: 'Billing & more',
      order: '007',
    });
    expect(await readJson(join(userDir(), 'group_WHMCS.userconfig'))).toEqual({
      label: 'Billing & more',
      order: '7',
    });
  });

  it('makes the group usable as a link’s group_id', async () => {
    await ok('create_integration_group', { user: 'alice', group_id: 'G', label: 'G', order: '2' });
    await link({ app: 'grouped', group_id: 'G' });
    expect(
      (await ok('get_integration_link_user_config', { user: 'alice', app: 'grouped' })).data
        .userconfig.group_id,
    ).toBe('G');
  });
});

describe('remove_integration_group', () => {
  it('removes the group and keeps the links that name it', async () => {
    await ok('create_integration_group', { user: 'alice', group_id: 'G', label: 'G', order: '2' });
    await link({ app: 'grouped', group_id: 'G' });
    const linkFile = await readFile(join(userDir(), 'grouped.userconfig'), 'utf8');
    await ok('remove_integration_group', { user: 'alice', group_id: 'G' });
    const files = Object.keys(await snapshot(userDir()));
    expect(files).not.toContain('group_G.userconfig');
    expect(await readFile(join(userDir(), 'grouped.userconfig'), 'utf8')).toBe(linkFile);
    expect((await ok('list_integration_links', { user: 'alice' })).data.links).toContainEqual({
      app: 'grouped',
    });
    // Creating the group again brings the link back into it (it still names the group).
    await ok('create_integration_group', { user: 'alice', group_id: 'G', label: 'G', order: '2' });
    expect(
      (await ok('get_integration_link_user_config', { user: 'alice', app: 'grouped' })).data
        .userconfig.group_id,
    ).toBe('G');
  });

  it('is idempotent: removing a missing group succeeds and writes nothing', async () => {
    const before = await snapshot(server.dataDir);
    await ok('remove_integration_group', { user: 'alice', group_id: 'nosuch' });
    await ok('remove_integration_group', { user: 'bob', group_id: 'nosuch' });
    expect(await snapshot(server.dataDir)).toEqual(before);
  });
});

describe('list_integration_groups', () => {
  it('answers data.links = [{group}] sorted by id (cPanel’s key really is "links")', async () => {
    for (const [group_id, order] of [
      ['zz', '1'],
      ['Billing', '3'],
      ['a-1', '2'],
    ] as const) {
      await ok('create_integration_group', { user: 'alice', group_id, label: group_id, order });
    }
    expect((await ok('list_integration_groups', { user: 'alice' })).data).toEqual({
      links: [{ group: 'Billing' }, { group: 'a-1' }, { group: 'zz' }],
    });
    expect((await ok('list_integration_groups', { user: 'bob' })).data).toEqual({ links: [] });
  });

  it('does not list links, and list_integration_links does not list groups', async () => {
    await ok('create_integration_group', { user: 'alice', group_id: 'G', label: 'G', order: '1' });
    expect((await ok('list_integration_links', { user: 'alice' })).data.links).toEqual([
      { app: 'WHMCS_billing' },
    ]);
    expect((await ok('list_integration_groups', { user: 'alice' })).data.links).toEqual([
      { group: 'G' },
    ]);
  });
});

describe('get_users_links', () => {
  const launch = (app: string) => `/integration/index.html?app=${app}`;

  it('maps the built-in appkeys to the home page while no link implements them', async () => {
    const body = await ok('get_users_links', { user: 'bob' });
    expect(body.data).toEqual({ billing: '/', customer_service: '/', support: '/', upgrade: '/' });
  });

  it('maps each appkey to the first visible implementing link and each link to its launch path', async () => {
    await link({ app: 'late_billing', label: 'A first by label', order: '50' });
    await link({ app: 'early_billing', label: 'Z', order: '5' });
    await link({ app: 'hidden_support', implements: 'support', order: '1', hide: '1' });
    await link({ app: 'help', implements: 'support', label: 'Help' });
    await link({ app: 'ticket', implements: 'support', label: 'Contact' });
    await link({ app: 'custom', implements: 'Email_Accounts' });
    const body = await ok('get_users_links', { user: 'alice', service: 'cpaneld' });
    expect(body.data).toEqual({
      // order 5 beats order 50 and the default 99999 of WHMCS_billing.
      billing: launch('early_billing'),
      customer_service: '/',
      // The hidden link is skipped; equal default order → label "Contact" before "Help".
      support: launch('ticket'),
      upgrade: '/',
      WHMCS_billing: launch('WHMCS_billing'),
      custom: launch('custom'),
      early_billing: launch('early_billing'),
      help: launch('help'),
      // Hidden links stay launchable, so they keep their own key.
      hidden_support: launch('hidden_support'),
      late_billing: launch('late_billing'),
      ticket: launch('ticket'),
    });
  });

  it('keeps a link named like an object built-in (__proto__, constructor) under its own key', async () => {
    await link({ app: '__proto__', label: 'Proto' });
    await link({ app: 'constructor', label: 'Constructor' });
    const res = await server.whm('get_users_links', { user: 'alice' });
    const text = await res.text();
    expect(text).toContain(`"__proto__":"${launch('__proto__')}"`);
    expect(text).toContain(`"constructor":"${launch('constructor')}"`);
  });

  it('lets a link whose app is a built-in appkey keep its own key', async () => {
    await link({ app: 'upgrade', implements: 'support', label: 'Upgrade as support' });
    const body = await ok('get_users_links', { user: 'alice' });
    expect(body.data.upgrade).toBe(launch('upgrade'));
    expect(body.data.support).toBe(launch('upgrade'));
  });
});

describe('every rule broken once: result 0, the reason, nothing written', () => {
  const long = (n: number) => 'x'.repeat(n);
  const rules = {
    userMissing: [{ user: undefined }, 'The “user” parameter is required.'],
    userUnknown: [{ user: 'carol' }, 'You do not have a user named “carol”.'],
    userPath: [{ user: '../alice' }, 'You do not have a user named “../alice”.'],
  } as const;
  const appRules: [string, Record<string, string | undefined>, string][] = [
    ['app missing', { app: undefined }, 'The “app” parameter is required.'],
    ['app empty', { app: '' }, 'The “app” parameter must not be empty.'],
    ['app too long', { app: long(65) }, 'The “app” parameter may be at most 64 characters long.'],
    [
      'app traversal',
      { app: '../WHMCS_billing' },
      'The “app” parameter may contain only letters, digits, “_” and “-”.',
    ],
    ['app group_ prefix', { app: 'group_x' }, 'The “app” parameter must not begin with “group_”.'],
  ];
  const userRules: [string, Record<string, string | undefined>, string][] = Object.entries(
    rules,
  ).map(([name, [change, reason]]) => [name, { ...change }, reason]);
  const groupIdRules: [string, Record<string, string | undefined>, string][] = [
    ['group_id missing', { group_id: undefined }, 'The “group_id” parameter is required.'],
    ['group_id empty', { group_id: '' }, 'The “group_id” parameter must not be empty.'],
    [
      'group_id too long',
      { group_id: long(65) },
      'The “group_id” parameter may be at most 64 characters long.',
    ],
    [
      'group_id bad characters',
      { group_id: 'a/b' },
      'The “group_id” parameter may contain only letters, digits, “_” and “-”.',
    ],
    [
      'group_id built-in',
      { group_id: 'email' },
      'The “group_id” parameter must not be a built-in group id (files, databases, domains, email, metrics, security, software, advanced, pref).',
    ],
  ];
  const base = {
    remove_integration_link: { user: 'alice', app: 'WHMCS_billing' },
    list_integration_links: { user: 'alice' },
    get_integration_link_user_config: { user: 'alice', app: 'WHMCS_billing' },
    update_integration_link_token: { user: 'alice', app: 'WHMCS_billing', token: NEW_TOKEN },
    create_integration_group: { user: 'alice', group_id: 'G', label: 'Group', order: '1' },
    remove_integration_group: { user: 'alice', group_id: 'G' },
    list_integration_groups: { user: 'alice' },
    get_users_links: { user: 'alice' },
  } as const;
  const cases: [string, string, Record<string, string | undefined>, string][] = [];
  for (const fn of Object.keys(base)) {
    for (const [name, change, reason] of userRules) cases.push([fn, name, change, reason]);
  }
  for (const fn of [
    'remove_integration_link',
    'get_integration_link_user_config',
    'update_integration_link_token',
  ]) {
    for (const [name, change, reason] of appRules) cases.push([fn, name, change, reason]);
  }
  for (const fn of ['create_integration_group', 'remove_integration_group']) {
    for (const [name, change, reason] of groupIdRules) cases.push([fn, name, change, reason]);
  }
  const more: [string, string, Record<string, string | undefined>, string][] = [
    [
      'get_integration_link_user_config',
      'app unknown',
      { app: 'nosuch' },
      'The “app” parameter must name an integration link of the user “alice”; there is no link “nosuch”.',
    ],
    [
      'get_integration_link_user_config',
      'app of another user',
      { user: 'bob' },
      'The “app” parameter must name an integration link of the user “bob”; there is no link “WHMCS_billing”.',
    ],
    [
      'update_integration_link_token',
      'token missing',
      { token: undefined },
      'The “token” parameter is required.',
    ],
    [
      'update_integration_link_token',
      'token empty',
      { token: '' },
      'The “token” parameter must not be empty.',
    ],
    [
      'update_integration_link_token',
      'token too long',
      { token: long(4097) },
      'The “token” parameter may be at most 4096 characters long.',
    ],
    [
      'update_integration_link_token',
      'token control character',
      { token: `${NEW_TOKEN}\n` },
      'The “token” parameter must not contain control characters.',
    ],
    [
      'create_integration_group',
      'label missing',
      { label: undefined },
      'The “label” parameter is required.',
    ],
    [
      'create_integration_group',
      'label empty',
      { label: '' },
      'The “label” parameter must not be empty.',
    ],
    [
      'create_integration_group',
      'label too long',
      { label: long(257) },
      'The “label” parameter may be at most 256 characters long.',
    ],
    [
      'create_integration_group',
      'label control character',
      { label: 'a\u0007b' },
      'The “label” parameter must not contain control characters.',
    ],
    [
      'create_integration_group',
      'label bidirectional override',
      { label: 'Sales\u202Dx' },
      'The “label” parameter must not contain bidirectional control characters or line separators (U+202A–U+202E, U+2066–U+2069, U+2028, U+2029).',
    ],
    [
      'create_integration_group',
      'order missing',
      { order: undefined },
      'The “order” parameter is required.',
    ],
    [
      'create_integration_group',
      'order 0',
      { order: '0' },
      'The “order” parameter must be a whole number of at least 1.',
    ],
    [
      'create_integration_group',
      'order negative',
      { order: '-2' },
      'The “order” parameter must be a whole number of at least 1.',
    ],
    [
      'create_integration_group',
      'order not a number',
      { order: 'first' },
      'The “order” parameter must be a whole number of at least 1.',
    ],
    [
      'create_integration_group',
      'order fraction',
      { order: '1.5' },
      'The “order” parameter must be a whole number of at least 1.',
    ],
    [
      'get_users_links',
      'service webmail',
      { service: 'webmail' },
      'The “service” parameter must be “cpaneld”, the only interface linkbroker serves (got “webmail”).',
    ],
    [
      'get_users_links',
      'service empty',
      { service: '' },
      'The “service” parameter must be “cpaneld”, the only interface linkbroker serves (got “”).',
    ],
  ];
  cases.push(...more);

  it.each(cases)('%s: %s', async (fn, _name, change, reason) => {
    await ok('create_integration_group', {
      user: 'alice',
      group_id: 'G',
      label: 'Old',
      order: '9',
    });
    const before = await snapshot(server.dataDir);
    const args: Record<string, string> = { ...base[fn as keyof typeof base] };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete args[key];
      else args[key] = value;
    }
    const body = await call(fn, args);
    expect(body).toEqual({ metadata: { command: fn, result: 0, version: 1, reason } });
    expect(await snapshot(server.dataDir)).toEqual(before);
  });
});
