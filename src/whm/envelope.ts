// The WHM API 1 answer shapes: success and failure envelopes (SPEC §2).

export interface WhmMetadata {
  command: string;
  reason: string;
  result: 0 | 1;
  version: 1;
  [extra: string]: unknown;
}

export interface WhmEnvelope {
  data?: unknown;
  metadata: WhmMetadata;
}

export function success(
  command: string,
  data?: unknown,
  extra?: Record<string, unknown>,
): WhmEnvelope {
  const metadata: WhmMetadata = { command, reason: 'OK', result: 1, version: 1, ...extra };
  return data === undefined ? { metadata } : { data, metadata };
}

export function failure(command: string, reason: string): WhmEnvelope {
  return { metadata: { command, reason, result: 0, version: 1 } };
}
