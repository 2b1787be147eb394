/** Database error classification by Prisma's codes, never by message text. */
import { Prisma } from "@prisma/client";

export function isUniqueViolation(err: unknown): boolean {
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

export function isNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025";
}
