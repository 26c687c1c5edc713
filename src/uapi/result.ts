// The UAPI result shape (SPEC §3.4): status 1 with data, or status 0 with error sentences.

export interface UapiResult {
  status: 0 | 1;
  data: unknown;
  errors: string[] | null;
  messages: string[] | null;
  warnings: string[] | null;
  metadata: Record<string, unknown>;
}

export const uapiSuccess = (data: unknown): UapiResult => ({
  status: 1,
  data,
  errors: null,
  messages: null,
  warnings: null,
  metadata: {},
});

export const uapiFailure = (error: string): UapiResult => ({
  status: 0,
  data: null,
  errors: [error],
  messages: null,
  warnings: null,
  metadata: {},
});
