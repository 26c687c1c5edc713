// The OpenAPI 3.1 document of every WHM API 1 and UAPI function this server implements,
// generated from the zod schemas the functions validate with (never written by hand).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { WHOLE_FROM_1_PATTERN } from '../rules.ts';
import { type UapiFunction, uapiFunctions } from '../uapi/registry.ts';
import { SESSION_COOKIE } from '../ui/page-env.ts';
import { DEFAULT_CHUNK_SIZE } from './list-args.ts';
import { FILTER_TYPES, SORT_METHODS } from './list-compare.ts';
import { WHM_TAGS, type WhmFunction, type WhmFunctions } from './registry.ts';

export type JsonSchema = { [key: string]: unknown };
export interface Ref {
  $ref: string;
}
export interface OpenApiParameter {
  name: string;
  in: 'query' | 'cookie';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: (OpenApiParameter | Ref)[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema | Ref }> };
  responses: Record<string, JsonSchema | Ref>;
  /** List functions: the fields of their records (for the list arguments). */
  'x-list-fields'?: string[];
}
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers?: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, { get: OpenApiOperation; post: OpenApiOperation }>;
  components: {
    securitySchemes: Record<string, JsonSchema>;
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, OpenApiParameter>;
    responses: Record<string, JsonSchema>;
  };
}

export const UAPI_TAG = 'UAPI';
const TAGS = [...WHM_TAGS, UAPI_TAG] as const;

const TAG_DESCRIPTIONS: Record<(typeof TAGS)[number], string> = {
  Accounts: 'Accounts (a minimal subset of WHM’s): a username and its main domain.',
  Sessions: 'Single-use login URLs into a user’s control panel.',
  Links: 'Integration links (WHM API 1 → Integrations → Links): the entries of a user’s menu.',
  Groups: 'Custom groups of integration links: extra panels of a user’s home page.',
  'cPanel API bridge': 'Root runs a UAPI function as a user through /json-api/cpanel.',
  UAPI: 'Functions a logged-in user calls over the session (cookie), as in cPanel.',
};

/** The package version, read once (the document describes this build). */
let packageVersion: string | undefined;
function version(): string {
  packageVersion ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return packageVersion;
}

/**
 * A parameter schema as JSON Schema, input side. Our `examples` are always argument strings (the
 * input), so they are kept where zod drops them from transforming schemas.
 */
function toSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const examples = z.globalRegistry.get(zodSchema)?.examples;
      if (examples !== undefined && jsonSchema.examples === undefined) {
        jsonSchema.examples = examples as unknown[];
      }
    },
  }) as JsonSchema;
  return rest;
}

const ref = (kind: string, name: string): Ref => ({ $ref: `#/components/${kind}/${name}` });

/** The properties of an object schema as query parameters (a GET sends them so). */
function queryParameters(schema: JsonSchema): OpenApiParameter[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rule } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rule,
    };
  });
}

const FLAG = { type: 'string', enum: ['0', '1'] };

/**
 * The generic list arguments (SPEC §2), by component name. `'field'` arguments name a field of
 * the records, so their choices are the function's own (documented inline, not as components).
 */
const LIST_PARAMETERS: Record<string, [string, string, JsonSchema | 'field']> = {
  ColumnsEnable: ['api.columns.enable', 'Keep only the named columns.', FLAG],
  ColumnsA: ['api.columns.a', 'A column to keep (b, c… for more).', 'field'],
  FilterEnable: ['api.filter.enable', 'Filter the records (filters a, b… all must match).', FLAG],
  FilterAField: ['api.filter.a.field', 'The field filter a tests (“*”: any field).', 'field'],
  FilterAType: [
    'api.filter.a.type',
    'How filter a compares (default contains).',
    { type: 'string', enum: [...FILTER_TYPES], default: 'contains' },
  ],
  FilterAArg0: ['api.filter.a.arg0', 'The value filter a compares with.', { type: 'string' }],
  FilterVerbose: [
    'api.filter.verbose',
    'Report the filters, and the record count before filtering, in metadata.filter.',
    FLAG,
  ],
  SortEnable: ['api.sort.enable', 'Sort the records (a is the primary key, b…).', FLAG],
  SortAField: ['api.sort.a.field', 'The field of sort key a.', 'field'],
  SortAMethod: [
    'api.sort.a.method',
    'How key a compares (default lexicographic).',
    { type: 'string', enum: [...SORT_METHODS, 'ipv_4'], default: 'lexicographic' },
  ],
  SortAReverse: ['api.sort.a.reverse', 'Reverse key a.', FLAG],
  SortVerbose: ['api.sort.verbose', 'Report the sort keys in metadata.sort.', FLAG],
  ChunkEnable: ['api.chunk.enable', 'Return one page of the records.', FLAG],
  ChunkSize: [
    'api.chunk.size',
    `Records per page (default ${DEFAULT_CHUNK_SIZE}).`,
    { type: 'string', pattern: WHOLE_FROM_1_PATTERN, default: String(DEFAULT_CHUNK_SIZE) },
  ],
  ChunkStart: [
    'api.chunk.start',
    'First record, 1-based (≤ 0 or past the end → 1).',
    { type: 'string', pattern: '^-?[0-9]+$' },
  ],
  ChunkSelect: [
    'api.chunk.select',
    'Page number (wins over start).',
    { type: 'string', pattern: WHOLE_FROM_1_PATTERN },
  ],
  ChunkVerbose: ['api.chunk.verbose', 'Report the page in metadata.chunk.', FLAG],
};

function listParameters(fields: readonly string[]): (OpenApiParameter | Ref)[] {
  return Object.entries(LIST_PARAMETERS).map(([key, [name, description, schema]]) => {
    if (schema !== 'field') return ref('parameters', key);
    const choices = name === 'api.filter.a.field' ? [...fields, '*'] : [...fields];
    return {
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string', enum: choices },
    };
  });
}

const SCHEMAS: Record<string, JsonSchema> = {
  WhmEnvelope: {
    type: 'object',
    required: ['metadata'],
    properties: {
      data: { description: 'The function’s output; omitted by functions that return nothing.' },
      metadata: {
        type: 'object',
        required: ['command', 'reason', 'result', 'version'],
        properties: {
          command: { type: 'string', description: 'The function’s name.' },
          reason: {
            type: 'string',
            description: '“OK”, or one sentence naming the parameter and the rule it broke.',
          },
          result: { type: 'integer', enum: [0, 1], description: '1 = success, 0 = failure.' },
          version: { type: 'integer', const: 1 },
          chunk: {
            type: 'object',
            description:
              'With api.chunk.verbose=1 (list functions): {start, size, records, current, chunks}.',
          },
          filter: {
            type: 'object',
            description:
              'With api.filter.verbose=1 (list functions): each filter as {field, type, arg0, valid}, and filtered = the record count before filtering.',
          },
          sort: {
            type: 'object',
            description:
              'With api.sort.verbose=1 (list functions): each sort key as {field, method, reverse}.',
          },
        },
      },
    },
  },
  UapiResult: {
    type: 'object',
    required: ['status', 'data', 'errors', 'messages', 'warnings', 'metadata'],
    properties: {
      status: { type: 'integer', enum: [0, 1], description: '1 = success, 0 = failure.' },
      data: { description: 'The function’s output (null on failure).' },
      errors: {
        type: ['array', 'null'],
        items: { type: 'string' },
        description: 'On failure: the reason, one sentence; else null.',
      },
      messages: { type: ['array', 'null'], items: { type: 'string' }, description: 'null.' },
      warnings: { type: ['array', 'null'], items: { type: 'string' }, description: 'null.' },
      metadata: { type: 'object', description: 'An empty object.' },
    },
  },
  BridgeAnswer: {
    type: 'object',
    required: ['apiversion', 'module', 'func', 'result'],
    properties: {
      apiversion: {
        type: ['integer', 'string'],
        description: 'The cpanel_jsonapi_apiversion asked for (3).',
      },
      module: { type: 'string', description: 'The cpanel_jsonapi_module asked for.' },
      func: { type: 'string', description: 'The cpanel_jsonapi_func asked for.' },
      result: { ...ref('schemas', 'UapiResult'), description: 'The UAPI result.' },
    },
  },
};

const json = (schema: JsonSchema | Ref) => ({ 'application/json': { schema } });
const RESPONSES: Record<string, JsonSchema> = {
  Unauthenticated: {
    description: 'No credentials (with WWW-Authenticate: Basic); the reason is “Access denied”.',
    content: json(ref('schemas', 'WhmEnvelope')),
  },
  Forbidden: {
    description:
      'Wrong credentials: the reason is “Access denied” (nothing says which part). Or a request that a page of another website or origin started (Sec-Fetch-Site cross-site or same-site, or a foreign Origin), refused before the credentials are looked at, with a reason saying so.',
    content: json(ref('schemas', 'WhmEnvelope')),
  },
  TooLarge: {
    description: 'The request body is larger than LINKBROKER_MAX_BODY_BYTES.',
    content: json(ref('schemas', 'WhmEnvelope')),
  },
  Throttled: {
    description: 'Too many failed logins from this address; wait for Retry-After seconds.',
    content: json(ref('schemas', 'WhmEnvelope')),
  },
};

const WHM_SECURITY = [{ basic: [] }, { whmToken: [] }];

function whmOperations(
  fn: WhmFunction,
  schema: JsonSchema,
): { get: OpenApiOperation; post: OpenApiOperation } {
  const params = queryParameters(schema);
  const list = fn.list ? listParameters(fn.list.fields) : [];
  const bridge = fn.name === 'cpanel';
  const answer = bridge ? ref('schemas', 'BridgeAnswer') : ref('schemas', 'WhmEnvelope');
  const description = bridge
    ? 'Arguments other than cpanel_jsonapi_* and api.* are the UAPI function’s (see the UAPI paths). A refusal (unknown user, module or function, a bad argument) is result.status 0 with the reason in result.errors.'
    : undefined;
  const responses = {
    '200': {
      description: bridge
        ? 'cPanel’s bridge shape; result is the UAPI result.'
        : 'The WHM envelope: result 1 with data on success; result 0 with a reason on failure (HTTP 200, like WHM).',
      content: json(answer),
    },
    '401': ref('responses', 'Unauthenticated'),
    '403': ref('responses', 'Forbidden'),
    '413': ref('responses', 'TooLarge'),
    '429': ref('responses', 'Throttled'),
  };
  const common = {
    summary: fn.doc.summary,
    ...(description ? { description } : {}),
    tags: [fn.doc.tag],
    security: WHM_SECURITY,
    responses,
    ...(fn.list ? { 'x-list-fields': [...fn.list.fields] } : {}),
  };
  const body = ref('schemas', `${fn.name}_params`);
  return {
    get: {
      operationId: fn.name,
      ...common,
      parameters: [ref('parameters', 'ApiVersion'), ...params, ...list],
    },
    post: {
      operationId: `${fn.name}_post`,
      ...common,
      // The body is authoritative; the query string may carry api.version and the list arguments.
      parameters: [ref('parameters', 'ApiVersion'), ...list],
      requestBody: {
        required: false,
        content: {
          'application/x-www-form-urlencoded': { schema: body },
          'application/json': { schema: body },
        },
      },
    },
  };
}

function uapiOperations(
  fn: UapiFunction,
  schema: JsonSchema,
): { get: OpenApiOperation; post: OpenApiOperation } {
  const id = `uapi_${fn.module}_${fn.func}`;
  const result = {
    allOf: [
      ref('schemas', 'UapiResult'),
      {
        properties: {
          data: { anyOf: [ref('schemas', `${id}_data`), { type: 'null' }] },
        },
      },
    ],
  };
  const responses = {
    '200': {
      description:
        'The UAPI result: status 1 with data, or status 0 with the reason in errors (an argument that breaks a rule or is not UTF-8 too).',
      content: json(result),
    },
    '401': {
      description: 'No valid session (status 0).',
      content: json(ref('schemas', 'UapiResult')),
    },
    '403': {
      description:
        'A /cpsessNNNNNNNNNN prefix that is not this session’s, or a request another website started.',
      content: json(ref('schemas', 'UapiResult')),
    },
    '413': {
      description: 'The request body is too large.',
      content: json(ref('schemas', 'UapiResult')),
    },
  };
  const common = {
    summary: fn.summary,
    description: `Also reachable by root through the cPanel API bridge: /json-api/cpanel?cpanel_jsonapi_module=${fn.module}&cpanel_jsonapi_func=${fn.func}&cpanel_jsonapi_user=USER&… . Another method than GET or POST is answered 405 (Allow: GET, POST) with status 0.`,
    tags: [UAPI_TAG],
    security: [{ session: [] }],
    responses,
  };
  return {
    get: { operationId: id, ...common, parameters: queryParameters(schema) },
    post: {
      operationId: `${id}_post`,
      ...common,
      parameters: [],
      requestBody: {
        required: false,
        content: {
          'application/x-www-form-urlencoded': { schema: ref('schemas', `${id}_params`) },
          'application/json': { schema: ref('schemas', `${id}_params`) },
        },
      },
    },
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : 1);

/**
 * The parameters' schema with cPanel's other names for a parameter beside it: either name may
 * be sent, so a required parameter becomes "one of the two" (in a query, neither is required).
 */
function withAliases(schema: JsonSchema, aliases: Readonly<Record<string, string>>): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  let required = (schema.required ?? []) as string[];
  const oneOfNames: JsonSchema[] = [];
  for (const [alias, name] of Object.entries(aliases)) {
    const target = properties[name];
    if (!target) continue;
    const { description: _, ...rule } = target;
    properties[alias] = {
      ...rule,
      description: `Another name for “${name}”, used when “${name}” is absent.`,
    };
    if (!required.includes(name)) continue;
    required = required.filter((r) => r !== name);
    properties[name] = {
      ...target,
      description: `${target.description ?? ''} Required unless “${alias}” is given.`.trim(),
    };
    oneOfNames.push({ anyOf: [{ required: [name] }, { required: [alias] }] });
  }
  const { required: _, ...rest } = schema;
  return {
    ...rest,
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(oneOfNames.length === 1
      ? oneOfNames[0]
      : oneOfNames.length > 1
        ? { allOf: oneOfNames }
        : {}),
  };
}

export function buildOpenApi(functions: WhmFunctions, serverUrl?: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const schemas: Record<string, JsonSchema> = { ...SCHEMAS };
  for (const fn of [...functions.values()].sort(byName)) {
    const schema = withAliases(toSchema(fn.doc.params), fn.aliases ?? {});
    paths[`/json-api/${fn.name}`] = whmOperations(fn, schema);
    schemas[`${fn.name}_params`] = schema;
  }
  for (const fn of uapiFunctions) {
    const schema = toSchema(fn.params);
    paths[`/execute/${fn.module}/${fn.func}`] = uapiOperations(fn, schema);
    schemas[`uapi_${fn.module}_${fn.func}_params`] = schema;
    schemas[`uapi_${fn.module}_${fn.func}_data`] = toSchema(fn.data);
  }
  const parameters: Record<string, OpenApiParameter> = {
    ApiVersion: {
      name: 'api.version',
      in: 'query',
      required: false,
      description: 'The WHM API version; absent means 1, anything else is refused.',
      schema: { type: 'string', enum: ['1'], default: '1' },
    },
  };
  for (const [key, [name, description, schema]] of Object.entries(LIST_PARAMETERS)) {
    if (schema !== 'field')
      parameters[key] = { name, in: 'query', required: false, description, schema };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'linkbroker',
      version: version(),
      description:
        'A cPanel-compatible integration-link creator and autologin token broker. WHM API 1: /json-api/FUNCTION (also under a /cpsessNNNNNNNNNN/ prefix) as GET with a query string, POST with a form body (what cPanel’s @cpanel/api sends) or POST with a JSON object; every value is a string (JSON numbers and booleans are converted). UAPI: /execute/MODULE/FUNCTION over a control-panel session. Generated from the schemas the server validates with.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: TAGS.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] })),
    paths,
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: 'root:PASSWORD' },
        whmToken: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The header value “whm root:TOKEN”.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The control-panel session a create_user_session login URL opens.',
        },
      },
      schemas,
      parameters,
      responses: RESPONSES,
    },
  };
}
