/**
 * The one error type for failures a user can cause or fix (bad input, server said no, server
 * unreachable). main.ts prints these as a single `error: …` line with no stack trace and
 * exits with `exitCode`; anything else is a bug and keeps its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** An error answer from /api/v1: `{ error: { code, message, details } }` plus the HTTP status. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
