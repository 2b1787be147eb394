/**
 * One typed error for everything a user can cause. Route handlers and server actions turn
 * it into the one JSON error shape `{ error: { code, message, details } }`; the code picks
 * the HTTP status from one table, so no handler invents its own.
 */
export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SYNC_IN_PROGRESS: 409,
  // details: { reason, nextOpening } (issue 15)
  SYNC_WINDOW_CLOSED: 409,
  // details: { changed: string[] } (issue 15)
  PLAN_STALE: 409,
  // details: { reason } (issue 15)
  APPROVAL_NOT_ALLOWED: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // details: { retryAfterSeconds } (sent as Retry-After)
  TOO_MANY_REQUESTS: 429,
  SPEC_INVALID: 422,
  SOURCE_ERROR: 422,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
