// Unexpected errors: logged with a request id, answered with a result-0 envelope that shows no
// internals, never HTTP 500 on the API.

import { createHash } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemorySessionRecords, createSessions } from '../src/accounts/sessions.ts';
import { type AppDeps, createApp } from '../src/app.ts';
import { createMemoryLogger } from '../src/log.ts';
import type { Store } from '../src/store/store.ts';
import { createThrottle } from '../src/whm/throttle.ts';
import { ROOT_TOKEN, startTestServer } from './helpers/server.ts';

const sha = (v: string) => createHash('sha256').update(v).digest();
const ROOT_AUTH = { authorization: 'whm root:token-token-token' };

/** The app with in-memory parts and one or two of them replaced. */
function appWith(parts: Partial<AppDeps>) {
  return createApp({
    store: {} as Store,
    logger: createMemoryLogger(),
    now: Date.now,
    broker: {} as never,
    root: { passwordHash: sha('pw'), tokenHash: sha('token-token-token') },
    throttle: createThrottle({ maxFailures: 5, windowMs: 1000 }),
    trustedProxies: [],
    maxBodyBytes: 1024 * 1024,
    sessions: createSessions(createMemorySessionRecords()),
    publicUrl: () => 'http://127.0.0.1:2087',
    continuationKey: Buffer.alloc(32),
    ...parts,
  });
}

describe('an unexpected error inside a function', () => {
  it('answers result 0 with only a request id, and logs the details under that id', async () => {
    const logger = createMemoryLogger();
    const failing = new Proxy({} as Store, {
      get: () => async () => {
        throw new Error('EIO: disk on fire at /secret/path/alice.json');
      },
    });
    const app = appWith({ store: failing, logger });
    const res = await app.request('/json-api/listaccts?api.version=1', { headers: ROOT_AUTH });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { metadata: { result: number; reason: string } };
    expect(body.metadata.result).toBe(0);
    const id = /request id ([0-9a-f-]{36})/.exec(body.metadata.reason)?.[1];
    expect(id).toBeTruthy();
    expect(JSON.stringify(body)).not.toMatch(/EIO|secret|disk|stack|at /);
    const line = logger.lines.map((l) => JSON.parse(l)).find((l) => l.requestId === id);
    expect(line).toMatchObject({ level: 'error', command: 'listaccts' });
    expect(line.error).toContain('disk on fire');
  });
});

describe('an unexpected error outside the WHM functions', () => {
  it('answers the API with result 0 and a request id when the transport itself fails', async () => {
    const logger = createMemoryLogger();
    const app = appWith({
      logger,
      // A dependency of the transport (not of any function) that fails.
      throttle: {
        blockedFor() {
          throw new Error('ENOMEM at /secret/throttle-table');
        },
        recordFailure() {},
      },
    });
    const res = await app.request('/json-api/listaccts?api.version=1', { headers: ROOT_AUTH });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      metadata: { command: string; result: number; reason: string };
    };
    expect(body.metadata).toMatchObject({ command: 'listaccts', result: 0 });
    const id = /request id ([0-9a-f-]{36})/.exec(body.metadata.reason)?.[1];
    expect(id).toBeTruthy();
    expect(JSON.stringify(body)).not.toMatch(/ENOMEM|secret|stack/);
    const line = logger.lines.map((l) => JSON.parse(l)).find((l) => l.requestId === id);
    expect(line).toMatchObject({
      level: 'error',
      msg: 'unhandled error',
      path: '/json-api/listaccts',
    });
    expect(line.error).toContain('ENOMEM');
  });

  it('answers a page and a UAPI call with a request id when the store breaks under them', async () => {
    const server = await startTestServer();
    try {
      await server.whm('createacct', { username: 'alice', domain: 'alice.example.com' });
      const session = (await (
        await server.whm('create_user_session', { user: 'alice' })
      ).json()) as {
        data: { url: string };
      };
      const login = await fetch(session.data.url, { redirect: 'manual' });
      const cookie = /^cpsession=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';
      expect(cookie).not.toBe('');
      // Someone replaced the user's links directory with a symlink: the store refuses it.
      const userDir = join(server.dataDir, 'integration', 'links', 'alice');
      const elsewhere = await mkdtemp(join(tmpdir(), 'linkbroker-elsewhere-'));
      await rm(userDir, { recursive: true, force: true });
      await symlink(elsewhere, userDir);

      const page = await fetch(`${server.url}/`, { headers: { cookie } });
      expect(page.status).toBe(500);
      const html = await page.text();
      expect(html).toContain('Something went wrong');
      // The page quotes the request id as a reference for the hosting provider.
      const pageId = /reference to your hosting\s+provider: ([0-9a-f-]{36})\./.exec(html)?.[1];
      expect(pageId).toBeTruthy();
      expect(html).not.toMatch(/StoreIntegrityError|integration\/links|linkbroker-test-/);

      // UAPI answers in its own shape (HTTP 200, status 0), with the same kind of reference.
      const uapi = await fetch(`${server.url}/execute/Integration/fetch_url?app=x`, {
        headers: { cookie },
      });
      expect(uapi.status).toBe(200);
      const answer = (await uapi.json()) as { status: number; errors: string[] };
      expect(answer.status).toBe(0);
      const uapiId = /request id ([0-9a-f-]{36})/.exec(answer.errors[0] ?? '')?.[1];
      expect(uapiId).toBeTruthy();
      expect(JSON.stringify(answer)).not.toMatch(/Store|integration\/links|partner/);

      // A click on a link of that user: the same page as any internal error, not "partner down".
      const click = await fetch(`${server.url}/integration/index.html?app=x`, {
        headers: { cookie },
      });
      expect(click.status).toBe(500);
      const clickPage = await click.text();
      const clickId = /reference to your hosting\s+provider: ([0-9a-f-]{36})\./.exec(
        clickPage,
      )?.[1];
      expect(clickId).toBeTruthy();

      const logged = server.logs.map((l) => JSON.parse(l));
      for (const id of [pageId, uapiId, clickId]) {
        const line = logged.find((l) => l.requestId === id);
        expect(line).toMatchObject({ level: 'error' });
        expect(line.error).toMatch(/StoreIntegrityError|LaunchStoreFailure/);
      }
      await rm(elsewhere, { recursive: true, force: true });
    } finally {
      await server.stop();
    }
  });
});

describe('paths under /json-api/ that name no function', () => {
  it('answer 404 with a result-0 envelope', async () => {
    const server = await startTestServer();
    try {
      for (const path of [
        '/json-api/',
        '/json-api/listaccts/extra',
        '/cpsess0123456789/json-api/',
        '/json-api',
      ]) {
        const res = await fetch(`${server.url}${path}`, { headers: server.auth });
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({
          metadata: {
            result: 0,
            reason: `There is no such API endpoint; the API reference is at ${server.url}/docs/api.`,
          },
        });
      }
      // Any other path is a page: readable, with the pages' headers and the way home.
      for (const path of ['/no/such/page', '/index.html']) {
        const page = await fetch(`${server.url}${path}`);
        expect(page.status).toBe(404);
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(page.headers.get('x-frame-options')).toBe('DENY');
        expect(page.headers.get('x-content-type-options')).toBe('nosniff');
        const html = await page.text();
        expect(html).toContain('There is no page at this address');
        expect(html).toContain('href="/"');
      }
    } finally {
      await server.stop();
    }
  });
});

describe('a client that goes away in the middle of its request', () => {
  it('is a notice in the log, not an unhandled error with a stack', async () => {
    const server = await startTestServer();
    try {
      const { port } = new URL(server.listenUrl);
      const paths = ['/json-api/create_integration_link', '/execute/Integration/fetch_url'];
      await Promise.all(
        paths.map(
          (path) =>
            new Promise<void>((resolve) => {
              const socket = connect(Number(port), '127.0.0.1', () => {
                socket.write(
                  `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: whm root:${ROOT_TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nuser=al`,
                );
                setTimeout(() => socket.destroy(), 50);
              });
              socket.on('error', () => {});
              socket.on('close', () => resolve());
            }),
        ),
      );
      // The handler of the WHM call is reading the body when the client goes; the page route
      // answers 401 without reading it (no session), so only the WHM call is a notice.
      await expect
        .poll(() => server.logs.filter((line) => line.includes('client went away')).length)
        .toBe(1);
      const [notice] = server.logs.filter((line) => line.includes('client went away'));
      expect(JSON.parse(notice as string)).toMatchObject({
        level: 'info',
        method: 'POST',
        path: '/json-api/create_integration_link',
      });
      expect(server.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
