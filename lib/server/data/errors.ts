/** Database error classification by Prisma's codes, never by message text. */
import { Prisma } from "@prisma/client";

/** An error from the driver itself (node-postgres or PGlite, on the raw channel): SQLSTATE and severity. */
function driverError(err: unknown): { message: string; code: string } | undefined {
  const e = err as { message?: unknown; code?: unknown; severity?: unknown } | null;
  return e && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === "string" && typeof e.message === "string"
    ? { message: e.message, code: e.code }
    : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  if (driverError(err)?.code === "23505") return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === "P2002") return true;
    // raw statements (bulk writes) fail as P2010 carrying the driver's error
    const driver = (err.meta as { driverAdapterError?: { cause?: { kind?: string; code?: string } } } | undefined)?.driverAdapterError?.cause;
    return driver?.kind === "UniqueConstraintViolation" || driver?.code === "23505";
  }
  // With driver adapters some paths surface the adapter's own error, classified by kind.
  // (pglite-prisma-adapter passes PostgreSQL's SQLSTATE through as `code`.)
  const cause = (err as { cause?: { kind?: string; code?: string; originalCode?: string } } | null)?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.code === "23505" || cause?.originalCode === "23505";
}

/**
 * The database's own reason for a failed statement ("new row for relation … violates check
 * constraint …", SQLSTATE), or undefined when `err` is not a database error. Raw bulk writes
 * fail as P2010 whose message is only "Raw query failed … Message: `undefined`"; the cause sits
 * in the driver error. The row detail ("Failing row contains …") is left out: it may hold data.
 */
export function databaseErrorReason(err: unknown): string | undefined {
  const fromCause = (c: { message?: string; code?: string; originalMessage?: string; originalCode?: string } | undefined) => {
    const message = c?.message ?? c?.originalMessage;
    const code = c?.code ?? c?.originalCode;
    return message ? `${message.slice(0, 300)}${code ? ` (SQLSTATE ${code})` : ""}` : undefined;
  };
  const direct = driverError(err);
  if (direct) return fromCause(direct);
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const driver = (err.meta as { driverAdapterError?: { cause?: { message?: string; code?: string } } } | undefined)?.driverAdapterError?.cause;
    return fromCause(driver) ?? `${err.code}: ${err.message.split("\n").filter(Boolean).pop()?.slice(0, 300) ?? "database error"}`;
  }
  const cause = err as { name?: string; cause?: { message?: string; code?: string; originalMessage?: string; originalCode?: string } } | null;
  return cause?.name === "DriverAdapterError" ? fromCause(cause.cause) : undefined;
}
