// POST /autologin (the request was already recorded by the app): plays the scenario the query
// string asks for, or answers like a real billing system (token check, one-time sign-in URL).
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { ContentfulStatusCode, RedirectStatusCode } from 'hono/utils/http-status';
import type { ParsedBody } from './request-log.ts';
import { parseScenario } from './scenarios.ts';
import type { MockPartnerState } from './state.ts';
import { hugeJsonStream, sleep, trickleStream } from './streams.ts';

const REQUIRED_FIELDS = ['user', 'app', 'subscriber_unique_id'] as const;
const JSON_TYPE = 'application/json; charset=utf-8';

interface Answer {
  status: 200 | 400 | 401;
  body: Record<string, string | number>;
}

/** Why a well-behaved partner refuses the request (a missing field, a wrong token), if it does. */
function refusalOf(state: MockPartnerState, fields: Record<string, string>): Answer | undefined {
  const missing = REQUIRED_FIELDS.find((name) => !fields[name]);
  if (missing !== undefined) return { status: 400, body: { error: `missing field: ${missing}` } };
  if (!state.isTokenValid(fields.subscriber_unique_id ?? '', fields.token ?? '')) {
    return { status: 401, body: { error: 'invalid token' } };
  }
  return undefined;
}

/** The answer of a well-behaved partner: a one-time sign-in URL for a known token. */
function answerAutologin(
  state: MockPartnerState,
  fields: Record<string, string>,
  origin: string,
): Answer {
  const refusal = refusalOf(state, fields);
  if (refusal) return refusal;
  const subscriber = fields.subscriber_unique_id ?? '';
  const code = state.issueCode({
    subscriber,
    user: fields.user ?? '',
    app: fields.app ?? '',
    ...(fields.label ? { label: fields.label } : {}),
  });
  return { status: 200, body: { redirect_url: `${origin}/sso/${code}` } };
}

/** The posted attempt number, or (when absent) how many times this (user, app) has asked. */
function attemptOf(state: MockPartnerState, fields: Record<string, string>): number {
  const posted = fields.attempt;
  if (posted !== undefined && /^\d+$/.test(posted)) return Number(posted);
  return state.countAttempt(fields.user ?? '', fields.app ?? '');
}

/** The app's environment: node bindings, and the request body the recorder already read. */
export type MockPartnerEnv = { Bindings: HttpBindings; Variables: { body: ParsedBody } };

/** What is returned once the socket is gone (nginx's 499 "client closed"); never sent. */
const GONE = () => new Response(null, { status: 499 });

/** Resolves when the client has gone away (or close() destroyed the socket). */
const clientGone = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

export function createAutologinRoute(state: MockPartnerState) {
  const route = new Hono<MockPartnerEnv>();

  route.post('/', async (c) => {
    const parsed = c.get('body');
    const fields = parsed.ok ? parsed.fields : {};
    c.header('Cache-Control', 'no-store');

    const choice = parseScenario(c.req.query());
    if (!choice.ok) return c.json({ error: choice.error }, 400);
    const scenario = choice.scenario;
    const origin = new URL(c.req.url).origin;
    const signal = c.req.raw.signal;

    switch (scenario.kind) {
      case 'hang':
        // Nothing is ever written; the socket stays open until the client or close() ends it.
        await clientGone(signal);
        return GONE();
      case 'reset': {
        const socket = c.env?.incoming?.socket;
        if (socket === undefined) return c.json({ error: 'reset needs a real socket' }, 500);
        socket.resetAndDestroy();
        return GONE();
      }
      case 'status': {
        const code = scenario.code;
        if (code === 204 || code === 205 || code === 304) return c.body(null, code);
        const body = { error: `scenario status ${code}`, status: code };
        return c.json(body, code as ContentfulStatusCode);
      }
      case 'garbage':
        return c.body('OK redirect_url=http://mock.invalid/ (this is not JSON', 200, {
          'Content-Type': JSON_TYPE,
        });
      case 'empty':
        return c.body('', 200, { 'Content-Type': JSON_TYPE });
      case 'huge': {
        const stream = hugeJsonStream(
          scenario.bytes,
          `${origin}/sso/oversized-response`,
          state.trackStream(),
        );
        return c.body(stream, 200, { 'Content-Type': JSON_TYPE });
      }
      case 'redirect3xx':
        c.header('Location', scenario.to ?? `${origin}/autologin`);
        return c.body(null, scenario.code as RedirectStatusCode);
      case 'unsafe-redirect':
        return c.json({ redirect_url: scenario.url });
      case 'wrong-key':
        return c.json({ url: 'http://evil.example/' });
      case 'always-retry':
        return c.json({ retry: scenario.retry, attempt: attemptOf(state, fields) });
      case 'retry': {
        const attempt = attemptOf(state, fields);
        if (attempt <= scenario.times) return c.json({ retry: scenario.retry, attempt });
        break;
      }
      case 'slow':
        if (!(await sleep(scenario.ms, signal))) return GONE();
        break;
      case 'gate':
        if (!(await state.waitAtGate(signal))) return GONE();
        break;
      case 'trickle': {
        // The status is known before the body trickles (a wrong token is a 401 here too); the
        // sign-in code is issued at the end, so that it is fresh when the answer completes.
        const refusal = parsed.ok
          ? refusalOf(state, fields)
          : ({ status: 400, body: { error: parsed.error } } as const);
        const finish = () =>
          JSON.stringify((refusal ?? answerAutologin(state, fields, origin)).body);
        const stream = trickleStream(scenario.ms, scenario.bytes, finish, state.trackStream());
        return c.body(stream, refusal?.status ?? 200, { 'Content-Type': JSON_TYPE });
      }
      case 'normal':
        break;
    }

    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const answer = answerAutologin(state, fields, origin);
    return c.json(answer.body, answer.status);
  });

  route.all('/', (c) => {
    c.header('Allow', 'POST');
    return c.json({ error: 'The autologin endpoint accepts only POST.' }, 405);
  });

  return route;
}
