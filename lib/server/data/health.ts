/** The health check's one query: the store answers (PGlite or PostgreSQL). */
import "server-only";
import { getDb, getDbKind, storeBusyWithProgress, type DbKind } from "@/lib/server/db";

/** How long the check waits for its own query before it looks at the store's progress instead. */
const PING_WAIT_MS = 50;
/** A writer whose last statement finished this recently is a store that answers. */
const PROGRESS_WINDOW_MS = 5_000;

export interface StorePing {
  kind: DbKind;
  /** the embedded store was inside a writer's transaction that is making progress */
  busy?: true;
}

/**
 * The store's kind when it answers a trivial query; throws the driver's error otherwise.
 * The embedded store has one connection: behind a long bulk transaction (seconds for a first
 * sync of 10,000 resources) the query would wait for it, and a liveness probe would fail a
 * healthy process mid-sync. So while a transaction holding the store finished a statement within
 * the last 5 s (checked first, and again when the query has not answered within 50 ms: the
 * writer may have started after the check), the store counts as answering (busy); a store that
 * makes no progress still fails the check when its query fails.
 */
export async function pingDatabase(opts: { pingWaitMs?: number; progressWindowMs?: number } = {}): Promise<StorePing> {
  const { pingWaitMs = PING_WAIT_MS, progressWindowMs = PROGRESS_WINDOW_MS } = opts;
  const db = await getDb();
  const kind = await getDbKind();
  // a writer holds the store and is making progress: no need to queue behind it
  if (storeBusyWithProgress(progressWindowMs)) return { kind, busy: true };
  const query = db.$queryRaw`SELECT 1`.then(() => "answered" as const);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<"waited">((resolve) => (timer = setTimeout(() => resolve("waited"), pingWaitMs)));
  try {
    const first = await Promise.race([query, waited]);
    if (first === "waited" && storeBusyWithProgress(progressWindowMs)) {
      query.catch(() => undefined);
      return { kind, busy: true };
    }
    await query;
    return { kind };
  } finally {
    clearTimeout(timer);
  }
}
