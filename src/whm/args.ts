// WHM API 1 arguments from a request: the query string, plus a form or JSON body for POST.
// All values become strings, as they are on a cPanel server.
import { isUtf8 } from 'node:buffer';
import { quote, ValidationError } from '../errors.ts';

export type WhmArgs = Record<string, string>;

const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * A form name or value decoded as a form decoder does (`+` is a space, `%XX` a byte, a `%` that
 * starts no escape stays), except that escaped bytes that are not UTF-8 give undefined rather
 * than U+FFFD: a character the client never sent, in what may be a token. decodeURIComponent
 * refuses exactly those (overlong forms and surrogates included) and keeps a U+FEFF.
 */
export function decodeFormComponent(raw: string): string | undefined {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  try {
    // Every `%` starts an escape (the usual case): one native call for the whole component.
    if (!STRAY_PERCENT.test(text)) return decodeURIComponent(text);
    return text.replace(ESCAPES, (run) => decodeURIComponent(run));
  } catch {
    return undefined;
  }
}

/** A body's text; bytes that are not UTF-8 are refused, never read as U+FFFD. */
export function bodyText(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new ValidationError('The request body is not UTF-8 text.');
  const text = bytes.toString('utf8');
  // A byte-order mark in front of the body is no part of it (as a web Request's text() reads it).
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The reason for a name or value whose escapes are not UTF-8 (never echoing a value). */
export const notUtf8 = (name: string) =>
  `The argument ${quote(name)} is not UTF-8 text once its %-escapes are decoded.`;

/**
 * Adds the pairs of a form (a body or a query string); the first occurrence of a name wins. An
 * unreadable pair is refused, or skipped when `lenient` (see readableWhmArgs).
 */
function addForm(args: WhmArgs, form: string, lenient = false): void {
  for (const pair of form.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodeFormComponent(rawKey);
    if (key === undefined) {
      if (lenient) continue;
      throw new ValidationError(notUtf8(rawKey));
    }
    // WHM keeps one value per name: later repeats are ignored.
    if (Object.hasOwn(args, key)) continue;
    const value = eq < 0 ? '' : decodeFormComponent(pair.slice(eq + 1));
    if (value === undefined) {
      if (lenient) continue;
      throw new ValidationError(notUtf8(key));
    }
    args[key] = value;
  }
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
      addForm(args, body);
    } else {
      throw new ValidationError(
        `The request body type ${quote(type)} is not supported; send application/x-www-form-urlencoded or application/json.`,
      );
    }
  }
  if (query !== '') addForm(args, query);
  return args;
}

/**
 * What can be read of a request's arguments whose parseWhmArgs failed: the readable pairs of a
 * form body, the text values of a JSON object body, and the readable pairs of the query string.
 * Only for naming a refused call after what it asked for, never for running one.
 */
export function readableWhmArgs(
  query: string,
  contentType: string | undefined,
  body: string | undefined,
): WhmArgs {
  const args: WhmArgs = Object.create(null);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (body && (type === 'application/x-www-form-urlencoded' || type === '')) {
    addForm(args, body, true);
  } else if (body && type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === 'string' && !LONE_SURROGATE.test(value) && !Object.hasOwn(args, key)) {
          args[key] = value;
        }
      }
    }
  }
  addForm(args, query, true);
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
