// The API documentation, open to everyone (it holds no secret): /openapi.json, generated from
// the functions' own schemas, and the readable reference /docs/api rendered from it.
import { Hono } from 'hono';
import { buildOpenApi, type OpenApiDocument } from '../whm/openapi.ts';
import type { WhmFunctions } from '../whm/registry.ts';
import { ApiReferencePage } from './api-reference.tsx';
import { type PageEnv, pageNonce, pageSecurity, setBase } from './page-env.ts';
import { sendPage } from './render.tsx';

/** Where the readable API reference is. */
export const API_DOCS_PATH = '/docs/api';

export interface ApiDocsDeps {
  functions: WhmFunctions;
  publicUrl(): string;
}

export function createApiDocsRoutes(deps: ApiDocsDeps): Hono<PageEnv> {
  const docs = new Hono<PageEnv>();
  // Built once per public URL: the functions never change at run time, but the URL is only
  // known once the server listens (port 0 in tests).
  let cached: { url: string; doc: OpenApiDocument; json: string } | undefined;
  const current = () => {
    const url = deps.publicUrl();
    if (cached?.url !== url) {
      const doc = buildOpenApi(deps.functions, url);
      cached = { url, doc, json: JSON.stringify(doc) };
    }
    return cached;
  };

  docs.get('/openapi.json', (c) =>
    c.body(current().json, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      // Documentation tools on other origins (an API explorer, a code generator) may read it.
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    }),
  );

  docs.use(API_DOCS_PATH, pageSecurity());
  docs.get(API_DOCS_PATH, (c) => {
    setBase(c, deps);
    return sendPage(c, <ApiReferencePage doc={current().doc} nonce={pageNonce(c)} />);
  });

  return docs;
}
