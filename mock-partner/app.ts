// The mock partner as a Hono app (no listening here): autologin, the one-time sign-in landing
// page, the request log for tests, and an index page describing the fault scenarios.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { createAutologinRoute, type MockPartnerEnv } from './autologin-route.ts';
import { GonePage, IndexPage, SignedInPage } from './pages.tsx';
import { describeRequest, maskRecordedRequest, readBodyFields } from './request-log.ts';
import { createMockPartnerState, type MockPartnerOptions, type MockPartnerState } from './state.ts';

export type { MockPartnerEnv } from './autologin-route.ts';
export type { RecordedRequest } from './request-log.ts';
export type { MockPartnerOptions, MockPartnerState, SsoGrant } from './state.ts';

export interface MockPartnerApp {
  app: Hono<MockPartnerEnv>;
  state: MockPartnerState;
}

const MAX_BODY_BYTES = 1024 * 1024;

const page = (element: JSX.Element) => html`<!doctype html>${element}`;

export function createMockPartnerApp(options: MockPartnerOptions = {}): MockPartnerApp {
  const state = createMockPartnerState(options);
  const app = new Hono<MockPartnerEnv>();

  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: 'request body too large' }, 413),
    }),
  );
  // Every request but the log's own is recorded before any route acts on it.
  app.use(async (c, next) => {
    const body = await readBodyFields(c.req.raw);
    c.set('body', body);
    if (c.req.path !== '/_requests') {
      state.record(describeRequest(c.req.raw, body.ok ? body.fields : {}, state.now()));
    }
    await next();
  });

  app.route('/autologin', createAutologinRoute(state));

  app.get('/sso/:code', (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    const code = c.req.param('code');
    // A HEAD (link checkers, previews) must not use the code up.
    const grant = c.req.method === 'HEAD' ? state.peekCode(code) : state.redeemCode(code);
    if (grant === undefined) return c.html(page(GonePage()), 410);
    return c.html(page(SignedInPage({ grant })));
  });

  app.get('/_requests', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(state.requests.map(maskRecordedRequest));
  });
  app.delete('/_requests', (c) => {
    state.clearRequests();
    return c.body(null, 204);
  });

  // Opens the `gate` scenario's gate: every request it holds goes on.
  app.post('/_gate', (c) => c.json({ released: state.openGate() }));

  app.get('/', (c) => c.html(page(IndexPage({ origin: new URL(c.req.url).origin }))));

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((_error, c) => c.json({ error: 'internal error' }, 500));

  return { app, state };
}
