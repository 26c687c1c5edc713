// Issue 2's benchmarks: create_integration_link and its rejected form against bare Hono routes
// doing the same durable two-file write / answering the same failure body.
import { mkdir, mkdtemp, open, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { type Comparison, compare } from './harness.ts';
import { AUTH, post, startBare, startLinkbroker } from './servers.ts';

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

export async function runCreateBench(quick = false): Promise<Comparison[]> {
  const lb = await startLinkbroker();
  const bare = await bareCreateServer();
  await post(
    `${lb.url}/json-api/createacct`,
    'api.version=1&username=bench&domain=bench.example.com',
    AUTH,
  );
  const timing = quick
    ? { roundMs: 400, rounds: 4, warmupMs: 200 }
    : { roundMs: 1000, rounds: 10, warmupMs: 1000 };
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
          await post(`${bare.url}/json-api/create_integration_link`, linkArgs(`app${w}`));
        },
        { concurrency, target: 0.9, ...timing },
      ),
    );
  }
  const rejected = `${linkArgs('appx')}&hide=2`;
  for (const concurrency of [1, 16]) {
    results.push(
      await compare(
        'create_integration_link rejected (hide=2)',
        async () => {
          const text = await post(`${lb.url}/json-api/create_integration_link`, rejected, AUTH);
          if (!text.includes('"result":0')) throw new Error(text);
        },
        async () => {
          await post(`${bare.url}/json-api/reject`, rejected);
        },
        { concurrency, target: 0.8, ...timing },
      ),
    );
  }
  await lb.close();
  await bare.close();
  return results;
}
