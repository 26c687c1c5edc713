// The readable API reference (/docs/api), rendered from the OpenAPI document itself, so the page
// can say nothing the document (and so the validation) does not.

import type { Child } from 'hono/jsx';
import { failure, success } from '../whm/envelope.ts';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  Ref,
} from '../whm/openapi.ts';
import { unknownFunctionReason } from '../whm/registry.ts';
import { Layout } from './layout.tsx';
import { useLink } from './render.tsx';

// A constant, so it goes in unescaped (JSX would turn ">" into an entity).
const CSS = `
.docs { max-width: 64rem; margin: 1.5rem auto 3rem; padding: 0 1rem; }
.docs h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
.docs h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
.docs h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
.docs h3 code { font-size: 1.05rem; }
.docs article { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 1rem 1.2rem; margin: 0 0 1rem; }
.docs p { margin: .4rem 0; }
.docs code, .docs pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .86rem; }
.docs pre { background: #0f1b2a; color: #e6edf5; padding: .75rem .9rem; border-radius: 8px;
  overflow-x: auto; white-space: pre; }
.docs table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
.docs th, .docs td { border-top: 1px solid var(--line); padding: .4rem .5rem; text-align: left;
  vertical-align: top; }
.docs th { color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase;
  letter-spacing: .04em; }
.docs td code { overflow-wrap: anywhere; }
.docs .table { overflow-x: auto; }
.docs .muted { color: var(--muted); }
.docs .shape td:first-child { white-space: nowrap; }
.docs .toc { columns: 2 16rem; margin: .5rem 0 0; padding-left: 1.2rem; }
.docs .forms { margin: .4rem 0; padding-left: 1.2rem; }
.docs .forms code { overflow-wrap: anywhere; }
/* Narrow screens: each parameter becomes a small card of labelled lines. */
@media (max-width: 40rem) {
  .docs .params thead { position: absolute; left: -9999px; }
  .docs .params tr, .docs .params td { display: block; }
  .docs .params tr { border-top: 1px solid var(--line); padding: .3rem 0; }
  .docs .params td { border: 0; padding: .15rem 0; }
  .docs .params td::before { content: attr(data-label); display: block; color: var(--muted);
    font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; }
}
`;

const isRef = (value: unknown): value is Ref =>
  typeof value === 'object' && value !== null && '$ref' in value;

/** The component a local `#/components/KIND/NAME` reference names. */
function resolve<T>(doc: OpenApiDocument, value: T | Ref): T | undefined {
  if (!isRef(value)) return value;
  const [, , kind, name] = value.$ref.split('/');
  const table = doc.components[kind as keyof OpenApiDocument['components']] as
    | Record<string, unknown>
    | undefined;
  return name === undefined ? undefined : (table?.[name] as T | undefined);
}

const LIST_PREFIX = 'api.';

/** What a parameter schema allows beyond its description: lengths, pattern, choices, default. */
function Constraints(props: { schema: JsonSchema }) {
  const { schema } = props;
  const parts: Child[] = [];
  const min = schema.minLength as number | undefined;
  const max = schema.maxLength as number | undefined;
  if (min !== undefined || max !== undefined) {
    parts.push(
      <span>
        {min !== undefined && max !== undefined
          ? `${min}–${max} characters`
          : max !== undefined
            ? `at most ${max} characters`
            : `at least ${min} character${min === 1 ? '' : 's'}`}
      </span>,
    );
  }
  if (typeof schema.pattern === 'string') {
    parts.push(
      <span>
        pattern <code>{schema.pattern}</code>
      </span>,
    );
  }
  if (Array.isArray(schema.enum)) {
    parts.push(
      <span>
        one of{' '}
        {schema.enum.map((v, i) => (
          <>
            {i > 0 ? ', ' : ''}
            <code>{String(v)}</code>
          </>
        ))}
      </span>,
    );
  }
  if (typeof schema.format === 'string') parts.push(<span>format {schema.format}</span>);
  if (typeof schema.contentMediaType === 'string') {
    parts.push(<span>{`${String(schema.contentEncoding ?? '')} ${schema.contentMediaType}`}</span>);
  }
  if (schema.default !== undefined) {
    parts.push(
      <span>
        default <code>{String(schema.default)}</code>
      </span>,
    );
  }
  return (
    <>
      {parts.map((part, i) => (
        <>
          {i > 0 ? '; ' : ''}
          {part}
        </>
      ))}
    </>
  );
}

function ParameterTable(props: {
  parameters: OpenApiParameter[];
  /** Parameters of which at least one is required (an anyOf of required lists). */
  oneOf: string[];
}) {
  return (
    <div class="table">
      <table class="params">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Required</th>
            <th scope="col">Meaning and rule</th>
            <th scope="col">Allowed</th>
          </tr>
        </thead>
        <tbody>
          {props.parameters.map((p) => (
            <tr>
              <td data-label="Parameter">
                <code>{p.name}</code>
              </td>
              <td data-label="Required">
                {p.required
                  ? 'yes'
                  : props.oneOf.includes(p.name)
                    ? `one of ${props.oneOf.join(', ')}`
                    : 'no'}
              </td>
              <td data-label="Meaning and rule">{p.description ?? ''}</td>
              <td data-label="Allowed">
                <Constraints schema={p.schema} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A shell word: bare when safe, else single-quoted. */
const shellWord = (word: string) =>
  /^[A-Za-z0-9_.,:/=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

function exampleValue(schema: JsonSchema): string {
  const examples = schema.examples;
  if (Array.isArray(examples) && examples.length > 0) return String(examples[0]);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return String(schema.enum[0]);
  return 'VALUE';
}

/**
 * The parameters an example call sends: the required ones and those of a "one of" group (for a
 * link: the partner's URL and the fallback, so the example click ends somewhere even when the
 * example partner does not answer).
 */
function exampleArgs(parameters: OpenApiParameter[], oneOf: string[]): [string, string][] {
  return parameters
    .filter((p) => p.required || oneOf.includes(p.name))
    .map((p) => [p.name, exampleValue(p.schema)]);
}

function curlWhm(server: string, path: string, args: [string, string][]): string {
  const lines = [`curl -s -H "Authorization: whm root:$TOKEN" ${shellWord(`${server}${path}`)}`];
  for (const [name, value] of [['api.version', '1'], ...args]) {
    lines.push(`  --data-urlencode ${shellWord(`${name}=${value}`)}`);
  }
  return lines.join(' \\\n');
}

function curlUapi(server: string, path: string, cookie: string, args: [string, string][]): string {
  const query = new URLSearchParams(args).toString();
  return `curl -s -b "${cookie}=$SESSION" ${shellWord(`${server}${path}${query ? `?${query}` : ''}`)}`;
}

interface Entry {
  path: string;
  name: string;
  get: OpenApiOperation;
  parameters: OpenApiParameter[];
  oneOf: string[];
}

function entries(doc: OpenApiDocument): Entry[] {
  return Object.entries(doc.paths).map(([path, item]) => {
    const all = item.get.parameters
      .map((p) => resolve<OpenApiParameter>(doc, p))
      .filter((p): p is OpenApiParameter => p !== undefined);
    const body = item.post.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    const anyOf = (body && resolve<JsonSchema>(doc, body)?.anyOf) as
      | { required?: string[] }[]
      | undefined;
    return {
      path,
      // WHM functions by name, UAPI ones as cPanel writes them (Module::function).
      name: path.startsWith('/json-api/')
        ? path.slice('/json-api/'.length)
        : path.slice('/execute/'.length).replace('/', '::'),
      get: item.get,
      parameters: all.filter((p) => !p.name.startsWith(LIST_PREFIX)),
      oneOf: (anyOf ?? []).flatMap((alternative) => alternative.required ?? []),
    };
  });
}

function FunctionEntry(props: {
  doc: OpenApiDocument;
  entry: Entry;
  all: Entry[];
  server: string;
}) {
  const { doc, entry, server } = props;
  const { get } = entry;
  const uapi = entry.path.startsWith('/execute/');
  const anchor = get.operationId;
  const fields = get['x-list-fields'];
  let args = exampleArgs(entry.parameters, entry.oneOf);
  if (entry.path === '/json-api/cpanel') {
    // The bridge passes the other arguments on: add those of the UAPI function the example names.
    const named = (name: string) => args.find(([key]) => key === name)?.[1];
    const target = props.all.find(
      (e) =>
        e.path === `/execute/${named('cpanel_jsonapi_module')}/${named('cpanel_jsonapi_func')}`,
    );
    if (target) args = [...args, ...exampleArgs(target.parameters, target.oneOf)];
  }
  const cookie = (doc.components.securitySchemes.session?.name as string | undefined) ?? 'session';
  return (
    <article id={anchor} aria-labelledby={`${anchor}-title`}>
      <h3 id={`${anchor}-title`}>
        <code>{entry.name}</code>
      </h3>
      <p>{get.summary}</p>
      {get.description ? <p class="muted">{get.description}</p> : null}
      <ul class="forms">
        {uapi ? (
          <li>
            <code>GET {entry.path}?ARGS</code> or <code>POST {entry.path}</code> (form body), with
            the session cookie <code>{cookie}</code>
          </li>
        ) : (
          <>
            <li>
              <code>GET {entry.path}?api.version=1&amp;ARGS</code>
            </li>
            <li>
              <code>POST {entry.path}</code> with <code>application/x-www-form-urlencoded</code>
            </li>
            <li>
              <code>POST {entry.path}</code> with <code>application/json</code> (an object of
              arguments)
            </li>
          </>
        )}
      </ul>
      {entry.parameters.length > 0 ? (
        <ParameterTable parameters={entry.parameters} oneOf={entry.oneOf} />
      ) : (
        <p class="muted">No parameters.</p>
      )}
      {fields ? (
        <p>
          Accepts the <a href="#list-arguments">list arguments</a> over the fields{' '}
          {fields.map((f, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <code>{f}</code>
            </>
          ))}
          .
        </p>
      ) : null}
      <p>
        Example
        {uapi ? (
          <>
            {' '}
            (<code>$SESSION</code> is the value of the <code>{cookie}</code> cookie that opening a{' '}
            <code>create_user_session</code> login URL sets: a new id, not that call’s{' '}
            <code>data.session</code>)
          </>
        ) : null}
        :
      </p>
      <pre>
        <code>
          {uapi ? curlUapi(server, entry.path, cookie, args) : curlWhm(server, entry.path, args)}
        </code>
      </pre>
      <p class="muted">
        Answers:{' '}
        {uapi ? (
          <a href="#uapi-result">the UAPI result</a>
        ) : entry.path === '/json-api/cpanel' ? (
          <a href="#bridge">cPanel’s bridge shape</a>
        ) : (
          <a href="#envelope">the WHM envelope</a>
        )}
        .
      </p>
    </article>
  );
}

/** A schema's properties as a two-column list (for the answer shapes). */
function Properties(props: {
  doc: OpenApiDocument;
  schema: JsonSchema | undefined;
  prefix?: string;
}) {
  const properties = (props.schema?.properties ?? {}) as Record<string, JsonSchema | Ref>;
  const rows: Child[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const schema = resolve<JsonSchema>(props.doc, value) ?? {};
    // A reference may carry its own description beside $ref; it wins over the target's.
    const described = (value as { description?: unknown }).description;
    const description = typeof described === 'string' ? described : schema.description;
    const key = `${props.prefix ?? ''}${name}`;
    const choices = Array.isArray(schema.enum)
      ? ` (${schema.enum.join(' or ')})`
      : schema.const !== undefined
        ? ` (always ${String(schema.const)})`
        : '';
    rows.push(
      <tr>
        <td>
          <code>{key}</code>
        </td>
        <td>{`${typeof description === 'string' ? description : ''}${choices}`}</td>
      </tr>,
    );
    if (schema.properties && !isRef(value)) {
      rows.push(<Properties doc={props.doc} schema={schema} prefix={`${key}.`} />);
    }
  }
  return <>{rows}</>;
}

function ShapeTable(props: { doc: OpenApiDocument; name: string }) {
  return (
    <div class="table">
      <table class="shape">
        <tbody>
          <Properties doc={props.doc} schema={props.doc.components.schemas[props.name]} />
        </tbody>
      </table>
    </div>
  );
}

function ListArguments(props: { doc: OpenApiDocument; entries: Entry[] }) {
  const list = props.entries.find((e) => e.get['x-list-fields']);
  if (!list) return null;
  const parameters = list.get.parameters.flatMap((p) => {
    const parameter = resolve<OpenApiParameter>(props.doc, p);
    if (!parameter?.name.startsWith(LIST_PREFIX) || parameter.name === 'api.version') return [];
    // Field arguments are documented per function (their records differ): no choices here.
    return [isRef(p) ? parameter : { ...parameter, schema: {} }];
  });
  return (
    <section aria-labelledby="list-arguments">
      <h2 id="list-arguments">List arguments</h2>
      <p>
        List functions accept WHM’s generic list arguments, applied in this order: columns, filter,
        sort, chunk. Filter and sort ids are a, b, c…; columns are api.columns.a, .b…
      </p>
      <ParameterTable parameters={parameters} oneOf={[]} />
    </section>
  );
}

export function ApiReferencePage(props: { doc: OpenApiDocument; nonce: string }) {
  const { doc } = props;
  const server = doc.servers?.[0]?.url ?? 'http://127.0.0.1:2087';
  const all = entries(doc);
  const byTag = doc.tags.map((tag) => ({
    tag,
    entries: all.filter((e) => e.get.tags.includes(tag.name)),
  }));
  return (
    <Layout
      title="API reference"
      nonce={props.nonce}
      head={<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />}
    >
      <main id="main" class="docs">
        <h1>{doc.info.title} API reference</h1>
        <p>{doc.info.description}</p>
        <p>
          Version {doc.info.version}. The same reference as an OpenAPI {doc.openapi} document:{' '}
          <a href={useLink('/openapi.json')}>/openapi.json</a>.
        </p>
        <nav aria-label="Functions">
          {byTag.map(({ tag, entries }) => (
            <>
              <h2>{tag.name}</h2>
              <ul class="toc">
                {entries.map((e) => (
                  <li>
                    <a href={`#${e.get.operationId}`}>
                      <code>{e.name}</code>
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
        </nav>

        <h2 id="calling">Calling the API</h2>
        <p>
          WHM API 1 functions authenticate as root: <code>Authorization: whm root:TOKEN</code> or
          HTTP Basic <code>root:PASSWORD</code>. No credentials → HTTP 401, wrong ones → HTTP 403,
          too many failures from one address → HTTP 429 with <code>Retry-After</code>. UAPI
          functions run for the user of the control-panel session.
        </p>
        <h3 id="envelope">The WHM envelope</h3>
        <p>
          Every WHM API 1 function answers HTTP 200 with this object; a refused call has{' '}
          <code>result</code> 0 and a <code>reason</code> naming the parameter and the rule.
        </p>
        <ShapeTable doc={doc} name="WhmEnvelope" />
        <pre>
          <code>
            {`${JSON.stringify(success('createacct', { user: 'alice', domain: 'alice.example.com' }))}\n${JSON.stringify(failure('nosuch', unknownFunctionReason('nosuch')))}`}
          </code>
        </pre>
        <h3 id="bridge">cPanel’s bridge shape</h3>
        <ShapeTable doc={doc} name="BridgeAnswer" />
        <h3 id="uapi-result">The UAPI result</h3>
        <ShapeTable doc={doc} name="UapiResult" />

        <ListArguments doc={doc} entries={all} />

        {byTag.map(({ tag, entries }) => (
          <section aria-labelledby={`tag-${tag.name.replaceAll(' ', '-')}`}>
            <h2 id={`tag-${tag.name.replaceAll(' ', '-')}`}>{tag.name}</h2>
            <p class="muted">{tag.description}</p>
            {entries.map((entry) => (
              <FunctionEntry doc={doc} entry={entry} all={all} server={server} />
            ))}
          </section>
        ))}
      </main>
    </Layout>
  );
}
