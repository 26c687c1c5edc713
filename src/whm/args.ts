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

/**
 * A JSON number as WHM would read it, or undefined when JSON.parse may already have changed it:
 * beyond 2^53 a double no longer holds every integer (12345678901234567890 reads as
 * …567000), and an exponent form ("1e+21") is not what the client wrote either.
 */
function exactNumberText(value: number): string | undefined {
  const text = String(value);
  return Math.abs(value) <= Number.MAX_SAFE_INTEGER && !/e/i.test(text) ? text : undefined;
}

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
  for (const [key, value] of Object.entries(body)) {
    if (Object.hasOwn(args, key) || value === null) continue;
    if (typeof value === 'string') args[key] = value;
    else if (typeof value === 'number') {
      const exact = exactNumberText(value);
      if (exact === undefined) {
        throw new ValidationError(
          `The argument ${quote(key)} is a number too large or too small to read exactly from JSON; send it as a string.`,
        );
      }
      args[key] = exact;
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
