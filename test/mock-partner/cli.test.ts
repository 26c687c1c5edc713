// `linkbroker mock-partner`: argument handling, the printed URLs, the request log lines, and a
// clean stop (here through an injected stop signal instead of SIGINT).
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { type MockPartnerCliIo, runMockPartner } from '../../mock-partner/cli.ts';
import { startMockPartner } from '../../mock-partner/index.ts';
import { eventually, LINK_FIELDS, postFields } from './helpers.ts';

function testIo() {
  const out: string[] = [];
  const err: string[] = [];
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: MockPartnerCliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    waitForStop: () => stopped,
  };
  return { io, out, err, stop: () => stop() };
}

describe('runMockPartner', () => {
  it('prints usage for --help', async () => {
    const { io, out } = testIo();
    expect(await runMockPartner(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('usage: linkbroker mock-partner');
  });

  it.each([
    [['--port', 'abc'], '--port must be a number from 0 to 65535.'],
    [['--port=70000'], '--port must be a number from 0 to 65535.'],
    [['--port'], '--port needs a value.'],
    [['--subscriber', 'nope'], '--subscriber must look like ID=TOKEN.'],
    [['--verbose'], 'unknown argument “--verbose”.'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { io, err } = testIo();
    expect(await runMockPartner(argv, io)).toBe(2);
    expect(err[0]).toContain(message);
  });

  it('runs until stopped, printing URLs and one line per request without the token', async () => {
    const { io, out, stop } = testIo();
    const exit = runMockPartner(
      ['--port', '0', '--host=127.0.0.1', '--subscriber', '1001=s3cret'],
      io,
    );
    await eventually(() => out.length > 0);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(out[0] ?? '')?.[1];
    expect(url).toBeDefined();
    expect(out.join('\n')).toContain(`${url}/autologin?scenario=retry&times=2&retry=1`);

    const good = await postFields(`${url}/autologin`, { ...LINK_FIELDS, token: 's3cret' });
    expect(good.statusCode).toBe(200);
    const signIn = ((await good.body.json()) as { redirect_url: string }).redirect_url;
    await (await request(signIn, { method: 'HEAD' })).body.dump();
    const bad = await postFields(`${url}/autologin`, LINK_FIELDS);
    expect(bad.statusCode).toBe(401);
    await bad.body.dump();

    const logged = out.filter((line) => line.includes(' POST /autologin '));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('user="bob" app="billing" subscriber="1001" attempt="1"');
    expect(out.join('\n')).not.toContain('s3cret');
    // The sign-in code a HEAD left unused is shown shortened, never whole.
    const code = signIn.split('/sso/')[1] as string;
    expect(out.join('\n')).not.toContain(code);
    expect(out.some((line) => line.includes(` HEAD /sso/${code.slice(0, 4)}…(`))).toBe(true);

    stop();
    expect(await exit).toBe(0);
    await expect(request(`${url}/`)).rejects.toThrow();
  });

  it('exits 1 with one line when the port is taken', async () => {
    const taken = await startMockPartner();
    try {
      const { io, err } = testIo();
      expect(await runMockPartner(['--port', String(taken.port)], io)).toBe(1);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await taken.close();
    }
  });
});
