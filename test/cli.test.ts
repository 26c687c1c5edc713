// The linkbroker command as a user runs it: `serve` start-up (secrets printed once, bad
// configuration refused in one line) and `whmapi1` on the data dir without HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginCommand } from '../src/cli/demo.ts';
import { startupFailure } from '../src/cli/serve.ts';
import { loadConfig } from '../src/config.ts';
import { BIN, runCli } from './helpers/cli.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-cli-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { LINKBROKER_DATA_DIR: dataDir, ...env });

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** Waits until the child's output matches `pattern`: its first group, and the output so far. */
function untilPrinted(child: ChildProcess, pattern: RegExp): Promise<{ url: string; out: string }> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const found = pattern.exec(out)?.[1];
      if (found) resolve({ url: found, out });
    });
    child.on('exit', () => reject(new Error(`exited: ${out}`)));
  });
}

/** Starts `serve`, waits for its banner, returns the output so far and stops it. */
async function serveOnce(env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, LINKBROKER_DATA_DIR: dataDir, PORT: '0', ...env },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('WHM API:') && (out.includes('curl') || !out.includes('generated')))
        resolve();
    });
    child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  // Give the banner's last lines a moment, then stop the server the way a user would.
  await new Promise((r) => setTimeout(r, 200));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return out;
}

describe('linkbroker serve', () => {
  it('generates the root secrets on first start, prints them once, keeps only digests', async () => {
    const first = await serveOnce();
    const password = /root password \(generated, shown only once\): (\S+)/.exec(first)?.[1];
    const token = /root API token \(generated, shown only once\): (\S+)/.exec(first)?.[1];
    expect(password).toBeTruthy();
    expect(token).toBeTruthy();
    const secrets = await readFile(join(dataDir, 'secrets', 'root.json'), 'utf8');
    expect(secrets).not.toContain(password as string);
    expect(secrets).not.toContain(token as string);
    expect((await stat(join(dataDir, 'secrets', 'root.json'))).mode & 0o777).toBe(0o600);
    const second = await serveOnce();
    expect(second).not.toContain('generated');
    expect(second).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
  });

  it('serves its pages when started from another directory (its own tsconfig, not the cwd’s)', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: dataDir,
      env: { ...process.env, LINKBROKER_DATA_DIR: dataDir, PORT: '0' },
    });
    try {
      const { url } = await untilPrinted(child, LISTENING);
      const docs = await fetch(`${url}/docs/api`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('<html');
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(401);
      expect(await home.text()).toContain('Please log in');
    } finally {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('stops with one line naming the variable when the configuration is bad', async () => {
    const { code, stdout, stderr } = await run(['serve'], { PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: PORT must be a whole number from 0 to 65535.',
    ]);
  });

  it('stops with one line when it cannot listen, keeping no credentials nobody was shown', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { code, stdout, stderr } = await run(['serve'], { PORT: String(port) });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([
        `linkbroker: cannot listen on 127.0.0.1:${port} (LINKBROKER_HOST, PORT): the address is already in use`,
      ]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    // Nothing generated was stored: the next start generates and shows the credentials.
    expect(existsSync(join(dataDir, 'secrets', 'root.json'))).toBe(false);
    expect(await serveOnce()).toContain('root API token (generated, shown only once)');
  });

  it('stops with one line when the data dir cannot be used', async () => {
    const file = join(dataDir, 'a-file');
    await writeFile(file, 'not a directory');
    const { code, stdout, stderr } = await run(['serve'], {
      LINKBROKER_DATA_DIR: file,
      PORT: '0',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `linkbroker: cannot use the data dir ${file} (LINKBROKER_DATA_DIR): a file is in the way (${file})`,
    ]);
  });

  it('demo: a data dir it cannot seed stops it with one line, the generated password shown', async () => {
    await mkdir(join(dataDir, 'integration', 'links'), { recursive: true });
    await writeFile(join(dataDir, 'integration', 'links', 'demo'), 'in the way');
    const { code, stdout, stderr } = await run(['demo'], { PORT: '0' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/root password \(generated, shown only once\): \S+/);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^linkbroker demo: cannot prepare the demo account in the data dir: /);
  });

  it('demo: the “another login URL” command it prints works as printed (PORT=0, own data dir)', async () => {
    const demo = spawn(process.execPath, [BIN, 'demo'], {
      env: { ...process.env, LINKBROKER_DATA_DIR: dataDir, PORT: '0' },
    });
    try {
      const { url: line, out } = await untilPrinted(demo, /Another login URL: (.+)\n/);
      const server = LISTENING.exec(out)?.[1] as string;
      // VAR=value … npx linkbroker whmapi1 ARGS (no value here needs quoting).
      const words = line.split(' ');
      const env = Object.fromEntries(
        words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split(/=(.*)/s).slice(0, 2)),
      );
      expect(env).toEqual({ LINKBROKER_DATA_DIR: dataDir, LINKBROKER_PUBLIC_URL: server });
      const args = words.slice(words.indexOf('whmapi1'));
      const made = await runCli(args, env);
      expect(made.code).toBe(0);
      const url = JSON.parse(made.stdout).data.url as string;
      expect(url.startsWith(`${server}/login/?session=`)).toBe(true);
      const opened = await fetch(url, { redirect: 'manual' });
      expect(opened.status).toBe(302);
      expect(opened.headers.get('set-cookie')).toContain('cpsession=');
    } finally {
      const exited = new Promise((r) => demo.on('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
  });

  it('demo: the login command carries the server’s URL whenever it is not the default one', () => {
    const plain = loadConfig({});
    expect(loginCommand(plain, 'http://127.0.0.1:2087')).toBe(
      'npx linkbroker whmapi1 create_user_session user=demo',
    );
    // PORT=3457 in the demo's environment is not in the shell that runs the command.
    const config = loadConfig({ PORT: '3457' });
    expect(loginCommand(config, 'http://127.0.0.1:3457')).toBe(
      'LINKBROKER_PUBLIC_URL=http://127.0.0.1:3457 npx linkbroker whmapi1 create_user_session user=demo',
    );
  });

  it('writes an IPv6 listen address in brackets, and leaves unknown failures alone', () => {
    const config = loadConfig({ LINKBROKER_HOST: '::1', PORT: '4203' });
    const inUse = Object.assign(new Error('listen EADDRINUSE'), {
      code: 'EADDRINUSE',
      syscall: 'listen',
    });
    expect(startupFailure(inUse, config)).toBe(
      'linkbroker: cannot listen on [::1]:4203 (LINKBROKER_HOST, PORT): the address is already in use',
    );
    expect(startupFailure(new TypeError('a bug'), config)).toBeUndefined();
  });

  it('prints where it listens and, when set, the public URL', async () => {
    const out = await serveOnce({ LINKBROKER_PUBLIC_URL: 'https://panel.example.com' });
    expect(out).toMatch(
      /^linkbroker listening on http:\/\/127\.0\.0\.1:\d+\n {2}public URL: https:\/\/panel\.example\.com\n/,
    );
  });

  it('prints its usage for --help and refuses arguments it does not take', async () => {
    for (const command of ['serve', 'demo']) {
      const help = await run([command, '--help']);
      expect([command, help.code]).toEqual([command, 0]);
      expect(help.stdout).toContain(`usage: linkbroker ${command}`);
      // --help wins wherever it stands.
      expect((await run([command, 'extra', '--help'])).code).toBe(0);
      const refused = await run([command, '--port', '9999']);
      expect([command, refused.code]).toEqual([command, 2]);
      expect(refused.stderr.trim()).toBe(
        `linkbroker ${command}: unexpected argument “--port”: the configuration comes from the environment (see linkbroker ${command} --help).`,
      );
      expect(existsSync(join(dataDir, 'secrets'))).toBe(false);
    }
  });

  it('answers unknown commands with the usage and exit code 2', async () => {
    const { code, stderr } = await run(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command “frobnicate”');
    // No command at all is a usage error too: the usage on stderr, stdout left clean.
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('usage: linkbroker');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: linkbroker');
  });
});

describe('linkbroker whmapi1', () => {
  it('leaves what a running server may be writing alone (no start-up recovery)', async () => {
    // A server's write in progress, as the CLI would find it: a temp file not yet named in an
    // intent, and a new link whose admin file is in place and whose user file is not yet.
    const userDir = join(dataDir, 'integration', 'links', 'alice');
    await mkdir(userDir, { recursive: true });
    await mkdir(join(dataDir, 'accounts'));
    const temp = join(userDir, '.billing.userconfig.tmp-0123456789abcdef');
    const admin = join(userDir, 'billing.adminconfig');
    await writeFile(temp, '{"label": "Billing"}\n');
    await writeFile(admin, '{"token": "t"}\n');
    const { code } = await run(['whmapi1', 'listaccts']);
    expect(code).toBe(0);
    expect(await readFile(temp, 'utf8')).toContain('Billing');
    expect(await readFile(admin, 'utf8')).toContain('"t"');
  });

  it('runs functions on the data dir and prints the JSON envelope', async () => {
    const created = await run([
      'whmapi1',
      'createacct',
      'username=alice',
      'domain=alice.example.com',
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({
      data: { user: 'alice', domain: 'alice.example.com' },
      metadata: { command: 'createacct', reason: 'OK', result: 1, version: 1 },
    });
    const link = await run([
      'whmapi1',
      'create_integration_link',
      'user=alice',
      'app=billing',
      'implements=billing',
      'label=Billing & more',
      'subscriber_unique_id=1',
      'token=cli-secret-token',
      'url=https://billing.example.com/',
    ]);
    expect(link.code).toBe(0);
    expect(link.stdout).not.toContain('cli-secret-token');
    expect(link.stderr).not.toContain('cli-secret-token');
    const userconfig = JSON.parse(
      await readFile(join(dataDir, 'integration', 'links', 'alice', 'billing.userconfig'), 'utf8'),
    );
    expect(userconfig.label).toBe('Billing & more');
    const listed = await run(['whmapi1', 'listaccts']);
    expect(JSON.parse(listed.stdout).data.acct).toEqual([
      { user: 'alice', domain: 'alice.example.com' },
    ]);
  });

  it('reads values URI-encoded, as cPanel’s command and an HTTP form do', async () => {
    await run(['whmapi1', 'createacct', 'username=dora', 'domain=dora.example.com']);
    const link = await run([
      'whmapi1',
      'create_integration_link',
      'user=dora',
      'app=encoded',
      'implements=billing',
      'label=A%20B+C & 100%',
      'subscriber_unique_id=1',
      'token=p%2Bq',
      'url=https%3A%2F%2Fbilling.example.com%2F',
    ]);
    expect(link.code).toBe(0);
    const dir = join(dataDir, 'integration', 'links', 'dora');
    const userconfig = JSON.parse(await readFile(join(dir, 'encoded.userconfig'), 'utf8'));
    expect(userconfig).toMatchObject({
      label: 'A B C & 100%',
      url: 'https://billing.example.com/',
    });
    const admin = JSON.parse(await readFile(join(dir, 'encoded.adminconfig'), 'utf8'));
    expect(admin.token).toBe('p+q');
  });

  it('ends quietly with its own exit code when the reader of its output stops early', async () => {
    await run(['whmapi1', 'createacct', 'username=erin', 'domain=erin.example.com']);
    for (const [args, expected] of [
      [['listaccts'], 0],
      [['list_integration_links', 'user=nobody'], 1],
    ] as const) {
      // The read end is gone before the command prints anything: its write meets EPIPE.
      const child = spawn(process.execPath, [BIN, 'whmapi1', ...args], {
        env: { ...process.env, LINKBROKER_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: expected, stderr: '' });
    }
  });

  it('leaves an empty data dir empty when it refuses a call, and lays it out when one succeeds', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'linkbroker-cli-empty-'));
    const env = { LINKBROKER_DATA_DIR: empty };
    const refused = await run(['whmapi1', 'list_integration_links', 'user=nobody1'], env);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).metadata.reason).toBe(
      'You do not have a user named “nobody1”.',
    );
    expect(await readdir(empty)).toEqual([]);
    const created = await run(
      ['whmapi1', 'createacct', 'username=fay', 'domain=fay.example.com'],
      env,
    );
    expect(created.code).toBe(0);
    expect(await readdir(empty)).toContain('accounts');
    await rm(empty, { recursive: true, force: true });
  });

  it('answers an unknown function without creating anything in the data dir', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'linkbroker-cli-empty-'));
    const { code, stdout } = await run(['whmapi1', 'nosuch_function'], {
      LINKBROKER_DATA_DIR: empty,
    });
    expect(code).toBe(1);
    expect(JSON.parse(stdout).metadata).toMatchObject({
      command: 'nosuch_function',
      result: 0,
      reason: 'Unknown app (“nosuch_function”) requested for this version (1) of the API.',
    });
    expect(await readdir(empty)).toEqual([]);
  });

  it('exits 1 with the failure envelope when result is 0, and 2 on malformed arguments', async () => {
    const failed = await run(['whmapi1', 'create_integration_link', 'user=nobody1']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).metadata).toMatchObject({
      result: 0,
      reason: 'You do not have a user named “nobody1”.',
    });
    // A token cut in two by an unquoted space: the stray half is never echoed.
    const malformed = await run(['whmapi1', 'listaccts', 'token=first', 'SECOND-HALF']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(
      'argument 2 after the function name is not of the form key=value (quote a value that has spaces)',
    );
    const dashed = await run(['whmapi1', 'listaccts', 'token=first', '-SECOND-HALF']);
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain('unknown option number 3');
    const noKey = await run(['whmapi1', 'listaccts', '=SECRET-VALUE']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('argument 1 after the function name has no key before its “=”');
    for (const { stderr, stdout } of [malformed, dashed, noKey]) {
      expect(`${stdout}${stderr}`).not.toMatch(/SECOND-HALF|SECRET-VALUE/);
    }
  });

  it('takes cPanel’s --output=json or jsonpretty, before or after the function', async () => {
    const compact = await run(['whmapi1', '--output=json', 'listaccts']);
    expect(compact.code).toBe(0);
    expect(compact.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(compact.stdout).data).toEqual({ acct: [] });
    const pretty = await run(['whmapi1', 'listaccts', '--output=jsonpretty']);
    expect(pretty.stdout.trim().split('\n').length).toBeGreaterThan(1);
    for (const [args, problem] of [
      [
        ['--output=yaml', 'listaccts'],
        '--output=yaml is not supported: use --output=json or --output=jsonpretty',
      ],
      [['listaccts', '--verbose'], 'unknown option “--verbose”'],
      [['--output=json'], 'no function named'],
      [['-x'], 'unknown option “-x”'],
      [['-v', 'listaccts'], 'unknown option “-v”'],
    ] as const) {
      const refused = await run(['whmapi1', ...args]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`linkbroker whmapi1: ${problem}.`);
      expect(refused.stdout).toBe('');
    }
    const help = await run(['whmapi1', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: linkbroker whmapi1');
  });

  // Giving the data dir another owner takes root.
  it.skipIf(process.getuid?.() !== 0)(
    'warns when run as another user than the data dir’s owner',
    async () => {
      const { chown } = await import('node:fs/promises');
      await chown(dataDir, 12345, 12345);
      const { code, stdout, stderr } = await run(['whmapi1', 'listaccts']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).metadata.result).toBe(1);
      expect(stderr.trim()).toBe(
        "linkbroker whmapi1: warning: running as uid 0, but the data dir belongs to uid 12345: what this creates may not be writable by the server; run it as the server's user.",
      );
      await chown(dataDir, 0, 0);
      expect((await run(['whmapi1', 'listaccts'])).stderr).toBe('');
    },
  );

  it('refuses an argument whose %-escapes are not UTF-8, as the HTTP API does', async () => {
    const { code, stdout, stderr } = await run([
      'whmapi1',
      'createacct',
      'username=bad',
      'domain=b%ED%A0%80.example',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      'linkbroker whmapi1: The argument “domain” is not UTF-8 text once its %-escapes are decoded.',
    );
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('refuses a data dir that does not exist rather than creating an empty one', async () => {
    const missing = join(dataDir, 'no-such-dir');
    const { code, stdout, stderr } = await run(['whmapi1', 'listaccts'], {
      LINKBROKER_DATA_DIR: missing,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      `linkbroker whmapi1: there is no data dir at ${missing} (LINKBROKER_DATA_DIR): start the server once to create it, or set the variable to the server's.`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses a data dir that is a file in one line', async () => {
    const file = join(dataDir, 'afile');
    await writeFile(file, 'x');
    const { code, stdout, stderr } = await run(['whmapi1', 'listaccts'], {
      LINKBROKER_DATA_DIR: file,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      `linkbroker: cannot use the data dir ${file} (LINKBROKER_DATA_DIR): a part of the path is not a directory (${file})`,
    ]);
  });

  it('refuses a directory with files but no accounts/ (a project dir, not a data dir)', async () => {
    const other = join(dataDir, 'project');
    await mkdir(other);
    await writeFile(join(other, 'README.md'), '# not a data dir\n');
    const { code, stdout, stderr } = await run(['whmapi1', 'listaccts'], {
      LINKBROKER_DATA_DIR: other,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      `linkbroker whmapi1: ${other} (LINKBROKER_DATA_DIR) is not a linkbroker data dir: it has files but no accounts/; set the variable to the server's.`,
    );
    expect(await readdir(other)).toEqual(['README.md']);
    // An empty directory is a new data dir.
    const fresh = join(dataDir, 'fresh');
    await mkdir(fresh);
    expect((await run(['whmapi1', 'listaccts'], { LINKBROKER_DATA_DIR: fresh })).code).toBe(0);
  });
});
