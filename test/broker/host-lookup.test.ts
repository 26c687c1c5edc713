// Partner host name lookups: shared per name, at most two at once, never left to wait past the
// attempt deadline, and never able to take the libuv threadpool the store needs (a real hang of
// a threadpool thread, made with a FIFO no one writes to).

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostLookup, type LookupFunction } from '../../src/broker/host-lookup.ts';
import { createPartnerClient } from '../../src/broker/partner-client.ts';
import { sendJson, startTestServer } from './helpers.ts';

interface Call {
  hostname: string;
  answer: (address: string) => void;
  fail: (code: string) => void;
}

/** A lookup that answers only when the test says so. */
function scriptedLookup() {
  const calls: Call[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push({
      hostname,
      answer: (address) =>
        options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4),
      fail: (code) => callback(Object.assign(new Error(code), { code }), ''),
    });
  };
  return { calls, lookup };
}

/** Runs a lookup and records what its callback got. */
function ask(lookup: LookupFunction, hostname: string, all = false) {
  const got: { error?: string; address?: unknown }[] = [];
  lookup(hostname, { all }, (error, address) =>
    got.push(error ? { error: error.code ?? error.message } : { address }),
  );
  return got;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createHostLookup', () => {
  it('runs at most two distinct lookups at once; the next starts when one answers', () => {
    const base = scriptedLookup();
    const lookup = createHostLookup({ lookup: base.lookup, maxWaitMs: 10_000 });
    const a = ask(lookup, 'a.test');
    const b = ask(lookup, 'b.test');
    const c = ask(lookup, 'c.test');
    expect(base.calls.map((call) => call.hostname)).toEqual(['a.test', 'b.test']);
    base.calls[1]?.answer('192.0.2.2');
    expect(b).toEqual([{ address: '192.0.2.2' }]);
    expect(base.calls.map((call) => call.hostname)).toEqual(['a.test', 'b.test', 'c.test']);
    base.calls[2]?.fail('ENOTFOUND');
    expect(c).toEqual([{ error: 'ENOTFOUND' }]);
    base.calls[0]?.answer('192.0.2.1');
    expect(a).toEqual([{ address: '192.0.2.1' }]);
  });

  it('gives one lookup of a name to every connection asking for it meanwhile', () => {
    const base = scriptedLookup();
    const lookup = createHostLookup({ lookup: base.lookup, maxWaitMs: 10_000 });
    const first = ask(lookup, 'p.test', true);
    const second = ask(lookup, 'p.test', true);
    const single = ask(lookup, 'p.test', false);
    // Other options are another question (a list of addresses or one address).
    expect(base.calls).toHaveLength(2);
    base.calls[0]?.answer('192.0.2.9');
    base.calls[1]?.answer('192.0.2.9');
    expect(first).toEqual([{ address: [{ address: '192.0.2.9', family: 4 }] }]);
    expect(second).toEqual(first);
    expect(single).toEqual([{ address: '192.0.2.9' }]);
    // Once answered, the next connection asks again (no caching past the answer).
    ask(lookup, 'p.test', true);
    expect(base.calls).toHaveLength(3);
  });

  it('fails a lookup whose turn comes after the wait limit, without making it', () => {
    const base = scriptedLookup();
    let now = 0;
    const lookup = createHostLookup({ lookup: base.lookup, maxWaitMs: 1_000, now: () => now });
    ask(lookup, 'hang1.test');
    ask(lookup, 'hang2.test');
    const late = ask(lookup, 'late.test');
    now = 400;
    const inTime = ask(lookup, 'in-time.test');
    now = 1_200;
    base.calls[0]?.fail('EAI_AGAIN');
    expect(late).toEqual([{ error: 'ETIMEOUT' }]);
    expect(base.calls.map((call) => call.hostname)).toEqual([
      'hang1.test',
      'hang2.test',
      'in-time.test',
    ]);
    base.calls[2]?.answer('192.0.2.3');
    expect(inTime).toEqual([{ address: '192.0.2.3' }]);
  });

  it('frees the turn and the name of a lookup that throws', () => {
    const base = scriptedLookup();
    let throws = true;
    const lookup = createHostLookup({
      lookup: (hostname, options, callback) => {
        if (throws)
          throw Object.assign(new Error('bad options'), { code: 'ERR_INVALID_ARG_VALUE' });
        base.lookup(hostname, options, callback);
      },
      maxConcurrent: 1,
      maxWaitMs: 10_000,
    });
    expect(ask(lookup, 'p.test')).toEqual([{ error: 'ERR_INVALID_ARG_VALUE' }]);
    throws = false;
    const again = ask(lookup, 'p.test');
    expect(base.calls.map((call) => call.hostname)).toEqual(['p.test']);
    base.calls[0]?.answer('192.0.2.7');
    expect(again).toEqual([{ address: '192.0.2.7' }]);
  });

  it('counts an answer once, however often the lookup calls back', () => {
    let callback: Parameters<LookupFunction>[2] | undefined;
    const started: string[] = [];
    const lookup = createHostLookup({
      lookup: (hostname, _options, cb) => {
        started.push(hostname);
        callback ??= cb;
      },
      maxConcurrent: 1,
      maxWaitMs: 10_000,
    });
    const got = ask(lookup, 'twice.test');
    ask(lookup, 'next.test');
    callback?.(null, '192.0.2.4', 4);
    callback?.(null, '192.0.2.5', 4);
    expect(got).toEqual([{ address: '192.0.2.4' }]);
    expect(started).toEqual(['twice.test', 'next.test']);
  });
});

describe('partner connections', () => {
  it('resolve the partner host with the lookup given', async () => {
    const partner = await startTestServer((_req, res) => sendJson(res, 200, { ok: true }));
    cleanups.push(partner.close);
    const asked: string[] = [];
    const client = createPartnerClient({
      lookup: (hostname, options, callback) => {
        asked.push(hostname);
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      },
    });
    cleanups.push(client.close);
    const port = new URL(partner.url).port;
    const response = await client.post(`http://partner.example.test:${port}/autologin`, {
      token: 't',
    });
    expect(response).toMatchObject({ kind: 'answer', status: 200 });
    expect(asked).toEqual(['partner.example.test']);
  });

  it('never take the threadpool: file reads go on while partner name lookups hang', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkbroker-lookup-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'data.json');
    await writeFile(file, '{"ok":true}');
    // A hanging getaddrinfo, as a slow name server makes it: a threadpool thread blocked in the
    // open of a FIFO until the test writes to it.
    let released = false;
    const fifos: string[] = [];
    const hangingLookup: LookupFunction = (hostname, _options, callback) => {
      const fifo = join(dir, hostname);
      if (released)
        return callback(Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' }), '');
      execFileSync('mkfifo', [fifo]);
      fifos.push(fifo);
      open(fifo, 'r').then(
        (handle) => handle.close(),
        () => undefined,
      );
      // Answers (a failure) once the FIFO is released; the open above holds a thread till then.
      const poll = setInterval(() => {
        if (!released) return;
        clearInterval(poll);
        callback(Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' }), '');
      }, 20);
    };
    const client = createPartnerClient({ lookup: hangingLookup, attemptTimeoutMs: 60_000 });
    cleanups.push(client.close);
    cleanups.push(() => {
      released = true;
      for (const fifo of fifos) {
        try {
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          // No reader (its lookup never started): nothing holds a thread for it.
        }
      }
    });
    const clicks = Array.from({ length: 6 }, (_, i) =>
      client.post(`http://hang${i}.example.test:9/`, { token: 't' }),
    );
    // Give the lookups that start time to block their threads.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const read = readFile(file, 'utf8');
    const timedOut = new Promise((resolve) =>
      setTimeout(() => resolve('threadpool starved'), 3_000),
    );
    expect(await Promise.race([read, timedOut])).toBe('{"ok":true}');
    expect(fifos).toHaveLength(2);
    released = true;
    for (const fifo of fifos) closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    fifos.length = 0;
    for (const response of await Promise.all(clicks)) {
      expect(response).toMatchObject({ kind: 'transport-error' });
    }
  });
});
