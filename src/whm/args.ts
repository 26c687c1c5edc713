// WHM API 1 arguments from a request: the query string, plus a form or JSON body for POST.
// All values become strings, as they are on a cPanel server.
import { quote, ValidationError } from '../errors.ts';

export type WhmArgs = Record<string, string>;

function addParams(args: WhmArgs, params: URLSearchParams): void {
  // forEach rather than for…of: no [key, value] array and iterator result per pair.
  params.forEach((value, key) => {
    // The first occurrence wins; later repeats are ignored (WHM keeps one value per name).
    if (!Object.hasOwn(args, key)) args[key] = value;
  });
}

// One JSON token after optional whitespace (the text is valid JSON: JSON.parse read it first).
const JSON_TOKEN =
  /\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,])/y;

/**
 * The text of each number of a JSON object's own level, by key, as the client wrote it: a
 * number becomes an argument string, and JSON.parse's double would change what was sent
 * (12345678901234567890 reads as …567000, 0.0000001 prints as 1e-7). A repeated key keeps its
 * last value, as JSON.parse does.
 */
function numbersAsWritten(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let depth = 0;
  let key: string | undefined;
  let isValue = false;
  JSON_TOKEN.lastIndex = 0;
  for (let match = JSON_TOKEN.exec(text); match; match = JSON_TOKEN.exec(text)) {
    const token = match[1] as string;
    if (token === '{' || token === '[') depth += 1;
    else if (token === '}' || token === ']') depth -= 1;
    else if (depth !== 1) continue;
    else if (token === ':') isValue = true;
    else if (token === ',') isValue = false;
    else if (!isValue) key = JSON.parse(token) as string;
    else if (key !== undefined && /^[-\d]/.test(token)) found.set(key, token);
  }
  return found;
}

/** A UTF-16 surrogate not paired with its other half (in Unicode mode a pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

function addJson(args: WhmArgs, text: string): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError(
      'The JSON request body must be an object of argument names to values.',
    );
  }
  let numbers: Map<string, string> | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (Object.hasOwn(args, key) || value === null) continue;
    if (typeof value === 'string') {
      // JSON can spell half of a surrogate pair (`"\ud800"`), which no text is: it would reach
      // a partner as U+FFFD, a token other than the one stored.
      if (LONE_SURROGATE.test(value)) {
        throw new ValidationError(
          `The argument ${quote(key)} must be valid Unicode text: it has half of a surrogate pair.`,
        );
      }
      args[key] = value;
    } else if (typeof value === 'number') {
      numbers ??= numbersAsWritten(text);
      args[key] = numbers.get(key) ?? String(value);
    } else if (typeof value === 'boolean') args[key] = value ? '1' : '0';
    else throw new ValidationError(`The argument ${quote(key)} must be a string or a number.`);
  }
}

/**
 * Builds the argument record. Body arguments come first and the query string fills in the
 * rest, so a POST body is authoritative. `contentType` is the request's, `body` its text.
 */
export function parseWhmArgs(
  query: string,
  contentType: string | undefined,
  body: string | undefined,
): WhmArgs {
  const args: WhmArgs = Object.create(null);
  if (body !== undefined && body.length > 0) {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'application/json') addJson(args, body);
    else if (type === 'application/x-www-form-urlencoded' || type === '') {
      addParams(args, new URLSearchParams(body));
    } else {
      throw new ValidationError(
        `The request body type ${quote(type)} is not supported; send application/x-www-form-urlencoded or application/json.`,
      );
    }
  }
  if (query !== '') addParams(args, new URLSearchParams(query));
  return args;
}

/** Checks `api.version`: missing means 1, anything else is refused. */
export function checkApiVersion(args: WhmArgs): void {
  const version = args['api.version'];
  if (version !== undefined && version !== '1') {
    throw new ValidationError(
      `The “api.version” parameter must be 1: this server implements WHM API 1 (got ${quote(version)}).`,
    );
  }
}
