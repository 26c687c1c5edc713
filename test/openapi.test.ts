// The OpenAPI document (/openapi.json) and the reference page (/docs/api): a valid OpenAPI 3.1
// document (structure checked here and by a real validator), listing every implemented function
// with every parameter its schema validates, and saying exactly what the validation does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { about, str } from '../src/rules.ts';
import { createRuntime } from '../src/runtime.ts';
import { uapiFunctions } from '../src/uapi/registry.ts';
import { createApiDocsRoutes } from '../src/ui/api-docs-routes.tsx';
import { whmFunctions } from '../src/whm/functions/index.ts';
import { parseListArgs } from '../src/whm/list-args.ts';
import {
  buildOpenApi,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  type Ref,
} from '../src/whm/openapi.ts';
import {
  defineWhmFunction,
  runWhmFunction,
  type WhmDeps,
  type WhmFunction,
  type WhmFunctions,
} from '../src/whm/registry.ts';
import { type Json, json, startTestServer, type TestServer } from './helpers/server.ts';

const SERVER = 'https://cp.example.com:2087';
const doc = buildOpenApi(whmFunctions, SERVER);
const METHODS = ['get', 'post'] as const;

const isRef = (value: unknown): value is Ref =>
  typeof value === 'object' && value !== null && '$ref' in value;

/** Follows a local JSON pointer (`#/a/b`) through the document. */
function pointer(target: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node = target;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const resolveParameter = (p: OpenApiParameter | Ref) =>
  isRef(p) ? (pointer(doc, p.$ref) as OpenApiParameter) : p;

const operations = (): [string, string, OpenApiOperation][] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.map((method): [string, string, OpenApiOperation] => [path, method, item[method]]),
  );

/** The function's own parameters as the GET operation documents them (not api.*). */
function documented(name: string): OpenApiParameter[] {
  const item = doc.paths[`/json-api/${name}`];
  if (!item) throw new Error(`no path for ${name}`);
  return item.get.parameters.map(resolveParameter).filter((p) => !p.name.startsWith('api.'));
}

const param = (fn: string, name: string) => {
  const found = documented(fn).find((p) => p.name === name);
  if (!found) throw new Error(`${fn} documents no ${name}`);
  return found;
};

describe('the document is valid OpenAPI 3.1', () => {
  it('passes a real OpenAPI schema validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Record<string, unknown>,
    );
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has the 3.1 header, info and the server it was built for', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('linkbroker');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.info.description.length).toBeGreaterThan(0);
    expect(doc.servers).toEqual([{ url: SERVER }]);
  });

  it('gives every operation a unique operationId, a summary and declared tags', () => {
    const ids = operations().map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t) => t.name));
    for (const [path, method, op] of operations()) {
      expect(op.summary, `${method} ${path}`).toMatch(/\S/);
      expect(op.tags.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const tag of op.tags) expect(tags, `${method} ${path}`).toContain(tag);
      expect(op.responses['200'], `${method} ${path}`).toBeDefined();
    }
  });

  it('gives every parameter a name, a location and a schema, unique per operation', () => {
    for (const [path, method, op] of operations()) {
      const seen = new Set<string>();
      for (const p of op.parameters.map(resolveParameter)) {
        expect(p, `${method} ${path}`).toBeDefined();
        expect(p.name, `${method} ${path}`).toMatch(/\S/);
        expect(['query', 'header', 'cookie'], `${method} ${path} ${p.name}`).toContain(p.in);
        expect(typeof p.schema, `${method} ${path} ${p.name}`).toBe('object');
        expect(typeof p.required, `${method} ${path} ${p.name}`).toBe('boolean');
        const key = `${p.in}:${p.name}`;
        expect(seen.has(key), `${method} ${path} repeats ${p.name}`).toBe(false);
        seen.add(key);
      }
    }
  });

  it('uses only declared security schemes', () => {
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const [path, method, op] of operations()) {
      expect(op.security.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const requirement of op.security) {
        for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      }
    }
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref') refs.push(value as string);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(pointer(doc, ref), ref).toBeDefined();
  });
});

describe('the document lists every function with every parameter its schema validates', () => {
  it('has a path for every WHM API 1 function and every UAPI function, and no other', () => {
    const paths = Object.keys(doc.paths).sort();
    const expected = [
      ...[...whmFunctions.keys()].map((name) => `/json-api/${name}`),
      ...uapiFunctions.map((fn) => `/execute/${fn.module}/${fn.func}`),
    ].sort();
    expect(paths).toEqual(expected);
    // The SPEC's functions are all there (so the registry itself cannot lose one unnoticed).
    for (const name of [
      'create_integration_link',
      'remove_integration_link',
      'list_integration_links',
      'get_integration_link_user_config',
      'update_integration_link_token',
      'create_integration_group',
      'remove_integration_group',
      'list_integration_groups',
      'get_users_links',
      'createacct',
      'removeacct',
      'listaccts',
      'create_user_session',
      'cpanel',
    ]) {
      expect(whmFunctions.has(name), name).toBe(true);
    }
  });

  it('removeacct: the body takes user or WHM’s own username, either one', () => {
    const body = pointer(doc, '#/components/schemas/removeacct_params') as JsonSchema;
    expect(body.anyOf).toEqual([{ required: ['user'] }, { required: ['username'] }]);
    expect(body.required).toBeUndefined();
    const properties = body.properties as Record<string, JsonSchema>;
    expect(properties.username).toMatchObject({ pattern: properties.user?.pattern });
    expect(properties.user?.description).toContain('Required unless “username” is given.');
  });

  it.each([...whmFunctions.values()].map((fn): [string, WhmFunction] => [fn.name, fn]))(
    '%s: the query parameters and the body schema are exactly the validated ones',
    (name, fn) => {
      const shape = Object.keys(fn.doc.params.shape);
      const aliases = Object.keys(fn.aliases ?? {});
      expect(documented(name).map((p) => p.name)).toEqual([...shape, ...aliases]);
      const body = pointer(doc, `#/components/schemas/${name}_params`) as JsonSchema;
      expect(Object.keys(body.properties as object)).toEqual([...shape, ...aliases]);
      const post = doc.paths[`/json-api/${name}`]?.post.requestBody?.content;
      expect(post?.['application/x-www-form-urlencoded']?.schema).toEqual({
        $ref: `#/components/schemas/${name}_params`,
      });
      expect(post?.['application/json']?.schema).toEqual({
        $ref: `#/components/schemas/${name}_params`,
      });
      // Required exactly when the schema refuses an absent value and no other name stands in.
      const aliased = new Set(Object.values(fn.aliases ?? {}));
      for (const key of shape) {
        const refusesAbsent = !fn.doc.params.shape[key]?.safeParse(undefined).success;
        expect(param(name, key).required, `${name} ${key}`).toBe(
          refusesAbsent && !aliased.has(key),
        );
      }
      for (const alias of aliases) expect(param(name, alias).required).toBe(false);
    },
  );

  it('documents the list arguments, with each function’s own fields, for list functions only', () => {
    for (const fn of whmFunctions.values()) {
      const names = doc.paths[`/json-api/${fn.name}`]?.get.parameters
        .map(resolveParameter)
        .map((p) => p.name);
      if (!fn.list) {
        expect(names?.filter((n) => n !== 'api.version' && n.startsWith('api.'))).toEqual([]);
        continue;
      }
      expect(names).toEqual(expect.arrayContaining(['api.filter.a.field', 'api.chunk.size']));
      const field = resolveParameter(
        doc.paths[`/json-api/${fn.name}`]?.get.parameters.find(
          (p) => !isRef(p) && p.name === 'api.sort.a.field',
        ) as OpenApiParameter,
      );
      expect(field.schema.enum).toEqual(fn.list.fields);
    }
  });

  it('documents the chunk numbers by the rule the server applies (0 refused)', () => {
    const parameters = doc.paths['/json-api/listaccts']?.get.parameters.map(resolveParameter);
    for (const name of ['api.chunk.size', 'api.chunk.select']) {
      const schema = parameters?.find((p) => p.name === name)?.schema;
      const pattern = new RegExp(String(schema?.pattern));
      for (const value of [
        '0',
        '000',
        '1',
        '01',
        '15',
        '999999999999999',
        '1000000000000000',
        // Zeros in front do not count as digits: longer than 15 characters, still accepted.
        '0000000000000005',
        `${'0'.repeat(20)}999999999999999`,
        `${'0'.repeat(20)}1000000000000000`,
        '-1',
        'x',
      ]) {
        let accepted = true;
        try {
          parseListArgs(
            { 'api.chunk.enable': '1', [name]: value },
            { key: 'acct', fields: ['user'] },
          );
        } catch {
          accepted = false;
        }
        expect([name, value, pattern.test(value)]).toEqual([name, value, accepted]);
      }
    }
  });

  it('documents the rules of the Links parameters', () => {
    const app = param('create_integration_link', 'app').schema;
    expect(app).toMatchObject({ maxLength: 64, minLength: 1 });
    expect(app.pattern).toBe('^(?!group_)[A-Za-z0-9_-]{1,64}$');
    expect(param('create_integration_link', 'label').schema.maxLength).toBe(256);
    expect(param('create_integration_link', 'subscriber_unique_id').schema.maxLength).toBe(1024);
    expect(param('create_integration_link', 'token').schema.maxLength).toBe(4096);
    expect(param('update_integration_link_token', 'token').schema.maxLength).toBe(4096);
    expect(param('create_integration_link', 'hide').schema.enum).toEqual(['0', '1']);
    expect(param('create_integration_link', 'order').schema.pattern).toBe('^-?0*[0-9]{1,15}$');
    const url = param('create_integration_link', 'url').schema;
    expect(url).toMatchObject({ maxLength: 2048 });
    expect(url.format).toBeUndefined();
    expect(param('create_integration_link', 'url').description).toContain('WHATWG URL Standard');
    expect(param('create_integration_group', 'group_id').schema.pattern).toContain('email');
    expect(param('get_users_links', 'service').schema).toMatchObject({
      enum: ['cpaneld'],
      default: 'cpaneld',
    });
    // The one-of rule of url / autologin_token_url, in the body schema.
    expect(pointer(doc, '#/components/schemas/create_integration_link_params/anyOf')).toEqual([
      { required: ['autologin_token_url'] },
      { required: ['url'] },
    ]);
    for (const p of documented('create_integration_link')) {
      expect(p.description, p.name).toMatch(/\S/);
    }
  });

  it('documents the rules of the account parameters', () => {
    const username = param('createacct', 'username').schema;
    expect(username).toMatchObject({ minLength: 1, maxLength: 16 });
    expect(username.pattern).toMatch(/^\^/);
    expect(param('createacct', 'domain').schema.format).toBe('hostname');
    expect(param('removeacct', 'user').schema.pattern).toBe('^[a-z][a-z0-9]{0,15}$');
  });

  it('documents the UAPI function’s parameters from its schema', () => {
    for (const fn of uapiFunctions) {
      const item = doc.paths[`/execute/${fn.module}/${fn.func}`];
      expect(item?.get.parameters.map(resolveParameter).map((p) => p.name)).toEqual(
        Object.keys(fn.params.shape),
      );
      expect(item?.get.security).toEqual([{ session: [] }]);
    }
    const app = doc.paths['/execute/Integration/fetch_url']?.get.parameters[0] as OpenApiParameter;
    expect(app).toMatchObject({ name: 'app', required: true, schema: { maxLength: 64 } });
  });

  it('documents what fetch_url answers in data, and its other statuses', () => {
    const data = doc.components.schemas.uapi_Integration_fetch_url_data;
    expect(data).toMatchObject({
      type: 'object',
      required: ['redirect_url', 'url'],
      properties: { redirect_url: { type: 'string' }, url: { type: ['string', 'null'] } },
    });
    const { get, post } = doc.paths['/execute/Integration/fetch_url'] ?? {};
    expect(JSON.stringify(get?.responses['200'])).toContain('uapi_Integration_fetch_url_data');
    expect(Object.keys(get?.responses ?? {})).toEqual(['200', '401', '403', '413']);
    expect(get?.description).toContain('answered 405 (Allow: GET, POST)');
    expect(Object.keys(post?.requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
      'application/json',
    ]);
  });
});

describe('what the document says is what the validation does', () => {
  const samples = [
    '',
    'a',
    'alice',
    'Alice',
    '1abc',
    'a'.repeat(16),
    'a'.repeat(17),
    'A_b-9',
    'x'.repeat(64),
    'x'.repeat(65),
    'group_x',
    'a b',
    'a/b',
    '../x',
    'é',
    'a\n',
    '-5',
    '0',
    '1',
    '007',
    '99999',
    '1.5',
    '1e3',
    '9'.repeat(16),
    '0000000000000001',
    `-${'0'.repeat(20)}42`,
    'email',
    'files',
    'test1',
    'cpanel2',
    'root',
    '3',
    'cpaneld',
    'Integration',
  ];
  // Account names: the pattern is necessary, but existence is the rule (requireAccount), so a
  // well-formed name the schema accepts may still be refused; checked by the next describe.
  const existence = new Set(['user', 'cpanel_jsonapi_user']);

  const documentedOk = (schema: JsonSchema, value: string) => {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return false;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      return false;
    }
    return !Array.isArray(schema.enum) || schema.enum.includes(value);
  };

  const cases: [string, string, z.ZodType, JsonSchema][] = [];
  for (const fn of whmFunctions.values()) {
    for (const [key, schema] of Object.entries(fn.doc.params.shape)) {
      const rule = param(fn.name, key).schema;
      // Only rules the document states whole (a format such as uri is checked more strictly).
      if (existence.has(key) || rule.format !== undefined) continue;
      if (rule.pattern === undefined && rule.enum === undefined) continue;
      cases.push([fn.name, key, schema as z.ZodType, rule]);
    }
  }

  it('covers the pattern and enum parameters', () => {
    expect(cases.map(([fn, key]) => `${fn}.${key}`)).toEqual(
      expect.arrayContaining([
        'create_integration_link.app',
        'create_integration_link.hide',
        'create_integration_link.order',
        'create_integration_group.order',
        'create_integration_group.group_id',
        'createacct.username',
        'get_users_links.service',
      ]),
    );
  });

  it.each(cases)(
    '%s.%s: pattern, lengths and enum accept exactly what the schema accepts',
    (_fn, _key, schema, rule) => {
      for (const value of samples) {
        expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(
          documentedOk(rule, value),
        );
      }
    },
  );
});

describe('every required parameter, left out, is refused with a reason naming it', () => {
  let dataDir: string;
  let deps: WhmDeps;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'linkbroker-openapi-'));
    const config = loadConfig({
      PORT: '0',
      LINKBROKER_DATA_DIR: dataDir,
      LINKBROKER_ROOT_PASSWORD: 'a-long-root-password',
      LINKBROKER_ROOT_TOKEN: 'ROOTTOKEN0123456789ABCDEF',
    });
    deps = (await createRuntime(config, silentLogger)).deps;
    const created = await runWhmFunction(whmFunctions, deps, 'createacct', {
      username: 'alice',
      domain: 'alice.example.com',
    });
    expect(created).toMatchObject({ metadata: { result: 1 } });
  });

  afterAll(async () => {
    await deps.broker.partner.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A documented example (or choice) of every parameter, and `app` for the bridge's UAPI call. */
  function exampleArgs(name: string): Record<string, string> {
    const args: Record<string, string> = {};
    for (const p of documented(name)) {
      const example = ((p.schema.examples ?? p.schema.enum) as unknown[] | undefined)?.[0];
      if (typeof example === 'string' && !(name === 'removeacct' && p.name === 'username')) {
        args[p.name] = example;
      }
    }
    if (name === 'cpanel') args.app = 'WHMCS_billing';
    return args;
  }

  /** The refusal sentence of either answer shape (WHM envelope or cPanel bridge). */
  function refusal(answer: Json): string | undefined {
    if (answer.metadata) return answer.metadata.result === 0 ? answer.metadata.reason : undefined;
    return answer.result?.status === 0 ? answer.result.errors?.[0] : undefined;
  }

  it('documents an example or the choices of every parameter, and the examples pass', () => {
    for (const fn of whmFunctions.values()) {
      for (const p of documented(fn.name)) {
        expect(p.schema.examples ?? p.schema.enum, `${fn.name}.${p.name}`).toBeDefined();
      }
      const parsed = fn.doc.params.safeParse(exampleArgs(fn.name));
      expect(parsed.error?.issues[0]?.message, fn.name).toBeUndefined();
    }
  });

  // Required, or one of two names of a required parameter (removeacct's user or username).
  const required = [...whmFunctions.values()].flatMap((fn) => {
    const aliased = new Set(Object.values(fn.aliases ?? {}));
    return documented(fn.name)
      .filter((p) => p.required || aliased.has(p.name))
      .map((p): [string, string] => [fn.name, p.name]);
  });

  it('has cases for every function with parameters', () => {
    expect(new Set(required.map(([fn]) => fn)).size).toBe(whmFunctions.size - 1); // not listaccts
  });

  it.each(required)('%s without %s', async (name, missing) => {
    const args = exampleArgs(name);
    delete args[missing];
    const answer = await runWhmFunction(whmFunctions, deps, name, args);
    expect(refusal(answer), JSON.stringify(answer)).toContain(`“${missing}”`);
  });

  it.each(uapiFunctions.flatMap((fn) => Object.keys(fn.params.shape).map((key) => [fn, key])))(
    'UAPI %o without %s (through the bridge)',
    async (fn, missing) => {
      const { module, func } = fn as (typeof uapiFunctions)[number];
      const answer = await runWhmFunction(whmFunctions, deps, 'cpanel', {
        cpanel_jsonapi_user: 'alice',
        cpanel_jsonapi_module: module,
        cpanel_jsonapi_func: func,
      });
      expect(refusal(answer)).toContain(`“${missing as string}”`);
    },
  );

  it('names the unknown account before any other broken parameter', async () => {
    const answer = await runWhmFunction(whmFunctions, deps, 'create_integration_link', {
      user: 'nobody1',
      app: 'bad/app',
    });
    expect(refusal(answer)).toBe('You do not have a user named “nobody1”.');
  });

  it('states that listaccts needs searchtype with search, as the function refuses', async () => {
    expect(doc.components.schemas.listaccts_params?.dependentRequired).toEqual({
      search: ['searchtype'],
    });
    const answer = await runWhmFunction(whmFunctions, deps, 'listaccts', { search: 'a' });
    expect(refusal(answer)).toBe(
      'The “searchtype” parameter is required with “search”: send searchtype=user, domain or owner.',
    );
  });
});

describe('/openapi.json and /docs/api', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  it('removeacct answers to either name, as the document says', async () => {
    for (const name of ['username', 'user']) {
      await server.whm('createacct', { username: 'gone', domain: 'gone.example.com' });
      const answer = await json(await server.whm('removeacct', { [name]: 'gone' }));
      expect(answer.metadata, name).toMatchObject({ result: 1 });
    }
    const neither = await json(await server.whm('removeacct', {}));
    expect(neither.metadata).toMatchObject({
      result: 0,
      reason: 'The “user” parameter (or “username”) is required.',
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('serves the document without credentials, for the server’s own URL', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await json(res)) as OpenApiDocument;
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApi(whmFunctions, server.url))));
    expect(served.servers).toEqual([{ url: server.url }]);
    // Built once: the same bytes every time.
    const again = await fetch(`${server.url}/openapi.json`);
    expect(await again.text()).toBe(JSON.stringify(served));
  });

  it('serves the reference page with every function, under the page CSP', async () => {
    const res = await fetch(`${server.url}/docs/api`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const styles = html.match(/<style[^>]*>/g) ?? [];
    expect(styles.length).toBeGreaterThan(0);
    for (const tag of styles) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/<script|\sstyle="|\son[a-z]+=/i);
    expect(html).toContain('href="/openapi.json"');
    for (const name of whmFunctions.keys()) expect(html).toContain(`id="${name}"`);
    expect(html).toContain('Integration::fetch_url');
    // A parameter row, the list arguments and an example call.
    expect(html).toContain('^(?!group_)[A-Za-z0-9_-]{1,64}$');
    expect(html).toContain('id="list-arguments"');
    expect(html).toContain('--data-urlencode app=WHMCS_billing');
    // The example link has its fallback too, so the example fetch_url call ends somewhere.
    const create = html.slice(html.indexOf('id="create_integration_link"'));
    const example = create.slice(create.indexOf('curl'), create.indexOf('</pre>'));
    expect(example).toContain('--data-urlencode autologin_token_url=');
    expect(example).toContain('--data-urlencode url=');
  });

  it('escapes every text it shows', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const functions: WhmFunctions = new Map([
      [
        'evil',
        defineWhmFunction(
          {
            name: 'evil',
            summary: `Summary ${evil}`,
            tag: 'Links',
            params: z.object({ x: about(str('x'), `Meaning ${evil}`).meta({ examples: [evil] }) }),
          },
          async () => ({}),
        ),
      ],
    ]);
    const docs = createApiDocsRoutes({ functions, publicUrl: () => `http://x.example/"${evil}` });
    const html = await (await docs.request('/docs/api')).text();
    expect(html).not.toContain('<img');
    expect(html).toContain('Summary &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Meaning &lt;img');
  });
});
