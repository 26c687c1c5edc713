// The error taxonomy shared by every layer. Domain code throws these; the WHM envelope, the UAPI
// result and the pages map them to answers in one place each. Anything else is "internal".

/**
 * An error whose message is written for the caller and may be shown as is. It carries no stack
 * trace: it is an answer, not a bug, and capturing one is a measurable cost on rejected calls.
 */
export class PublicError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** A parameter broke a rule; `message` is the one sentence shown to the caller. */
export class ValidationError extends PublicError {
  override name = 'ValidationError';
}

/** The thing asked for does not exist (unknown user, link, function). */
export class NotFoundError extends PublicError {
  override name = 'NotFoundError';
}

/** The request conflicts with what exists (duplicate account). */
export class ConflictError extends PublicError {
  override name = 'ConflictError';
}

/** Another process holds what the call needs (a store lock); the same call can simply be retried. */
export class BusyError extends PublicError {
  override name = 'BusyError';
}

export function isPublicError(error: unknown): error is PublicError {
  return error instanceof PublicError;
}

/** Quotes a caller-supplied value for a message: bounded length, no control characters. */
export function quote(value: string): string {
  const clean = value.replace(/[\p{Cc}]/gu, '\uFFFD');
  const chars = [...clean];
  return `“${chars.length > 64 ? `${chars.slice(0, 64).join('')}…` : clean}”`;
}

/** The message for an unexpected error: only the request id, never internals. */
export function internalErrorReason(requestId: string): string {
  return `An internal error occurred; the server log has the details under request id ${requestId}.`;
}
