// Shared helpers for the mock partner tests: a link's POST fields and a form/JSON client over
// real sockets (undici's request, which never follows redirects).
import { request } from 'undici';

/** The fields the broker POSTs for a link (cPanel's names). */
export const LINK_FIELDS: Readonly<Record<string, string>> = {
  app: 'billing',
  user: 'bob',
  token: 'tok-1001',
  subscriber_unique_id: '1001',
  attempt: '1',
  label: 'Billing',
  implements: 'billing',
};

export interface PostOptions {
  json?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** POSTs `fields` as a form (default) or as JSON, asking for JSON like the broker does. */
export function postFields(
  url: string,
  fields: Record<string, unknown>,
  options: PostOptions = {},
) {
  const json = options.json ?? false;
  return request(url, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...options.headers,
    },
    body: json
      ? JSON.stringify(fields)
      : new URLSearchParams(
          Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
        ).toString(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Polls `check` until it is true (or fails after `ms`). */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
