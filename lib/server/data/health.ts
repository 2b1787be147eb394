/** The health check's one query: the store answers (PGlite or PostgreSQL). */
import "server-only";
import { getDb, getDbKind, type DbKind } from "@/lib/server/db";

/** The store's kind when it answers a trivial query; throws the driver's error otherwise. */
export async function pingDatabase(): Promise<DbKind> {
  const db = await getDb();
  await db.$queryRaw`SELECT 1`;
  return getDbKind();
}
