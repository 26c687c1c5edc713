// What the mock partner received: each request reduced to plain strings, so tests can assert
// on it. The raw token stays in process; the HTTP view (GET /_requests) shows only a hash prefix.
import { createHash } from 'node:crypto';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case header names, as received. */
  headers: Record<string, string>;
  /** Form or JSON fields (values as strings); empty when there was no body. */
  body: Record<string, string>;
  /** Milliseconds since the epoch, from the partner's clock. */
  time: number;
}

export type ParsedBody =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; error: string };

/** Reads a form or JSON body into string fields (anything not JSON is read as a form). */
export async function readBodyFields(request: Request): Promise<ParsedBody> {
  const text = await request.text();
  if (text === '') return { ok: true, fields: {} };
  const contentType = request.headers.get('content-type') ?? '';
  if (!/\bjson\b/i.test(contentType)) {
    return { ok: true, fields: Object.fromEntries(new URLSearchParams(text)) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The request body is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'The JSON request body must be an object.' };
  }
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null || field === undefined) continue;
    fields[key] = typeof field === 'string' ? field : JSON.stringify(field);
  }
  return { ok: true, fields };
}

/** Builds the record of one request (the body already read). */
export function describeRequest(
  request: Request,
  body: Record<string, string>,
  time: number,
): RecordedRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(request.headers),
    body,
    time,
  };
}

/** First 16 hex digits of SHA-256: enough to tell tokens apart, useless to replay one. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/**
 * A path with its one-time sign-in code shortened (`/sso/AbCd…(43)`): a code a HEAD left unused
 * still works, so the log must not hand it out.
 */
export function maskCodePath(path: string): string {
  // Wherever it stands (`/sso/CODE/`, `//sso/CODE`): a path that missed the route still names it.
  return path.replace(/(\/sso\/+)([^/]+)/g, (whole, prefix: string, code: string) =>
    code.length <= 8 ? whole : `${prefix}${code.slice(0, 4)}…(${code.length})`,
  );
}

/**
 * The copy of a record that may leave the process (GET /_requests, the CLI's log lines):
 * `token` replaced by `token_sha256`, a sign-in code shortened.
 */
export function maskRecordedRequest(record: RecordedRequest): RecordedRequest {
  const { token, ...body } = record.body;
  const masked = token === undefined ? body : { ...body, token_sha256: tokenFingerprint(token) };
  return {
    ...record,
    path: maskCodePath(record.path),
    query: { ...record.query },
    headers: { ...record.headers },
    body: masked,
  };
}
