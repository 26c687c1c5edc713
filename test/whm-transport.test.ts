// The WHM API 1 transport over real sockets: encodings, envelopes, authentication, throttling,
// the body limit and the answers for unknown functions and unexpected errors.
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyText, parseWhmArgs } from '../src/whm/args.ts';
import {
  json,
  ROOT_PASSWORD,
  ROOT_TOKEN,
  snapshot,
  startTestServer,
  type TestServer,
} from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LINKBROKER_AUTH_MAX_FAILURES: '5' });
});
afterAll(async () => {
  // The root secrets never reach a log line (every answer of this file is checked below too).
  for (const line of server.logs) {
    expect(line).not.toContain(ROOT_TOKEN);
    expect(line).not.toContain(ROOT_PASSWORD);
  }
  await server.stop();
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('encodings', () => {
  it('GET with a query string', async () => {
    const res = await fetch(
      `${server.url}/json-api/createacct?api.version=1&username=getuser&domain=get.example.com`,
      {
        headers: server.auth,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await json(res)).toEqual({
      data: { user: 'getuser', domain: 'get.example.com' },
      metadata: { command: 'createacct', reason: 'OK', result: 1, version: 1 },
    });
  });

  it('POST with a form body (what @cpanel/api sends)', async () => {
    const res = await server.whm('createacct', {
      username: 'formuser',
      domain: 'form.example.com',
    });
    expect((await json(res)).metadata).toMatchObject({ result: 1, command: 'createacct' });
  });

  it('POST with a JSON body, numbers and api.version among the keys', async () => {
    const res = await fetch(`${server.url}/json-api/createacct`, {
      method: 'POST',
      headers: { ...server.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ 'api.version': 1, username: 'jsonuser', domain: 'json.example.com' }),
    });
    expect((await json(res)).metadata.result).toBe(1);
  });

  it('accepts the /cpsessNNNNNNNNNN prefix of cPanel session URLs', async () => {
    const res = await fetch(`${server.url}/cpsess0123456789/json-api/listaccts?api.version=1`, {
      headers: server.auth,
    });
    const body = await json(res);
    expect(body.metadata.result).toBe(1);
    expect(body.data.acct.map((a: { user: string }) => a.user)).toContain('getuser');
  });

  it('treats a missing api.version as 1 and refuses any other version', async () => {
    const ok = await fetch(`${server.url}/json-api/listaccts`, { headers: server.auth });
    expect((await json(ok)).metadata.result).toBe(1);
    const bad = await fetch(`${server.url}/json-api/listaccts?api.version=2`, {
      headers: server.auth,
    });
    expect(bad.status).toBe(200);
    expect((await json(bad)).metadata).toEqual({
      command: 'listaccts',
      result: 0,
      version: 1,
      reason: 'The “api.version” parameter must be 1: this server implements WHM API 1 (got “2”).',
    });
  });

  it('answers invalid JSON, non-object JSON and nested values with result 0, not HTTP 500', async () => {
    for (const [body, reason] of [
      ['{nope', 'The request body is not valid JSON.'],
      ['[1,2]', 'The JSON request body must be an object of argument names to values.'],
      ['{"username":{"a":1}}', 'The argument “username” must be a string or a number.'],
      [
        '{"username":"a\\ud800b"}',
        'The argument “username” must be valid Unicode text: it has half of a surrogate pair.',
      ],
      [
        '{"username":"x","domain":"\\udc00"}',
        'The argument “domain” must be valid Unicode text: it has half of a surrogate pair.',
      ],
      // A whole pair is one character (here 😀), so it passes to the parameter rules.
      [
        '{"username":"a\\ud83d\\ude00"}',
        'The “username” parameter must start with a lowercase letter and contain only lowercase letters and digits.',
      ],
    ] as const) {
      const res = await fetch(`${server.url}/json-api/createacct`, {
        method: 'POST',
        headers: { ...server.auth, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      expect((await json(res)).metadata).toMatchObject({ result: 0, reason });
    }
  });

  it('refuses bytes that are not UTF-8 (raw or %-escaped) naming the argument, writing nothing', async () => {
    const before = await snapshot(server.dataDir);
    const form = 'username=utf&domain=utf.example';
    const send = (body: Buffer | string, type = 'application/x-www-form-urlencoded', query = '') =>
      fetch(`${server.url}/json-api/createacct${query}`, {
        method: 'POST',
        headers: { ...server.auth, 'content-type': type },
        body,
      });
    for (const [res, reason] of [
      // Half of a surrogate pair, a cut sequence, an overlong NUL: each would be stored as U+FFFD.
      [
        await send(`${form}&owner=tok%ED%A0%80`),
        'The argument “owner” is not UTF-8 text once its %-escapes are decoded.',
      ],
      [
        await send(`${form}&owner=u%E2%82`),
        'The argument “owner” is not UTF-8 text once its %-escapes are decoded.',
      ],
      [
        await send(`${form}&%C0%80=x`),
        'The argument “%C0%80” is not UTF-8 text once its %-escapes are decoded.',
      ],
      [
        await send(form, undefined, '?owner=%FF'),
        'The argument “owner” is not UTF-8 text once its %-escapes are decoded.',
      ],
      [
        await send(Buffer.concat([Buffer.from(`${form}&owner=raw`), Buffer.from([0xff])])),
        'The request body is not UTF-8 text.',
      ],
      [
        await send(
          Buffer.concat([
            Buffer.from('{"username":"j'),
            Buffer.from([0xed, 0xa0, 0x80]),
            Buffer.from('","domain":"j.example"}'),
          ]),
          'application/json',
        ),
        'The request body is not UTF-8 text.',
      ],
    ] as const) {
      expect((await json(res)).metadata).toMatchObject({ result: 0, reason });
    }
    expect(await snapshot(server.dataDir)).toEqual(before);
    // U+FFFD itself, sent as its own UTF-8 bytes, is text like any other; a `%` that starts no
    // escape stays as written.
    const args = parseWhmArgs(
      '',
      'application/x-www-form-urlencoded',
      'a=%EF%BF%BD&b=100%&c=%2B+1',
    );
    expect({ ...args }).toEqual({ a: '\uFFFD', b: '100%', c: '+ 1' });
    // An escaped U+FEFF is part of the value or name, in front or not.
    const boms = parseWhmArgs('', undefined, 'token=%EF%BB%BFsecret&%EF%BB%BFk=v&m=x%EF%BB%BFy');
    expect({ ...boms }).toEqual({ token: '\uFEFFsecret', '\uFEFFk': 'v', m: 'x\uFEFFy' });
    expect(bodyText(Buffer.from('\uFEFFuser=a'))).toBe('user=a');
  });

  it('keeps a JSON number as the client wrote it, never rounded through a double', async () => {
    const post = (args: string) =>
      fetch(`${server.url}/json-api/create_integration_link`, {
        method: 'POST',
        headers: { ...server.auth, 'content-type': 'application/json' },
        body: `{"user":"jsonnum","app":"n","implements":"billing","label":"N","token":"t","url":"https://n.example/",${args}}`,
      }).then(json);
    expect(
      (
        await server
          .whm('createacct', { username: 'jsonnum', domain: 'num.example.com' })
          .then(json)
      ).metadata.result,
    ).toBe(1);
    for (const [given, stored] of [
      // Beyond 2^53 a double would make it …567000.
      ['12345678901234567890', '12345678901234567890'],
      ['9007199254740993', '9007199254740993'],
      ['123456789.123456789123', '123456789.123456789123'],
      // A double would print these as 1e-7 and 100.
      ['0.0000001', '0.0000001'],
      ['1e2', '1e2'],
      ['-12', '-12'],
      // A repeated name keeps its last value, as JSON.parse reads it.
      ['1, "subscriber_unique_id": 22', '22'],
      ['"12345678901234567890"', '12345678901234567890'],
    ]) {
      expect((await post(`"subscriber_unique_id":${given}`)).metadata.result).toBe(1);
      const config = await server
        .whm('get_integration_link_user_config', { user: 'jsonnum', app: 'n' })
        .then(json);
      expect([given, config.data.userconfig.subscriber_unique_id]).toEqual([given, stored]);
    }
    // A number is read as written for the rules too: 1e2 is no integer for `order`.
    const order = await post('"subscriber_unique_id":"1","order":1e2');
    expect(order.metadata).toMatchObject({
      result: 0,
      reason: 'The “order” parameter must be an integer.',
    });
  });

  it('refuses an unsupported body type with a reason naming it', async () => {
    const res = await fetch(`${server.url}/json-api/listaccts`, {
      method: 'POST',
      headers: { ...server.auth, 'content-type': 'text/xml' },
      body: '<a/>',
    });
    expect((await json(res)).metadata.reason).toMatch(/“text\/xml” is not supported/);
  });

  it('answers other methods with 405 and Allow', async () => {
    const res = await fetch(`${server.url}/json-api/listaccts`, {
      method: 'PUT',
      headers: server.auth,
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect((await json(res)).metadata).toMatchObject({ result: 0, command: 'listaccts' });
  });

  it('answers an unknown function with result 0 (HTTP 200), like WHM', async () => {
    const res = await server.whm('no_such_function');
    expect(res.status).toBe(200);
    expect((await json(res)).metadata).toEqual({
      command: 'no_such_function',
      result: 0,
      version: 1,
      reason: 'Unknown app (“no_such_function”) requested for this version (1) of the API.',
    });
  });

  it('limits a streamed body without Content-Length too', async () => {
    const chunk = 'a'.repeat(64 * 1024);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent >= 3 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(new TextEncoder().encode(sent === chunk.length ? `x=${chunk}` : chunk));
      },
    });
    const res = await fetch(`${server.url}/json-api/listaccts`, {
      method: 'POST',
      headers: { ...server.auth, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await json(res)).metadata.reason).toBe(
      'The request body is larger than the limit of 2097152 bytes.',
    );
  });

  it('limits the request body size with HTTP 413', async () => {
    const res = await fetch(`${server.url}/json-api/listaccts`, {
      method: 'POST',
      headers: { ...server.auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `x=${'a'.repeat(3 * 1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect((await json(res)).metadata).toMatchObject({ result: 0, command: 'listaccts' });
  });
});

describe('authentication', () => {
  it('accepts Basic root:PASSWORD and whm root:TOKEN', async () => {
    for (const authorization of [
      basic('root', ROOT_PASSWORD),
      `whm root:${ROOT_TOKEN}`,
      `WHM root:${ROOT_TOKEN}`,
    ]) {
      const res = await fetch(`${server.url}/json-api/listaccts`, { headers: { authorization } });
      expect((await json(res)).metadata.result).toBe(1);
    }
  });

  it('refuses a call a page of another site or origin started, before looking at credentials', async () => {
    // A browser keeps Basic credentials once given and sends them with any page's request: an
    // <img> elsewhere must not remove an account.
    const authorization = basic('root', ROOT_PASSWORD);
    expect(
      (
        await json(
          await fetch(`${server.url}/json-api/createacct?username=victim&domain=victim.example`, {
            headers: { authorization },
          }),
        )
      ).metadata.result,
    ).toBe(1);
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]) {
      const res = await fetch(`${server.url}/json-api/removeacct?user=victim`, {
        headers: { authorization, ...headers },
      });
      expect(res.status).toBe(403);
      expect((await json(res)).metadata).toEqual({
        command: 'removeacct',
        reason:
          'Requests started by a page of another website are refused: call the WHM API from a server or a script.',
        result: 0,
        version: 1,
      });
    }
    // This server's own pages (the API reference) and clients that send no page headers.
    const own = await fetch(`${server.url}/json-api/listaccts`, {
      headers: { authorization, origin: server.url, 'sec-fetch-site': 'same-origin' },
    });
    const users = (await json(own)).data.acct.map((a: { user: string }) => a.user);
    expect(users).toContain('victim');
    const removed = await fetch(`${server.url}/json-api/removeacct?user=victim`, {
      headers: { authorization },
    });
    expect((await json(removed)).metadata.result).toBe(1);
  });

  it('sends a login URL with Cache-Control: no-store, other answers without', async () => {
    const authorization = `whm root:${ROOT_TOKEN}`;
    await fetch(`${server.url}/json-api/createacct?username=cached&domain=cached.example`, {
      headers: { authorization },
    });
    const session = await fetch(`${server.url}/json-api/create_user_session?user=cached`, {
      headers: { authorization },
    });
    expect((await json(session)).metadata.result).toBe(1);
    expect(session.headers.get('cache-control')).toBe('no-store');
    const list = await fetch(`${server.url}/json-api/listaccts`, { headers: { authorization } });
    expect(list.headers.get('cache-control')).toBeNull();
    await fetch(`${server.url}/json-api/removeacct?user=cached`, { headers: { authorization } });
  });

  it('answers 401 with WWW-Authenticate when no credentials are sent', async () => {
    const res = await fetch(`${server.url}/json-api/listaccts`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await json(res)).metadata).toMatchObject({ result: 0, reason: 'Access denied' });
  });

  it('answers 403 with the same body whichever part is wrong', async () => {
    // From another loopback address so that these failures do not throttle the other tests.
    const agents = [
      new Agent({ localAddress: '127.0.0.3' }),
      new Agent({ localAddress: '127.0.0.4' }),
    ];
    const bodies = new Set<string>();
    for (const [i, authorization] of [
      basic('root', 'wrong-password'),
      basic('admin', ROOT_PASSWORD),
      `whm root:${ROOT_TOKEN}x`,
      `whm alice:${ROOT_TOKEN}`,
      `whm root:${ROOT_PASSWORD}`,
      basic('root', ROOT_TOKEN),
      'Bearer abc',
    ].entries()) {
      const res = await request(`${server.url}/json-api/listaccts`, {
        headers: { authorization },
        dispatcher: agents[i % 2] as Agent,
      });
      expect(res.statusCode).toBe(403);
      bodies.add(await res.body.text());
    }
    expect([...bodies]).toEqual([
      '{"metadata":{"command":"listaccts","reason":"Access denied","result":0,"version":1}}',
    ]);
    await Promise.all(agents.map((a) => a.close()));
  });

  it('throttles an address after too many failures without affecting other addresses', async () => {
    const attacker = new Agent({ localAddress: '127.0.0.2' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await request(`${server.url}/json-api/listaccts`, {
        headers: { authorization: basic('root', `guess-${i}`) },
        dispatcher: attacker,
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(300);
      }
      await res.body.dump();
    }
    // The limit is 5 here: the 6th failure starts the block.
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403, 429]);
    // Even correct credentials wait while the address is blocked…
    const blocked = await request(`${server.url}/json-api/listaccts`, {
      headers: server.auth,
      dispatcher: attacker,
    });
    expect(blocked.statusCode).toBe(429);
    await blocked.body.dump();
    // …and another address is not affected.
    const other = await fetch(`${server.url}/json-api/listaccts`, { headers: server.auth });
    expect(other.status).toBe(200);
    await attacker.close();
  });
});
