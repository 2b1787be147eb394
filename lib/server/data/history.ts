/** Query functions for comparing history: runs by id or short id, runs per commit, the store after a run. */
import "server-only";
import { getDb } from "@/lib/server/db";
import type { RunRow } from "@/lib/server/data/runs";

/** Runs of a definition whose id is `ref` or starts with it (the UI's 8-character short ids); at most 2, to tell ambiguity. */
export async function findRunsByIdPrefix(definitionId: string, ref: string): Promise<RunRow[]> {
  const db = await getDb();
  const exact = await db.syncRun.findFirst({ where: { id: ref, definitionId } });
  if (exact) return [exact];
  return db.syncRun.findMany({ where: { definitionId, id: { startsWith: ref } }, take: 2, orderBy: { createdAt: "desc" } });
}

/** The newest real, succeeded run of a definition that applied `commit`. */
export async function newestAppliedRun(definitionId: string, commit: string): Promise<RunRow | null> {
  const db = await getDb();
  return db.syncRun.findFirst({ where: { definitionId, resolvedCommit: commit, dryRun: false, phase: "Succeeded" }, orderBy: { createdAt: "desc" } });
}

/** The runs of a definition that resolved one of `commits` (newest first). */
export async function getRunsForCommits(definitionId: string, commits: string[]) {
  if (commits.length === 0) return [];
  const db = await getDb();
  return db.syncRun.findMany({
    where: { definitionId, resolvedCommit: { in: commits } },
    orderBy: { createdAt: "desc" },
    select: { id: true, resolvedCommit: true, dryRun: true, phase: true, trigger: true, createdAt: true, finishedAt: true },
  });
}

/** A stored side of a resource after a run: its last recorded write (create/update) or removal (delete). */
export interface RecordedSide {
  kind: string;
  namespace: string;
  name: string;
  action: string;
  desiredYaml: string | null;
}

/**
 * The store of a definition after `run`, rebuilt from the recorded changes: for each key, the
 * last create/update/delete of a real, succeeded run created no later than `run` (runs write in
 * one transaction, so a succeeded run's records are what it wrote). Deleted keys are left out.
 */
export async function getStoreAfterRun(definitionId: string, run: Pick<RunRow, "id" | "createdAt">): Promise<RecordedSide[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<(RecordedSide & { runId: string })[]>`
    SELECT DISTINCT ON (c."kind", c."namespace", c."name")
      c."kind", c."namespace", c."name", c."action", c."desiredYaml", c."runId"
    FROM "SyncRunChange" c JOIN "SyncRun" r ON r."id" = c."runId"
    WHERE r."definitionId" = ${definitionId} AND r."dryRun" = false AND r."phase" = 'Succeeded'
      AND c."action" IN ('create', 'update', 'delete')
      AND (r."createdAt" < ${run.createdAt} OR r."id" = ${run.id})
    ORDER BY c."kind", c."namespace", c."name", r."createdAt" DESC, r."id" DESC`;
  return rows.filter((r) => r.action !== "delete").map(({ runId: _runId, ...r }) => r);
}
