// Unexpected errors: logged with a request id, answered with a result-0 envelope that shows no
// internals, never HTTP 500 on the API.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemorySessionRecords, createSessions } from '../src/accounts/sessions.ts';
import { createApp } from '../src/app.ts';
import { createMemoryLogger } from '../src/log.ts';
import type { Store } from '../src/store/store.ts';
import { createThrottle } from '../src/whm/throttle.ts';

const sha = (v: string) => createHash('sha256').update(v).digest();

describe('an unexpected error inside a function', () => {
  it('answers result 0 with only a request id, and logs the details under that id', async () => {
    const logger = createMemoryLogger();
    const failing = new Proxy({} as Store, {
      get: () => async () => {
        throw new Error('EIO: disk on fire at /secret/path/alice.json');
      },
    });
    const app = createApp({
      store: failing,
      logger,
      now: Date.now,
      broker: {} as never,
      root: { passwordHash: sha('pw'), tokenHash: sha('token-token-token') },
      throttle: createThrottle({ maxFailures: 5, windowMs: 1000 }),
      trustedProxies: [],
      maxBodyBytes: 1024 * 1024,
      sessions: createSessions(createMemorySessionRecords()),
      publicUrl: () => 'http://127.0.0.1:2087',
      continuationKey: Buffer.alloc(32),
    });
    const res = await app.request('/json-api/listaccts?api.version=1', {
      headers: { authorization: 'whm root:token-token-token' },
    });
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
