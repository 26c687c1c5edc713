// UAPI over the session (SPEC §3.4): GET|POST /execute/MODULE/FUNCTION for the logged-in user,
// also under cPanel's /cpsessNNNNNNNNNN prefix, which must then be this session's token.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { cpsessPrefix } from '../cpsess.ts';
import { ValidationError } from '../errors.ts';
import { BodyTooLargeError, queryString, readBodyBytes } from '../read-body.ts';
import { foreignOrigin, startedElsewhere } from '../request-origin.ts';
import { runUapi } from '../uapi/registry.ts';
import { uapiFailure } from '../uapi/result.ts';
import { bodyText, parseWhmArgs, type WhmArgs } from '../whm/args.ts';
import type { PageDeps, PageEnv } from './page-env.ts';

export function createExecuteRoutes(deps: PageDeps): Hono<PageEnv> {
  const routes = new Hono<PageEnv>();

  routes.all('/execute/:module/:func', async (c) => {
    const session = c.get('session');
    if (!session) {
      return c.json(uapiFailure('You must log in to use this API (no valid session).'), 401);
    }
    const cpsess = cpsessPrefix(c.req.raw);
    if (cpsess !== undefined && cpsess !== session.securityToken) {
      return c.json(uapiFailure('The security token in the URL does not match your session.'), 403);
    }
    // Running the broker for a page on another site would act on the user's behalf unasked.
    if (startedElsewhere(c) || foreignOrigin(c, deps.publicUrl())) {
      return c.json(uapiFailure('Requests started by another website are refused.'), 403);
    }
    // Hono answers HEAD with the GET handler: a HEAD gets the checks' status but must not run
    // the broker.
    if (c.req.method === 'HEAD') return c.body(null, 200);
    if (c.req.method !== 'GET' && c.req.method !== 'POST') {
      return c.json(uapiFailure('UAPI is called with GET or POST.'), 405, { Allow: 'GET, POST' });
    }
    // Read as the WHM API reads its arguments: a form or JSON body first, then the query string;
    // bytes that are not UTF-8 are refused, never read as U+FFFD.
    let args: WhmArgs;
    try {
      const body =
        c.req.method === 'POST' ? bodyText(await readBodyBytes(c, deps.maxBodyBytes)) : undefined;
      args = parseWhmArgs(queryString(c), c.req.header('content-type'), body);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return c.json(uapiFailure('The request body is too large.'), 413, {
          Connection: 'close',
        });
      }
      if (error instanceof ValidationError) return c.json(uapiFailure(error.message));
      throw error;
    }
    const result = await runUapi(
      deps,
      session.user,
      c.req.param('module'),
      c.req.param('func'),
      args,
      randomUUID(),
      // A caller that goes away ends a launch: no more partner calls minting codes for nobody.
      c.req.raw.signal,
    );
    return c.json(result);
  });

  return routes;
}
