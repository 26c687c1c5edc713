// `check-partner` against real partners over loopback: the bundled mock partner in each fault
// scenario, tiny hand-written partners for the faults it cannot play, and the CLI end to end.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMockPartner, startMockPartner } from '../mock-partner/index.ts';
import {
  CHECK_IDS,
  type CheckId,
  type ConformanceReport,
  checkPartner,
  maskToken,
  maskUrl,
  type PartnerCheckInput,
  redact,
  type Verdict,
} from '../src/broker/conformance.ts';
import { checkLatency } from '../src/broker/conformance-checks.ts';
import { renderReport, runCheckPartner } from '../src/cli/check-partner.ts';
import { runCli } from './helpers/cli.ts';

/** Distinctive, so a search of every output for it cannot miss. */
const TOKEN = 'TOK-5c2e91-check-partner-never-printed';
const SUBSCRIBER = '1001';

let partner: RunningMockPartner;
/** Every report made, to prove at the end that none of them holds the token. */
const outputs: string[] = [];

beforeAll(async () => {
  partner = await startMockPartner({ port: 0, subscribers: { [SUBSCRIBER]: TOKEN } });
});
afterAll(async () => {
  await partner.close();
});

function inputFor(url: string, extra: Partial<PartnerCheckInput> = {}): PartnerCheckInput {
  return {
    url,
    user: 'bob',
    app: 'billing',
    token: TOKEN,
    subscriber: SUBSCRIBER,
    link: { label: 'Billing', implements: 'billing' },
    fast: true,
    ...extra,
  };
}

async function check(
  url: string,
  extra: Partial<PartnerCheckInput> = {},
  options: Parameters<typeof checkPartner>[1] = {},
): Promise<ConformanceReport> {
  const input = inputFor(url, extra);
  const report = await checkPartner(input, { timeoutMs: 2_000, ...options });
  outputs.push(JSON.stringify(report), renderReport(report, input));
  return report;
}

function verdicts(report: ConformanceReport): Record<CheckId, Verdict> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict])) as Record<
    CheckId,
    Verdict
  >;
}

interface TinyPartnerOptions {
  /** Issue a sign-in URL whatever the token. */
  acceptAnyToken?: boolean;
  /** Let a sign-in URL be opened any number of times. */
  reusable?: boolean;
  /** Answer 503 to this many POSTs first. */
  failFirst?: number;
  /** Answer {"retry": 1} until this says the sign-in is ready. */
  readyWhen?: () => boolean;
}

/** A minimal real partner on node:http, for the misbehaviours the mock partner does not play. */
/** A partner on node:http answering every request with `handle` (the body read first). */
async function startRaw(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/autologin`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startTinyPartner(options: TinyPartnerOptions = {}) {
  const used = new Set<string>();
  let posts = 0;
  let next = 0;
  return startRaw((req, res, body) => {
    const origin = `http://${req.headers.host}`;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST' && req.url === '/autologin') {
      posts += 1;
      if (posts <= (options.failFirst ?? 0)) return json(503, { error: 'busy' });
      const token = new URLSearchParams(body).get('token');
      if (!options.acceptAnyToken && token !== TOKEN) return json(401, { error: 'bad token' });
      if (options.readyWhen && !options.readyWhen()) return json(200, { retry: 1 });
      next += 1;
      return json(200, { redirect_url: `${origin}/sso/code-${next}-abcdefghijklmnop` });
    }
    if (req.method === 'GET' && req.url?.startsWith('/sso/')) {
      const first = !used.has(req.url);
      used.add(req.url);
      res.writeHead(first || options.reusable ? 200 : 410, { 'content-type': 'text/html' });
      return res.end('<p>signed in</p>');
    }
    json(404, { error: 'not found' });
  });
}

describe('checkPartner against the mock partner', () => {
  it('passes a conforming partner, sending exactly the broker’s POST', async () => {
    partner.state.clearRequests();
    const report = await check(partner.autologinUrl());
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const c of report.checks) expect(c.verdict, `${c.id}: ${c.summary}`).toBe('pass');
    expect(report.checks.find((c) => c.id === 'single-use')?.summary).toContain('HTTP 410');
    expect(report.checks.find((c) => c.id === 'wrong-token')?.summary).toContain('HTTP 401');

    const posts = partner.requests.filter((r) => r.method === 'POST');
    // The real attempt, then the wrong-token attempt.
    expect(posts).toHaveLength(2);
    const [real, wrong] = posts;
    expect(real?.body).toEqual({
      app: 'billing',
      user: 'bob',
      token: TOKEN,
      subscriber_unique_id: SUBSCRIBER,
      attempt: '1',
      label: 'Billing',
      implements: 'billing',
    });
    expect(real?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(real?.headers.accept).toBe('application/json');
    expect(real?.headers['user-agent']).toMatch(/^linkbroker\//);
    expect(wrong?.body.token).not.toBe(TOKEN);
    expect(report.request?.fields.token).toBe(maskToken(TOKEN));
    // The sign-in URL was opened twice, without following anything.
    expect(
      partner.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/sso/')),
    ).toHaveLength(2);
  });

  it('passes the permissive mock partner too (the partner guide starts with it)', async () => {
    const permissive = await startMockPartner({ port: 0 });
    try {
      const report = await check(permissive.autologinUrl());
      expect(verdicts(report)['wrong-token']).toBe('pass');
      expect(report.ok).toBe(true);
    } finally {
      await permissive.close();
    }
  });

  it('follows the retry protocol, reporting the waits --fast skipped', async () => {
    const report = await check(partner.autologinUrl({ scenario: 'retry', times: 2, retry: 1 }));
    expect(report.ok).toBe(true);
    expect(verdicts(report).retry).toBe('pass');
    expect(report.attempts.map((a) => [a.attempt, a.answer, a.waitAskedMs, a.waitedMs])).toEqual([
      [1, 'retry', 1000, 0],
      [2, 'retry', 1000, 0],
      [3, 'destination', undefined, undefined],
    ]);
    const retry = report.checks.find((c) => c.id === 'retry');
    expect(retry?.summary).toContain('attempts 1, 2, 3 sent');
    expect(retry?.summary).toContain('2 s of waits asked');
    expect(retry?.details).toHaveLength(2);
  });

  it('honours the waits without --fast', async () => {
    const waits: number[] = [];
    const report = await check(
      partner.autologinUrl({ scenario: 'retry', times: 1, retry: '2.9' }),
      { fast: false },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([2000]);
    expect(report.attempts[0]?.waitedMs).toBe(2000);
    // 2.9 is read as 2 s: worth a warning, not a failure.
    expect(verdicts(report).retry).toBe('warn');
    expect(report.ok).toBe(true);
  });

  it('fails a partner that never stops asking to retry (only warns with --fast)', async () => {
    const waited = await check(
      partner.autologinUrl({ scenario: 'always-retry' }),
      { fast: false },
      { sleep: async () => {} },
    );
    expect(waited.ok).toBe(false);
    expect(verdicts(waited).retry).toBe('fail');
    expect(waited.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // --fast skipped the waits: the partner might have been ready after them.
    const fast = await check(partner.autologinUrl({ scenario: 'always-retry' }));
    const retry = fast.checks.find((c) => c.id === 'retry');
    expect(retry?.verdict).toBe('warn');
    expect(retry?.summary).toContain('--fast skipped the 2 s of waits asked');
    expect(retry?.hint).toBe('Run without --fast to give the partner the waits it asked for.');
    // But no sign-in URL was ever seen: the result cannot be a pass (a CI gate would let it by).
    expect(verdicts(fast)['redirect-url']).toBe('fail');
    expect(fast.ok).toBe(false);
    // Nothing skipped (retry 0): --fast changes nothing, the partner fails as it would anyway.
    const noWait = await check(partner.autologinUrl({ scenario: 'always-retry', retry: 0 }));
    expect(verdicts(noWait).retry).toBe('fail');
    expect(noWait.ok).toBe(false);
  });

  it('fails waits beyond the 60 s budget', async () => {
    const report = await check(partner.autologinUrl({ scenario: 'always-retry', retry: 45 }));
    expect(verdicts(report).retry).toBe('fail');
    expect(report.checks.find((c) => c.id === 'retry')?.summary).toMatch(/budget/);
    expect(report.attempts).toHaveLength(2);
  });

  it.each([
    [{ scenario: 'status', code: 500 }, 'http-answer'],
    [{ scenario: 'status', code: 503 }, 'http-answer'],
    [{ scenario: 'redirect3xx' }, 'http-answer'],
    [{ scenario: 'garbage' }, 'body'],
    [{ scenario: 'empty' }, 'body'],
    [{ scenario: 'huge', mb: 1 }, 'body'],
    [{ scenario: 'unsafe-redirect', kind: 'javascript' }, 'redirect-url'],
    [{ scenario: 'unsafe-redirect', kind: 'crlf' }, 'redirect-url'],
    [{ scenario: 'unsafe-redirect', kind: 'relative' }, 'redirect-url'],
    [{ scenario: 'wrong-key' }, 'redirect-url'],
  ] as const)('%j fails the %s check', async (query, failing) => {
    const report = await check(partner.autologinUrl(query));
    expect(report.ok).toBe(false);
    const failed = report.checks.find((c) => c.id === failing);
    expect(failed?.verdict).toBe('fail');
    expect(failed?.hint).toBeTruthy();
    expect(report.checks.find((c) => c.id === 'endpoint')?.verdict).toBe('pass');
    if (failing === 'body' && 'mb' in query) {
      expect(report.checks.find((c) => c.id === 'http-answer')?.summary).toBe(
        'HTTP 200 (body too large: see body) (1 attempt)',
      );
    }
  });

  it('fails a hanging partner promptly with a short timeout', async () => {
    const started = Date.now();
    const report = await check(partner.autologinUrl({ scenario: 'hang' }), {}, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(verdicts(report)['http-answer']).toBe('fail');
    expect(report.checks.find((c) => c.id === 'http-answer')?.summary).toContain('timeout');
    expect(report.checks.find((c) => c.id === 'http-answer')?.hint).toBe(
      'Answer within the broker’s 10 s (connect to end of body; this check gave 0.3 s); the broker then gives up and uses the fallback.',
    );
    // No second wait on a partner that never answers.
    expect(verdicts(report)['wrong-token']).toBe('skip');
  });

  it('shows a redirect_url with a CR/LF escaped once, as JSON writes it', async () => {
    const report = await check(partner.autologinUrl({ scenario: 'unsafe-redirect', kind: 'crlf' }));
    const summary = report.checks.find((c) => c.id === 'redirect-url')?.summary ?? '';
    expect(summary).toContain('\\r\\n');
    expect(summary).not.toContain('\\\\');
    expect(summary).not.toMatch(/[\r\n]/);
  });

  it('fails an unusable autologin URL without sending anything', async () => {
    const report = await check('javascript:alert(1)');
    expect(report.ok).toBe(false);
    expect(verdicts(report).endpoint).toBe('fail');
    expect(report.request).toBeUndefined();
  });
});

describe('checkPartner against hand-written partners', () => {
  it('fails the wrong-token check when the partner accepts any token', async () => {
    const tiny = await startTinyPartner({ acceptAnyToken: true });
    try {
      const report = await check(tiny.url);
      const v = verdicts(report);
      expect(v['wrong-token']).toBe('fail');
      expect(v['single-use']).toBe('pass');
      expect(report.ok).toBe(false);
    } finally {
      await tiny.close();
    }
  });

  it('fails the single-use check when the sign-in URL works twice', async () => {
    const tiny = await startTinyPartner({ reusable: true });
    try {
      const report = await check(tiny.url);
      const v = verdicts(report);
      expect(v['redirect-answers']).toBe('pass');
      expect(v['single-use']).toBe('fail');
      expect(v['wrong-token']).toBe('pass');
      expect(report.ok).toBe(false);
    } finally {
      await tiny.close();
    }
  });

  it('passes a partner that is ready after the waits it asked for', async () => {
    let clock = 0;
    const tiny = await startTinyPartner({ readyWhen: () => clock >= 2_000 });
    try {
      const report = await check(
        tiny.url,
        { fast: false },
        {
          sleep: async (ms) => {
            clock += ms;
          },
        },
      );
      expect(report.attempts.map((a) => a.answer)).toEqual(['retry', 'retry', 'destination']);
      expect(verdicts(report).retry).toBe('pass');
      expect(report.ok).toBe(true);
    } finally {
      await tiny.close();
    }
  });

  it('names the cause when nothing listens at the URL', async () => {
    const tiny = await startTinyPartner();
    const url = tiny.url;
    await tiny.close();
    const report = await check(url);
    const answer = report.checks.find((c) => c.id === 'http-answer');
    expect(answer?.verdict).toBe('fail');
    expect(answer?.summary).toContain('refused');
    expect(answer?.hint).toBe('Nothing listens there: check the URL, the port and any firewall.');
  });

  it('does not call the latency good when a later attempt timed out', async () => {
    let posts = 0;
    const raw = await startRaw((_req, res) => {
      posts += 1;
      if (posts > 1) return; // hangs
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"retry": 0}');
    });
    try {
      const report = await check(raw.url, {}, { timeoutMs: 300 });
      const latency = report.checks.find((c) => c.id === 'latency');
      expect(latency?.verdict).toBe('warn');
      expect(latency?.summary).toMatch(
        /^attempt 2 got no answer in time \(\d+ ms\); the others: \d+ ms$/,
      );
    } finally {
      await raw.close();
    }
  });

  it('fails an answer slower than the broker’s 10 s, whatever --timeout-ms allowed', () => {
    const slow = { response: { kind: 'answer', status: 200, body: '{}', latencyMs: 12_000 } };
    const latency = checkLatency([slow] as unknown as Parameters<typeof checkLatency>[0]);
    expect(latency.verdict).toBe('fail');
    expect(latency.summary).toBe(
      "slowest answer 12000 ms (12000 ms): past the broker's 10 s limit, a real click would time out",
    );
  });

  it('masks a token the partner echoes in a retry value or in its sign-in page’s Location', async () => {
    const raw = await startRaw((req, res, body) => {
      const json = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST') {
        const form = new URLSearchParams(body);
        if (form.get('token') !== TOKEN) return json({ error: 'bad token' });
        if (form.get('attempt') === '1') return json({ retry: form.get('token') });
        return json({ redirect_url: `http://${req.headers.host}/sso/one-time-code-0123456789` });
      }
      res.writeHead(302, { location: `/welcome/${TOKEN}` });
      res.end();
    });
    try {
      const report = await check(raw.url);
      // Not even the part a clipped value would show.
      const text = JSON.stringify(report);
      expect(text).not.toContain(TOKEN.slice(0, 12));
      expect(report.checks.find((c) => c.id === 'retry')?.hint).toContain('is not a number');
      expect(report.checks.find((c) => c.id === 'redirect-answers')?.summary).toContain('302');
    } finally {
      await raw.close();
    }
  });

  it('fails a partner that puts the posted token in its redirect_url, and masks it', async () => {
    const raw = await startRaw((req, res, body) => {
      const posted = new URLSearchParams(body).get('token') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      const query = new URLSearchParams({ user: 'bob', token: posted });
      res.end(JSON.stringify({ redirect_url: `http://${req.headers.host}/sso?${query}` }));
    });
    try {
      const report = await check(raw.url);
      const redirect = report.checks.find((c) => c.id === 'redirect-url');
      expect(redirect).toMatchObject({ verdict: 'fail' });
      expect(redirect?.summary).toContain('carries the token');
      expect(redirect?.hint).toContain('Never put the posted token in redirect_url');
      // The partner echoes a wrong token as readily: it issued a sign-in URL for it.
      expect(verdicts(report)['wrong-token']).toBe('fail');
      expect(report.ok).toBe(false);
      expect(JSON.stringify(report)).not.toContain(TOKEN.slice(0, 12));
    } finally {
      await raw.close();
    }
  });

  it('does not call an empty redirect_url for a wrong token a sign-in URL', async () => {
    const raw = await startRaw((_req, res, body) => {
      const right = new URLSearchParams(body).get('token') === TOKEN;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          right
            ? { redirect_url: `http://${_req.headers.host}/sso/code-0123456789abcdef` }
            : { redirect_url: '', error: 'invalid token' },
        ),
      );
    });
    try {
      const report = await check(raw.url);
      expect(verdicts(report)['wrong-token']).toBe('warn');
    } finally {
      await raw.close();
    }
  });

  it('skips single-use, saying why, when the first GET was refused already', async () => {
    const raw = await startRaw((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ redirect_url: `http://${req.headers.host}/sso/abcdefghijklmnop` }),
        );
      } else {
        res.writeHead(410, { 'content-type': 'text/html' });
        res.end('gone');
      }
    });
    try {
      const report = await check(raw.url);
      expect(verdicts(report)['redirect-answers']).toBe('fail');
      expect(report.checks.find((c) => c.id === 'single-use')).toMatchObject({
        verdict: 'skip',
        summary: 'the first GET was refused already (see redirect-answers)',
      });
    } finally {
      await raw.close();
    }
  });

  it('reads a refusal by its status even when its body is too large', async () => {
    const raw = await startRaw((_req, res, body) => {
      const token = new URLSearchParams(body).get('token');
      if (token === TOKEN) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ redirect_url: 'http://127.0.0.1:1/sso/abcdefghijklmnop' }));
      } else {
        res.writeHead(401, { 'content-type': 'text/html' });
        res.end(`<html>${'x'.repeat(70 * 1024)}</html>`);
      }
    });
    try {
      const report = await check(raw.url);
      const wrong = report.checks.find((c) => c.id === 'wrong-token');
      expect(wrong).toMatchObject({ verdict: 'pass', summary: 'refused with HTTP 401' });
    } finally {
      await raw.close();
    }
  });

  it('says the answer came but its body broke off, with the hint for that', async () => {
    const raw = await startRaw((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"redirect_url": "http://127.0.0.1:1/sso/');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      const report = await check(raw.url);
      const answer = report.checks.find((c) => c.id === 'http-answer');
      expect(answer?.verdict).toBe('fail');
      expect(answer?.summary).toMatch(/^attempt 1: HTTP 200, but the body failed \(other: /);
      expect(answer?.hint).toBe(
        'The answer (HTTP 200) arrived but its body could not be read: send the whole body, with a Content-Encoding that matches it.',
      );
      // It did answer, so the wrong-token run was made too.
      expect(verdicts(report)['wrong-token']).not.toBe('skip');
    } finally {
      await raw.close();
    }
  });

  it.each([
    ['the body it received, as text', (body: string) => ['text/plain', body]],
    [
      'a retry holding the token %-encoded',
      (body: string) => {
        const token = new URLSearchParams(body).get('token') ?? '';
        return ['application/json', JSON.stringify({ retry: encodeURIComponent(token) })];
      },
    ],
  ] as const)('masks a token the partner echoes %-encoded: %s', async (_name, answer) => {
    // Characters a form %-encodes (and a space, which it sends as "+").
    const token = 'Zm9v YmFy+c2Vj/cmV0=dG9r-ZW4';
    const raw = await startRaw((_req, res, body) => {
      const [type, text] = answer(body);
      res.writeHead(200, { 'content-type': type });
      res.end(text);
    });
    try {
      const input = inputFor(raw.url, { token });
      const report = await checkPartner({ ...input, fast: true }, { timeoutMs: 2_000 });
      const text = `${JSON.stringify(report)}\n${renderReport(report, input)}`;
      expect(text).toContain(maskToken(token));
      for (const form of [
        token,
        encodeURIComponent(token),
        new URLSearchParams({ token }).toString().slice('token='.length),
        'cmV0',
      ]) {
        expect(text).not.toContain(form);
      }
    } finally {
      await raw.close();
    }
  });

  it('masks and escapes body keys: a partner may echo the token, or control characters', async () => {
    const raw = await startRaw((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ [TOKEN]: 1, '\u001b[31mRED': 2 }));
    });
    try {
      const report = await check(raw.url);
      const text = `${JSON.stringify(report)}\n${renderReport(report, inputFor('x'))}`;
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('\u001b');
      expect(report.attempts[0]?.keys).toEqual([maskToken(TOKEN), '\\u001b[31mRED']);
    } finally {
      await raw.close();
    }
  });

  it('warns (but passes) when a 503 was retried successfully, as the broker does', async () => {
    const tiny = await startTinyPartner({ failFirst: 1 });
    try {
      const report = await check(tiny.url);
      expect(verdicts(report)['http-answer']).toBe('warn');
      expect(report.attempts.map((a) => a.status)).toEqual([503, 200]);
      expect(report.ok).toBe(true);
    } finally {
      await tiny.close();
    }
  });
});

describe('the report', () => {
  it('masks a token however it was %-encoded (PHP escapes * and ~; hex in either case)', () => {
    const token = 'tok*en~with space/+=é$&';
    for (const form of [
      'tok%2Aen%7Ewith+space%2F%2B%3D%C3%A9%24%26',
      'tok%2aen%7ewith%20space%2f%2b%3d%c3%a9$&',
      'tok*en~with space/+=é$&',
    ]) {
      expect(redact(`got ${form}!`, [token])).toBe(`got ${maskToken(token)}!`);
    }
  });

  it('masks a token also where JSON escapes it (a partner echoing it back as a value)', () => {
    const token = 'Secret\\Token-"quoted"-123';
    const shown = redact(`retry ${JSON.stringify(token)} and ${token}`, [token]);
    expect(shown).not.toContain('Secret');
    expect(shown).toBe(`retry "${maskToken(token)}" and ${maskToken(token)}`);
  });

  it('masks tokens and sign-in codes', () => {
    expect(maskToken(TOKEN)).toBe(`TO…(${TOKEN.length} chars)`);
    expect(maskToken('short')).toBe('…(5 chars)');
    expect(maskUrl('https://p.example/sso/0123456789abcdefghij?code=secret')).toBe(
      'https://p.example/sso/0123…(20)?code=…',
    );
  });

  it('renders aligned lines without colours unless asked', async () => {
    const input = inputFor(partner.autologinUrl({ scenario: 'wrong-key' }));
    const report = await checkPartner(input, { timeoutMs: 2_000 });
    const text = renderReport(report, input, false);
    outputs.push(text);
    expect(text).not.toContain('\u001b[');
    const checkLines = text.split('\n').filter((l) => /^ {2}(PASS|WARN|FAIL|SKIP) {2}/.test(l));
    expect(checkLines).toHaveLength(CHECK_IDS.length);
    // Summaries start in one column.
    const starts = checkLines.map((l) => /^ {2}\S+ {2}\S+ +/.exec(l)?.[0].length);
    expect(new Set(starts).size).toBe(1);
    expect(text).toMatch(/FAIL {2}redirect-url {6}attempt 1: no redirect_url/);
    expect(text).toContain('hint: ');
    expect(text).toMatch(/^Result: FAIL/m);
    expect(renderReport(report, input, true)).toContain('\u001b[31mFAIL\u001b[0m');
  });

  it('never contains the raw token', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const output of outputs) expect(output).not.toContain(TOKEN);
  });
});

describe('runCheckPartner arguments', () => {
  const required = ['--user', 'bob', '--app', 'billing', '--token', TOKEN, '--subscriber', '1'];
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), color: false },
    };
  }

  it('prints usage for --help', async () => {
    const { out, io: cli } = io();
    expect(await runCheckPartner(['--help'], cli)).toBe(0);
    expect(out.join('\n')).toContain('usage: linkbroker check-partner');
  });

  it.each([
    [[...required], 'missing --url'],
    [['--url', 'http://127.0.0.1:1/a'], 'missing --user, --app, --token, --subscriber'],
    [['--url', 'ftp://example.com/', ...required], '--url must be an absolute'],
    [['--url', 'http://127.0.0.1:1/a', ...required, '--timeout-ms', 'soon'], '--timeout-ms'],
    [['--url', 'http://127.0.0.1:1/a', ...required, '--hide', '2'], '--hide must be 0 or 1'],
    [['--url', 'http://127.0.0.1:1/a', ...required, '--verbose'], 'unknown option “--verbose”'],
    // What cannot be an option's name may be half of a token: named by its position.
    [
      ['--url', 'http://127.0.0.1:1/a', ...required, '--SECOND-HALF-x9'],
      'unknown option number 11 (see --help).',
    ],
    [
      ['--url', 'http://127.0.0.1:1/a', ...required, '-SECOND-HALF'],
      'unknown option number 11 (see --help).',
    ],
    // A token cut in two by an unquoted space: its second half is never echoed.
    [
      ['--url', 'http://127.0.0.1:1/a', ...required, 'SECOND-HALF-of-the-token'],
      'unexpected argument: every value follows its option',
    ],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { err, io: cli } = io();
    expect(await runCheckPartner(argv, cli)).toBe(2);
    expect(err.join('\n')).toContain(message);
    expect(err.join('\n')).not.toContain(TOKEN);
    expect(err.join('\n')).not.toContain('SECOND-HALF');
  });
});

describe('linkbroker check-partner (child process)', () => {
  const run = (args: string[]) => runCli(['check-partner', ...args]);
  const args = (url: string) => [
    '--url',
    url,
    '--user',
    'bob',
    '--app',
    'billing',
    '--token',
    TOKEN,
    '--subscriber',
    SUBSCRIBER,
    '--label',
    'Billing',
    '--fast',
  ];

  it('exits 0 with a JSON report for a conforming partner, 1 with a readable one otherwise', async () => {
    const [good, bad] = await Promise.all([
      run([...args(partner.autologinUrl({ scenario: 'retry', times: 1, retry: 3 })), '--json']),
      run(args(partner.autologinUrl({ scenario: 'wrong-key' }))),
    ]);

    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const report = JSON.parse(good.stdout) as ConformanceReport;
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const c of report.checks) expect(['pass', 'warn']).toContain(c.verdict);
    expect(report.attempts[0]?.waitAskedMs).toBe(3000);

    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /^check-partner http:\/\/127\.0\.0\.1:\d+\/autologin\?scenario=wrong-key$/m,
    );
    expect(bad.stdout).toMatch(/^ {2}FAIL {2}redirect-url/m);
    expect(bad.stdout).not.toContain('\u001b[');

    for (const output of [good.stdout, good.stderr, bad.stdout, bad.stderr]) {
      expect(output).not.toContain(TOKEN);
    }
  });
});
