// The WHM API 1 HTTP transport: /json-api/FUNCTION (also under a /cpsessNNN prefix), with
// authentication, failure throttling and a body limit in front of the function registry.
import { Hono } from 'hono';
import { clientAddress } from '../client-address.ts';
import { ValidationError } from '../errors.ts';
import { BodyTooLargeError, queryString, readBodyBytes } from '../read-body.ts';
import { foreignOrigin, startedElsewhere } from '../request-origin.ts';
import { bodyText, parseWhmArgs, readableWhmArgs } from './args.ts';
import { createAuthenticator, type RootCredentials } from './auth.ts';
import { failure } from './envelope.ts';
import { runWhmFunction, type WhmAnswer, type WhmDeps, type WhmFunctions } from './registry.ts';
import type { Throttle } from './throttle.ts';

export interface WhmRouteDeps extends WhmDeps {
  functions: WhmFunctions;
  root: RootCredentials;
  throttle: Throttle;
  trustedProxies: readonly string[];
  maxBodyBytes: number;
}

const ACCESS_DENIED = 'Access denied';
const CROSS_SITE =
  'Requests started by a page of another website are refused: call the WHM API from a server or a script.';

export function createWhmRoutes(deps: WhmRouteDeps): Hono {
  const whm = new Hono();
  const authenticate = createAuthenticator(deps.root);

  // One handler, no middleware chain: authentication first, then the body, then the function.
  whm.all('/:function', async (c) => {
    const command = c.req.param('function');
    const fn = deps.functions.get(command);
    const address = clientAddress(c, deps.trustedProxies);
    const waitMs = deps.throttle.blockedFor(address);
    if (waitMs > 0) {
      c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
      return c.json(failure(command, 'Too many failed login attempts; try again later.'), 429);
    }
    // Basic credentials a browser has cached would go with any page's request: a call that a page
    // of another origin started is refused before they are looked at.
    if (startedElsewhere(c) || foreignOrigin(c, deps.publicUrl())) {
      return c.json(failure(command, CROSS_SITE), 403);
    }
    const auth = authenticate(c.req.header('authorization'));
    if (auth === 'missing') {
      c.header('WWW-Authenticate', 'Basic realm="linkbroker WHM", charset="UTF-8"');
      return c.json(failure(command, ACCESS_DENIED), 401);
    }
    if (auth === 'denied') {
      deps.throttle.recordFailure(address);
      return c.json(failure(command, ACCESS_DENIED), 403);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'POST') {
      c.header('Allow', 'GET, POST');
      return c.json(failure(command, 'WHM API 1 is called with GET or POST.'), 405);
    }
    let envelope: WhmAnswer;
    const query = queryString(c);
    let body: string | undefined;
    try {
      body =
        c.req.method === 'POST' ? bodyText(await readBodyBytes(c, deps.maxBodyBytes)) : undefined;
      const args = parseWhmArgs(query, c.req.header('content-type'), body);
      // Only where it matters: the request's signal costs an AbortController to make.
      const signal = fn?.abortable ? c.req.raw.signal : undefined;
      envelope = await runWhmFunction(deps.functions, deps, command, args, undefined, signal);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The unread rest of the body makes the connection unusable: close it.
        return c.json(
          failure(
            command,
            `The request body is larger than the limit of ${deps.maxBodyBytes} bytes.`,
          ),
          413,
          { Connection: 'close' },
        );
      }
      if (!(error instanceof ValidationError)) throw error;
      // Unreadable arguments: answered in the function's own shape (the cPanel bridge's too),
      // named after what could be read of the call.
      const refuse = fn?.refuse;
      envelope = refuse
        ? refuse(error.message, readableWhmArgs(query, c.req.header('content-type'), body))
        : failure(command, error.message);
    }
    // A secret in the answer (a login URL) is kept by no cache.
    if (fn?.answersSecret) c.header('Cache-Control', 'no-store');
    return c.json(envelope);
  });

  return whm;
}
