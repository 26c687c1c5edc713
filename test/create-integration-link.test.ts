// create_integration_link end to end: every rule of SPEC §3.1 broken once (reason checked,
// nothing written, the previous link intact), replace semantics, icons, paths and secrecy.
import { mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleLink } from './helpers/fixtures.ts';
import { makePng, wrapBase64 } from './helpers/png.ts';
import { snapshot, startTestServer, type TestServer } from './helpers/server.ts';

const TOKEN = 'tok-SECRET-7f3a9c1e5b2d4f60';
const LINK = sampleLink(TOKEN);

let server: TestServer;
const answers: string[] = [];
const linksDir = () => join(server.dataDir, 'integration', 'links', 'alice');

async function call(args: Record<string, string>) {
  const res = await server.whm('create_integration_link', args);
  expect(res.status).toBe(200);
  const text = await res.text();
  answers.push(text);
  return JSON.parse(text) as { data?: unknown; metadata: { result: number; reason: string } };
}

beforeAll(async () => {
  server = await startTestServer();
  await server.whm('createacct', { username: 'alice', domain: 'alice.example.com' });
});
afterAll(async () => {
  // Secrecy: no answer and no log line of this whole file ever carried the token.
  expect(answers.length).toBeGreaterThan(40);
  for (const text of [...answers, ...server.logs]) {
    expect(text).not.toContain(TOKEN);
    // The token every refused call of the rules table sent.
    expect(text).not.toContain('tok-changed');
  }
  await server.stop();
});

describe('create_integration_link', () => {
  beforeEach(async () => {
    expect((await call(LINK)).metadata).toMatchObject({ result: 1, reason: 'OK' });
  });

  it('writes cPanel’s two files with the given public fields and the token apart', async () => {
    const userconfig = JSON.parse(
      await readFile(join(linksDir(), 'WHMCS_billing.userconfig'), 'utf8'),
    );
    expect(userconfig).toEqual({
      autologin_token_url: LINK.autologin_token_url,
      implements: 'billing',
      label: 'WHMCS Billing',
      subscriber_unique_id: '1234',
      url: LINK.url,
    });
    const adminconfig = JSON.parse(
      await readFile(join(linksDir(), 'WHMCS_billing.adminconfig'), 'utf8'),
    );
    expect(adminconfig).toEqual({ token: TOKEN });
    expect((await stat(join(linksDir(), 'WHMCS_billing.userconfig'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(linksDir(), 'WHMCS_billing.adminconfig'))).mode & 0o777).toBe(0o600);
    expect((await stat(linksDir())).mode & 0o777).toBe(0o750);
  });

  it('replaces an existing link whole: no field of the old one survives', async () => {
    await call({ ...LINK, group_id: 'software', hide: '1', order: '5' });
    const replacement = {
      user: 'alice',
      app: 'WHMCS_billing',
      implements: 'support',
      label: 'Support',
      subscriber_unique_id: '99',
      token: 'tok-second',
      url: 'https://support.example.com/',
    };
    expect((await call(replacement)).metadata.result).toBe(1);
    const userconfig = JSON.parse(
      await readFile(join(linksDir(), 'WHMCS_billing.userconfig'), 'utf8'),
    );
    expect(userconfig).toEqual({
      implements: 'support',
      label: 'Support',
      subscriber_unique_id: '99',
      url: 'https://support.example.com/',
    });
    const adminconfig = JSON.parse(
      await readFile(join(linksDir(), 'WHMCS_billing.adminconfig'), 'utf8'),
    );
    expect(adminconfig).toEqual({ token: 'tok-second' });
  });

  it('stores the optional fields, normalising order', async () => {
    await call({ ...LINK, group_id: 'email', hide: '1', order: '-007' });
    const userconfig = JSON.parse(
      await readFile(join(linksDir(), 'WHMCS_billing.userconfig'), 'utf8'),
    );
    expect(userconfig).toMatchObject({ group_id: 'email', hide: '1', order: '-7' });
    // Zeros in front are no digits of the value: 15 significant digits after them still fit.
    await call({ ...LINK, order: '0000000000000001' });
    await call({ ...LINK, order: '0000999999999999999' });
    const padded = JSON.parse(await readFile(join(linksDir(), 'WHMCS_billing.userconfig'), 'utf8'));
    expect(padded.order).toBe('999999999999999');
  });

  it('accepts a custom group of this user', async () => {
    await mkdir(linksDir(), { recursive: true });
    const { createFileStore } = await import('../src/store/file-store.ts');
    const store = createFileStore({ dataDir: server.dataDir });
    await store.putGroup('alice', 'WHMCS', { label: 'WHMCS', order: '1' });
    expect((await call({ ...LINK, group_id: 'WHMCS' })).metadata.result).toBe(1);
    await store.removeGroup('alice', 'WHMCS');
  });

  it('accepts the line-wrapped, URL-encoded base64_png_image of cPanel’s reference example', async () => {
    const png = makePng(48);
    // The documentation's example query encodes "/" and "+" as %2f and %2b and wraps the data.
    const wrapped = wrapBase64(png);
    const query = new URLSearchParams({ ...LINK, 'api.version': '1' }).toString();
    const encoded = wrapped.replace(
      /[+/\n]/g,
      (ch) => ({ '+': '%2b', '/': '%2f', '\n': '%0A' })[ch] as string,
    );
    const res = await fetch(
      `${server.url}/json-api/create_integration_link?${query}&base64_png_image=${encoded}`,
      {
        headers: server.auth,
      },
    );
    const body = await res.text();
    answers.push(body);
    expect(JSON.parse(body).metadata).toMatchObject({ result: 1 });
    const userconfig = JSON.parse(
      await readFile(join(linksDir(), 'WHMCS_billing.userconfig'), 'utf8'),
    );
    expect(Buffer.from(userconfig.base64_png_image, 'base64').equals(png)).toBe(true);
  });

  /** A test PNG whose Base64 has a count of "+" that `wanted` accepts. */
  const pngWithPluses = (wanted: (count: number) => boolean) =>
    Array.from({ length: 96 }, (_, i) => makePng(8 + i, [255, 255, 255, 0])).find((png) =>
      wanted(png.toString('base64').split('+').length - 1),
    ) as Buffer;

  it.each([
    ['a count of "+" that leaves no whole Base64 without them', (n: number) => n % 4 !== 0],
    // Four "+" read as spaces to drop still leave whole Base64, of a PNG 3 bytes short.
    ['a count of "+" whose removal still decodes', (n: number) => n > 0 && n % 4 === 0],
  ])(
    'reads "+" turned into spaces by an unencoded query string back as "+" (%s)',
    async (_why, wanted) => {
      const base64 = pngWithPluses(wanted).toString('base64');
      expect(wanted(base64.split('+').length - 1)).toBe(true);
      expect(
        (await call({ ...LINK, base64_png_image: base64.replaceAll('+', ' ') })).metadata.result,
      ).toBe(1);
      const userconfig = JSON.parse(
        await readFile(join(linksDir(), 'WHMCS_billing.userconfig'), 'utf8'),
      );
      expect(userconfig.base64_png_image).toBe(base64);
    },
  );

  const long = (n: number) => 'x'.repeat(n);
  const bigPng = Buffer.concat([makePng(4), Buffer.alloc(512 * 1024)]).toString('base64');
  const cases: [string, Record<string, string | undefined>, string][] = [
    ['user missing', { user: undefined }, 'The “user” parameter is required.'],
    ['user unknown', { user: 'bob' }, 'You do not have a user named “bob”.'],
    ['user path-like', { user: '../alice' }, 'You do not have a user named “../alice”.'],
    ['app missing', { app: undefined }, 'The “app” parameter is required.'],
    ['app empty', { app: '' }, 'The “app” parameter must not be empty.'],
    ['app too long', { app: long(65) }, 'The “app” parameter may be at most 64 characters long.'],
    [
      'app traversal',
      { app: '../x' },
      'The “app” parameter may contain only letters, digits, “_” and “-”.',
    ],
    [
      'app slash',
      { app: 'a/b' },
      'The “app” parameter may contain only letters, digits, “_” and “-”.',
    ],
    [
      'app NUL',
      { app: 'a\u0000b' },
      'The “app” parameter may contain only letters, digits, “_” and “-”.',
    ],
    ['app 10 KB', { app: long(10_240) }, 'The “app” parameter may be at most 64 characters long.'],
    ['app group_ prefix', { app: 'group_x' }, 'The “app” parameter must not begin with “group_”.'],
    ['implements missing', { implements: undefined }, 'The “implements” parameter is required.'],
    [
      'implements bad',
      { implements: 'bill ing' },
      'The “implements” parameter may contain only letters, digits, “_” and “-”.',
    ],
    [
      'implements too long',
      { implements: long(65) },
      'The “implements” parameter may be at most 64 characters long.',
    ],
    ['label missing', { label: undefined }, 'The “label” parameter is required.'],
    ['label empty', { label: '' }, 'The “label” parameter must not be empty.'],
    [
      'label too long',
      { label: long(257) },
      'The “label” parameter may be at most 256 characters long.',
    ],
    [
      'label control',
      { label: 'a\nb' },
      'The “label” parameter must not contain control characters.',
    ],
    [
      'label right-to-left override',
      { label: 'Billing\u202Egnp.exe' },
      'The “label” parameter must not contain bidirectional control characters or line separators (U+202A–U+202E, U+2066–U+2069, U+2028, U+2029).',
    ],
    [
      'label line separator',
      { label: 'Billing\u2028x' },
      'The “label” parameter must not contain bidirectional control characters or line separators (U+202A–U+202E, U+2066–U+2069, U+2028, U+2029).',
    ],
    ['label blank', { label: '   ' }, 'The “label” parameter must contain a visible character.'],
    [
      'label of Hangul fillers and a blank braille cell',
      { label: '\u3164\u115f\u1160\uffa0\u2800\u034f' },
      'The “label” parameter must contain a visible character.',
    ],
    [
      'label invisible',
      { label: '\u200b\u2060' },
      'The “label” parameter must contain a visible character.',
    ],
    ...[
      '\u2029',
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ].map((char): [string, Record<string, string>, string] => [
      `label with U+${char.codePointAt(0)?.toString(16).toUpperCase()}`,
      { label: `a${char}b` },
      'The “label” parameter must not contain bidirectional control characters or line separators (U+202A–U+202E, U+2066–U+2069, U+2028, U+2029).',
    ]),
    [
      'subscriber missing',
      { subscriber_unique_id: undefined },
      'The “subscriber_unique_id” parameter is required.',
    ],
    [
      'subscriber too long',
      { subscriber_unique_id: long(1025) },
      'The “subscriber_unique_id” parameter may be at most 1024 characters long.',
    ],
    [
      'subscriber control',
      { subscriber_unique_id: '1\t2' },
      'The “subscriber_unique_id” parameter must not contain control characters.',
    ],
    ['token missing', { token: undefined }, 'The “token” parameter is required.'],
    ['token empty', { token: '' }, 'The “token” parameter must not be empty.'],
    [
      'token too long',
      { token: long(4097) },
      'The “token” parameter may be at most 4096 characters long.',
    ],
    [
      'token control',
      { token: `${TOKEN}\u0000` },
      'The “token” parameter must not contain control characters.',
    ],
    [
      'no destination',
      { url: undefined, autologin_token_url: undefined },
      'You must supply one of the following parameters: autologin_token_url, url',
    ],
    [
      'autologin javascript:',
      { autologin_token_url: 'javascript:alert(1)' },
      'The “autologin_token_url” parameter must be an absolute “http:” or “https:” URL.',
    ],
    [
      'autologin relative',
      { autologin_token_url: '/autologin' },
      'The “autologin_token_url” parameter must be an absolute “http:” or “https:” URL.',
    ],
    [
      'autologin ftp',
      { autologin_token_url: 'ftp://example.com/' },
      'The “autologin_token_url” parameter must be an absolute “http:” or “https:” URL.',
    ],
    [
      'autologin third slash hiding credentials',
      { autologin_token_url: 'http:///:@x.example/' },
      'The “autologin_token_url” parameter must be an absolute “http:” or “https:” URL.',
    ],
    [
      'url port out of range',
      { url: 'https://billing.example.com:99999/' },
      'The “url” parameter must be a valid URL: its host or port cannot be read.',
    ],
    [
      'autologin credentials',
      { autologin_token_url: 'https://u:p@example.com/' },
      'The “autologin_token_url” parameter must not contain credentials.',
    ],
    [
      'autologin too long',
      { autologin_token_url: `https://example.com/${long(2048)}` },
      'The “autologin_token_url” parameter may be at most 2048 characters long.',
    ],
    [
      'url javascript:',
      { url: 'JavaScript:alert(1)' },
      'The “url” parameter must be an absolute “http:” or “https:” URL.',
    ],
    [
      'url CRLF',
      { url: 'https://example.com/\r\nx' },
      'The “url” parameter must not contain control characters, whitespace or backslashes.',
    ],
    [
      'url backslash',
      { url: 'https://example.com\\@evil.example/' },
      'The “url” parameter must not contain control characters, whitespace or backslashes.',
    ],
    [
      'image not base64',
      { base64_png_image: 'not*base64' },
      'The “base64_png_image” parameter must be Base64-encoded data.',
    ],
    [
      'image not a PNG',
      { base64_png_image: Buffer.from('GIF89a-not-a-png').toString('base64') },
      'The “base64_png_image” parameter must be a PNG image.',
    ],
    [
      'image too large',
      { base64_png_image: bigPng },
      'The “base64_png_image” parameter may decode to at most 512 KiB.',
    ],
    [
      'group_id bad',
      { group_id: 'a b' },
      'The “group_id” parameter may contain only letters, digits, “_” and “-”.',
    ],
    [
      'group_id unknown',
      { group_id: 'nosuch' },
      'The “group_id” parameter must be a built-in group (files, databases, domains, email, metrics, security, software, advanced, pref) or a group of this user; there is no group “nosuch”.',
    ],
    ['hide bad', { hide: '2' }, 'The “hide” parameter must be 0 or 1.'],
    ['order not a number', { order: 'abc' }, 'The “order” parameter must be an integer.'],
    ['order fraction', { order: '1.5' }, 'The “order” parameter must be an integer.'],
    [
      'order of 16 digits',
      { order: '1000000000000000' },
      'The “order” parameter may have at most 15 digits.',
    ],
  ];

  it.each(cases)('refuses %s with its reason and writes nothing', async (_name, change, reason) => {
    const before = await snapshot(server.dataDir);
    const args: Record<string, string> = { ...LINK, label: 'Changed label', token: 'tok-changed' };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete args[key];
      else args[key] = value;
    }
    const body = await call(args);
    expect(body.metadata).toEqual({
      command: 'create_integration_link',
      result: 0,
      version: 1,
      reason,
    });
    expect(body).not.toHaveProperty('data');
    expect(await snapshot(server.dataDir)).toEqual(before);
  });

  it('refuses to write through a pre-planted symlink and leaves its target alone', async () => {
    const outside = join(server.dataDir, '..', `outside-${process.pid}`);
    await mkdir(outside, { recursive: true });
    await server.whm('createacct', { username: 'mallory', domain: 'mallory.example.com' });
    const userDir = join(server.dataDir, 'integration', 'links', 'mallory');
    await rm(userDir, { recursive: true, force: true });
    await symlink(outside, userDir);
    const body = await call({ ...LINK, user: 'mallory' });
    expect(body.metadata.result).toBe(0);
    expect(body.metadata.reason).not.toMatch(/integration|\/|mallory\b.*\.userconfig/);
    expect(await snapshot(outside)).toEqual({});
    await rm(userDir);
    await rm(outside, { recursive: true });
  });
});
