// Issue 2's benchmarks: create_integration_link and its rejected form against bare Hono routes
// doing the same durable two-file write / answering the same failure body. For the rejected
// form it also measures a "floor": a hand-written route doing only the work the spec demands.
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { benchTiming, type Comparison, compare } from './harness.ts';
import { AUTH, floorAuthorised, post, startBare, startLinkbroker } from './servers.ts';

const TOKEN = 'bench-link-token-9f8e7d6c5b4a';
const linkArgs = (app: string) =>
  new URLSearchParams({
    'api.version': '1',
    user: 'bench',
    app,
    implements: 'billing',
    label: 'Bench Billing',
    subscriber_unique_id: '1234',
    token: TOKEN,
    autologin_token_url: 'https://billing.example.com/autologin',
    url: 'https://billing.example.com/',
  }).toString();

/** The durable write every file gets: temp → fsync → rename → fsync of the directory. */
async function durableWrite(dir: string, name: string, data: string, mode: number) {
  const temp = join(dir, `.${name}.tmp-${Math.random().toString(36).slice(2)}`);
  const file = await open(temp, 'wx', mode);
  await file.writeFile(data);
  await file.sync();
  await file.close();
  await rename(temp, join(dir, name));
  const d = await open(dir, 'r');
  await d.sync();
  await d.close();
}

async function bareCreateServer() {
  const root = await mkdtemp(join(tmpdir(), 'linkbroker-bench-bare-'));
  const userconfig = `${JSON.stringify(
    {
      autologin_token_url: 'https://billing.example.com/autologin',
      implements: 'billing',
      label: 'Bench Billing',
      subscriber_unique_id: '1234',
      url: 'https://billing.example.com/',
    },
    null,
    2,
  )}\n`;
  const adminconfig = `${JSON.stringify({ token: TOKEN }, null, 2)}\n`;
  const ok = {
    metadata: { command: 'create_integration_link', reason: 'OK', result: 1, version: 1 },
  };
  const app = new Hono();
  app.post('/json-api/create_integration_link', async (c) => {
    const args = new URLSearchParams(await c.req.text());
    const dir = join(root, 'bench');
    await mkdir(dir, { recursive: true });
    const name = args.get('app') ?? 'x';
    await durableWrite(dir, `${name}.adminconfig`, adminconfig, 0o600);
    await durableWrite(dir, `${name}.userconfig`, userconfig, 0o644);
    return c.json(ok);
  });
  const failure = {
    metadata: {
      command: 'create_integration_link',
      reason: 'The “hide” parameter must be 0 or 1.',
      result: 0,
      version: 1,
    },
  };
  app.post('/json-api/reject', async (c) => {
    await c.req.text();
    return c.json(failure);
  });
  return startBare(app);
}

const IDENTIFIER = /^[A-Za-z0-9_-]{1,64}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is about control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const text = (v: string | undefined, max: number) =>
  v !== undefined && v.length > 0 && v.length <= max && !CONTROL.test(v);
const httpUrl = (v: string | undefined) => {
  if (v === undefined) return true;
  if (v.length > 2048 || !/^https?:\/\/[^\s\\]+$/i.test(v)) return false;
  try {
    const url = new URL(v);
    return url.username === '' && url.password === '' && url.hostname !== '';
  } catch {
    return false;
  }
};

/**
 * The least a rejected create can do and still follow the spec, written by hand with no layer
 * in between: the root token compared in constant time, the form parsed, the account
 * looked up (one lstat), every rule this request's parameters meet checked, the reason answered.
 * It shows how far the target is from what the machine allows, not a design to copy.
 */
async function floorRejectServer(dataDir: string) {
  const authorised = floorAuthorised();
  const app = new Hono();
  app.post('/json-api/create_integration_link', async (c) => {
    if (!authorised(c.req.header('authorization'))) return c.text('Access denied', 403);
    const args: Record<string, string> = Object.create(null);
    for (const [key, value] of new URLSearchParams(await c.req.text())) args[key] ??= value;
    const fail = (reason: string) =>
      c.json({ metadata: { command: 'create_integration_link', reason, result: 0, version: 1 } });
    const user = args.user ?? '';
    if (
      !/^[a-z][a-z0-9]{0,15}$/.test(user) ||
      !lstatSync(join(dataDir, 'accounts', `${user}.json`), { throwIfNoEntry: false })
    ) {
      return fail(`You do not have a user named “${user}”.`);
    }
    const { app: name = '' } = args;
    if (!IDENTIFIER.test(name) || name.startsWith('group_')) return fail('app');
    if (!IDENTIFIER.test(args.implements ?? '')) return fail('implements');
    if (!text(args.label, 256)) return fail('label');
    if (!text(args.subscriber_unique_id, 1024)) return fail('subscriber_unique_id');
    if (!text(args.token, 4096)) return fail('token');
    if (!httpUrl(args.autologin_token_url)) return fail('autologin_token_url');
    if (!httpUrl(args.url)) return fail('url');
    if (args.group_id !== undefined && !IDENTIFIER.test(args.group_id)) return fail('group_id');
    if (args.hide !== undefined && args.hide !== '0' && args.hide !== '1') {
      return fail('The “hide” parameter must be 0 or 1.');
    }
    return fail('not a rejected request');
  });
  return startBare(app);
}

export async function runCreateBench(quick = false): Promise<Comparison[]> {
  const lb = await startLinkbroker();
  const bare = await bareCreateServer();
  await post(
    `${lb.url}/json-api/createacct`,
    'api.version=1&username=bench&domain=bench.example.com',
    AUTH,
  );
  const timing = benchTiming(quick);
  const results: Comparison[] = [];
  for (const concurrency of [1, 16]) {
    results.push(
      await compare(
        'create_integration_link (durable two-file write)',
        async (w) => {
          const text = await post(
            `${lb.url}/json-api/create_integration_link`,
            linkArgs(`app${w}`),
            AUTH,
          );
          if (!text.includes('"result":1')) throw new Error(text);
        },
        async (w) => {
          await post(`${bare.url}/json-api/create_integration_link`, linkArgs(`app${w}`), AUTH);
        },
        { concurrency, target: 0.9, ...timing },
      ),
    );
  }
  const rejected = `${linkArgs('appx')}&hide=2`;
  const floor = await floorRejectServer(lb.dataDir);
  const [ours, floors] = await Promise.all([
    post(`${lb.url}/json-api/create_integration_link`, rejected, AUTH),
    post(`${floor.url}/json-api/create_integration_link`, rejected, AUTH),
  ]);
  if (ours !== floors) throw new Error(`answers differ:\n${ours}\n${floors}`);
  for (const concurrency of [1, 16]) {
    results.push(
      await compare(
        'create_integration_link rejected (hide=2)',
        async () => {
          const text = await post(`${lb.url}/json-api/create_integration_link`, rejected, AUTH);
          if (!text.includes('"result":0')) throw new Error(text);
        },
        async () => {
          await post(`${bare.url}/json-api/reject`, rejected, AUTH);
        },
        { concurrency, target: 0.8, ...timing },
      ),
    );
    results.push(
      await compare(
        'the floor for a rejected create (hand-written, spec-required work only) vs bare',
        async () => {
          await post(`${floor.url}/json-api/create_integration_link`, rejected, AUTH);
        },
        async () => {
          await post(`${bare.url}/json-api/reject`, rejected, AUTH);
        },
        { concurrency, target: 0.8, ...timing, subjectLabel: 'floor' },
      ),
    );
  }
  await lb.close();
  await bare.close();
  await floor.close();
  return results;
}
