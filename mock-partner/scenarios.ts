// The fault scenarios, chosen by the query string of the autologin URL a link stores
// (`/autologin?scenario=retry&times=2&retry=1`): one catalogue for the parser and the index page.

export type Scenario =
  | { kind: 'normal' }
  | { kind: 'retry'; times: number; retry: number | string }
  | { kind: 'always-retry'; retry: number | string }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang' }
  | { kind: 'status'; code: number }
  | { kind: 'garbage' }
  | { kind: 'empty' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'reset' }
  | { kind: 'redirect3xx'; code: number; to: string | undefined }
  | { kind: 'unsafe-redirect'; url: string }
  | { kind: 'trickle'; ms: number; bytes: number }
  | { kind: 'wrong-key' }
  | { kind: 'gate' };

export type ScenarioName = Exclude<Scenario['kind'], 'normal'>;

export interface ScenarioHelp {
  name: ScenarioName;
  /** Query parameters besides `scenario`, with their defaults. */
  params: string;
  does: string;
}

/** Unsafe `redirect_url` values a broker must refuse, by `kind`. */
export const UNSAFE_REDIRECTS: Readonly<Record<string, string>> = {
  javascript: 'javascript:alert(document.cookie)',
  'mixed-case-javascript': 'JavaScript:alert(document.cookie)',
  // Browsers strip tabs and newlines from URLs, so this still runs script once followed.
  'tab-javascript': 'java\tscript:alert(document.cookie)',
  data: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  relative: '/sso/relative-url',
  'protocol-relative': '//evil.example/sso',
  crlf: 'http://evil.example/\r\nSet-Cookie: stolen=1',
  ftp: 'ftp://evil.example/sso',
};

export const SCENARIOS: readonly ScenarioHelp[] = [
  {
    name: 'retry',
    params: 'times=1, retry=1',
    does: 'Answers {"retry": RETRY, "attempt": N} while the posted attempt is at most TIMES, then signs in.',
  },
  { name: 'always-retry', params: 'retry=1', does: 'Answers {"retry": RETRY} to every attempt.' },
  { name: 'slow', params: 'ms=3000', does: 'Answers normally after MS milliseconds.' },
  { name: 'hang', params: '', does: 'Never answers; keeps the connection open.' },
  {
    name: 'status',
    params: 'code=503',
    does: 'Answers HTTP CODE (200–599) with a small JSON body.',
  },
  {
    name: 'garbage',
    params: '',
    does: 'Answers 200, Content-Type: application/json, with text that is not JSON.',
  },
  { name: 'empty', params: '', does: 'Answers 200 with an empty body.' },
  {
    name: 'huge',
    params: 'mb=20',
    does: 'Streams MB mebibytes of JSON (a redirect_url at the very end); stops when the client goes away.',
  },
  { name: 'reset', params: '', does: 'Resets the TCP connection without answering.' },
  {
    name: 'redirect3xx',
    params: 'to=<its own /autologin>, code=307',
    does: 'Answers CODE (301, 302, 303, 307 or 308) with Location: TO. A broker must not follow it.',
  },
  {
    name: 'unsafe-redirect',
    params: `kind=javascript (${Object.keys(UNSAFE_REDIRECTS).join(', ')})`,
    does: 'Answers a redirect_url no browser should be sent to.',
  },
  {
    name: 'trickle',
    params: 'ms=1000, bytes=600',
    does: 'Sends the headers, then one byte of whitespace every MS ms, BYTES times, then the answer.',
  },
  {
    name: 'wrong-key',
    params: '',
    does: 'Answers {"url": "http://evil.example/"} (no redirect_url).',
  },
  {
    name: 'gate',
    params: '',
    does: 'Holds every request until POST /_gate opens the gate (releasing those held), then answers normally.',
  },
];

export type ParsedScenario = { ok: true; scenario: Scenario } | { ok: false; error: string };

class ScenarioError extends Error {}

function intParam(
  query: Record<string, string>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new ScenarioError(`The “${name}” parameter must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** The `retry` value echoed as given: a number when numeric, else the string (to test brokers). */
function retryParam(query: Record<string, string>): number | string {
  const raw = query.retry ?? '1';
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

function toScenario(name: string, query: Record<string, string>): Scenario {
  switch (name) {
    case '':
    case 'normal':
      return { kind: 'normal' };
    case 'retry':
      return {
        kind: 'retry',
        times: intParam(query, 'times', 1, 0, 1000),
        retry: retryParam(query),
      };
    case 'always-retry':
      return { kind: 'always-retry', retry: retryParam(query) };
    case 'slow':
      return { kind: 'slow', ms: intParam(query, 'ms', 3000, 0, 3_600_000) };
    case 'status':
      return { kind: 'status', code: intParam(query, 'code', 503, 200, 599) };
    case 'huge':
      return { kind: 'huge', bytes: intParam(query, 'mb', 20, 1, 4096) * 1024 * 1024 };
    case 'redirect3xx': {
      const code = intParam(query, 'code', 307, 301, 308);
      if (code === 304 || code === 305 || code === 306) {
        throw new ScenarioError('The “code” parameter must be 301, 302, 303, 307 or 308.');
      }
      const to = query.to;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
      if (to !== undefined && /[\u0000-\u001f\u007f]/.test(to)) {
        throw new ScenarioError('The “to” parameter must not contain control characters.');
      }
      return { kind: 'redirect3xx', code, to: to || undefined };
    }
    case 'unsafe-redirect': {
      const kind = query.kind ?? 'javascript';
      const url = UNSAFE_REDIRECTS[kind];
      if (url === undefined) {
        const kinds = Object.keys(UNSAFE_REDIRECTS).join(', ');
        throw new ScenarioError(`The “kind” parameter must be one of: ${kinds}.`);
      }
      return { kind: 'unsafe-redirect', url };
    }
    case 'trickle':
      return {
        kind: 'trickle',
        ms: intParam(query, 'ms', 1000, 1, 600_000),
        bytes: intParam(query, 'bytes', 600, 0, 1_000_000),
      };
    case 'hang':
    case 'garbage':
    case 'empty':
    case 'reset':
    case 'wrong-key':
    case 'gate':
      return { kind: name };
    default:
      throw new ScenarioError(
        `Unknown scenario “${name}”; known: ${SCENARIOS.map((s) => s.name).join(', ')}.`,
      );
  }
}

/** The scenario a query string asks for (none → normal), or a sentence saying what is wrong. */
export function parseScenario(query: Record<string, string>): ParsedScenario {
  try {
    return { ok: true, scenario: toScenario(query.scenario ?? '', query) };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, error: error.message };
    throw error;
  }
}
