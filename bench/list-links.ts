// list_integration_links over HTTP (50 links; whole list, and one chunk of 10) against a bare
// Hono route answering the same JSON from the same directory read the same way (readdir of the
// user's dir, names filtered and sorted).
import { lstatSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { benchTiming, type Comparison, compare } from './harness.ts';
import { AUTH, floorAuthorised, post, startBare, startLinkbroker } from './servers.ts';

const LINKS = 50;
const USERCONFIG = '.userconfig';

function bareListServer(userDir: string) {
  const envelope = (links: { app: string }[]) => ({
    data: { links },
    metadata: { command: 'list_integration_links', reason: 'OK', result: 1, version: 1 },
  });
  const list = async () =>
    (await readdir(userDir))
      .filter((n) => n.endsWith(USERCONFIG) && !n.startsWith('.') && !n.startsWith('group_'))
      .map((n) => n.slice(0, -USERCONFIG.length))
      .sort()
      .map((app) => ({ app }));
  const app = new Hono();
  app.post('/json-api/list_integration_links', async (c) => {
    const args = new URLSearchParams(await c.req.text());
    const links = await list();
    const chunked = args.get('api.chunk.enable') === '1';
    return c.json(envelope(chunked ? links.slice(0, Number(args.get('api.chunk.size'))) : links));
  });
  return startBare(app);
}

/**
 * The least a list call can do and still follow the spec, written by hand with no layer in
 * between: the root token compared in constant time, the form parsed, the account looked up
 * first as cPanel does (one lstat of its file), then the same readdir, filter, sort and chunk as
 * the bare route (a missing dir is no links). The spec forbids following symlinks only when
 * writing, so unlike linkbroker (which opens nothing through a symlink, an lstat of the user's
 * dir per list) the floor does not check the dir. It shows how far the target is from what the
 * machine allows, not a design to copy.
 */
function floorListServer(dataDir: string) {
  const authorised = floorAuthorised();
  const envelope = (links: { app: string }[]) => ({
    data: { links },
    metadata: { command: 'list_integration_links', reason: 'OK', result: 1, version: 1 },
  });
  const app = new Hono();
  app.post('/json-api/list_integration_links', async (c) => {
    if (!authorised(c.req.header('authorization'))) return c.text('Access denied', 403);
    const args = new URLSearchParams(await c.req.text());
    const user = args.get('user') ?? '';
    const fail = (reason: string) =>
      c.json({ metadata: { command: 'list_integration_links', reason, result: 0, version: 1 } });
    if (
      !/^[a-z][a-z0-9]{0,15}$/.test(user) ||
      !lstatSync(join(dataDir, 'accounts', `${user}.json`), { throwIfNoEntry: false })
    ) {
      return fail(`You do not have a user named “${user}”.`);
    }
    const names = await readdir(join(dataDir, 'integration', 'links', user)).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      },
    );
    const links = names
      .filter((n) => n.endsWith(USERCONFIG) && !n.startsWith('.') && !n.startsWith('group_'))
      .map((n) => n.slice(0, -USERCONFIG.length))
      .sort()
      .map((app) => ({ app }));
    const chunked = args.get('api.chunk.enable') === '1';
    return c.json(envelope(chunked ? links.slice(0, Number(args.get('api.chunk.size'))) : links));
  });
  return startBare(app);
}

export async function runListLinksBench(quick = false): Promise<Comparison[]> {
  const lb = await startLinkbroker();
  await post(
    `${lb.url}/json-api/createacct`,
    'api.version=1&username=bench&domain=bench.example.com',
    AUTH,
  );
  for (let i = 0; i < LINKS; i++) {
    const args = new URLSearchParams({
      'api.version': '1',
      user: 'bench',
      app: `app${String(i).padStart(2, '0')}`,
      implements: 'billing',
      label: `Bench ${i}`,
      subscriber_unique_id: String(i),
      token: 'bench-list-token',
      url: 'https://billing.example.com/',
    });
    await post(`${lb.url}/json-api/create_integration_link`, args.toString(), AUTH);
  }
  const bare = await bareListServer(join(lb.dataDir, 'integration', 'links', 'bench'));
  const floor = await floorListServer(lb.dataDir);
  const timing = benchTiming(quick);
  const variants = [
    {
      name: `list_integration_links (${LINKS} links)`,
      body: 'api.version=1&user=bench',
      count: LINKS,
    },
    {
      name: `list_integration_links (${LINKS} links, api.chunk.size=10)`,
      body: 'api.version=1&user=bench&api.chunk.enable=1&api.chunk.size=10',
      count: 10,
    },
  ];
  const results: Comparison[] = [];
  for (const { name, body, count } of variants) {
    // Both answers must be the same JSON, or the comparison means nothing.
    const ours = await post(`${lb.url}/json-api/list_integration_links`, body, AUTH);
    const theirs = await post(`${bare.url}/json-api/list_integration_links`, body, AUTH);
    const floors = await post(`${floor.url}/json-api/list_integration_links`, body, AUTH);
    if (ours !== theirs || floors !== theirs || JSON.parse(ours).data.links.length !== count) {
      throw new Error(`answers differ:\n${ours}\n${theirs}`);
    }
    for (const concurrency of [1, 16]) {
      results.push(
        await compare(
          name,
          async () => {
            await post(`${lb.url}/json-api/list_integration_links`, body, AUTH);
          },
          async () => {
            await post(`${bare.url}/json-api/list_integration_links`, body, AUTH);
          },
          { concurrency, target: 0.85, ...timing },
        ),
      );
      results.push(
        await compare(
          `the floor for ${name} (hand-written, spec-required work only) vs bare`,
          async () => {
            await post(`${floor.url}/json-api/list_integration_links`, body, AUTH);
          },
          async () => {
            await post(`${bare.url}/json-api/list_integration_links`, body, AUTH);
          },
          { concurrency, target: 0.85, ...timing, subjectLabel: 'floor' },
        ),
      );
    }
  }
  await lb.close();
  await bare.close();
  await floor.close();
  await rm(lb.dataDir, { recursive: true, force: true });
  return results;
}
