/**
 * Per-resource sync status and the definition's status summary, written after a sync or a
 * refresh so lists and the overview read them without re-planning.
 */
import "server-only";
import { Prisma } from "@prisma/client";
import { getDb, getRawSql } from "@/lib/server/db";
import type { ResourceSyncStatus } from "@/lib/engine/types";

export interface StatusSummary {
  Synced: number;
  OutOfSync: number;
  Missing: number;
  Orphaned: number;
  Error: number;
  drifted: number;
  commit: string | null;
  at: string;
}

/** Statuses by key (a refresh), or none (a real sync already wrote them with its resources). */
export async function writeSyncStatus(
  definitionId: string,
  byStatus: Map<ResourceSyncStatus, { namespace: string; name: string }[]> | null,
  summary: StatusSummary,
  /** undefined keeps the stored head */
  headCommit: string | null | undefined,
  /** collects the resources whose stored status this write changes (up to `cap`; over it, set to null) */
  changed?: { list: { namespace: string; name: string; status: string }[] | null; cap: number },
): Promise<void> {
  const db = await getDb();
  const ops: Prisma.PrismaPromise<unknown>[] = [];
  if (byStatus) {
    const rows = await db.resource.findMany({ where: { definitionId }, select: { id: true, namespace: true, name: true, syncStatus: true } });
    const byKey = new Map(rows.map((r) => [`${r.namespace}/${r.name}`, r]));
    for (const [status, keys] of byStatus) {
      const ids = keys
        .map((k) => byKey.get(`${k.namespace}/${k.name}`))
        .filter((r) => r && r.syncStatus !== status)
        .map((r) => {
          if (changed?.list) {
            if (changed.list.length < changed.cap) changed.list.push({ namespace: r!.namespace, name: r!.name, status });
            else changed.list = null;
          }
          return r!.id;
        });
      for (let i = 0; i < ids.length; i += 5_000) {
        ops.push(db.resource.updateMany({ where: { id: { in: ids.slice(i, i + 5_000) } }, data: { syncStatus: status } }));
      }
    }
  }
  ops.push(
    db.resourceDefinition.update({
      where: { id: definitionId },
      data: { statusSummary: summary as unknown as Prisma.InputJsonValue, headCommit, lastRefreshAt: new Date(), refreshError: null },
    }),
  );
  await db.$transaction(ops);
}

/**
 * Drifted resources of a definition: the drift predicate of the resources table's filter
 * (resourceWhere `drifted`, engine/status.ts isDrifted) written out as the partial index
 * "Resource_drifted_idx" has it, so the count reads that (almost always empty) index instead
 * of every row of the definition (a no-change re-sync and every overview card ask this).
 */
export async function countDrifted(definitionId: string): Promise<number> {
  const rows = await (
    await getRawSql()
  ).query<{ n: number }>(
    `SELECT count(*)::int AS "n" FROM "Resource" WHERE "definitionId" = $1 AND "appliedSpecHash" IS NOT NULL AND "appliedSpecHash" <> "liveSpecHash"`,
    [definitionId],
  );
  return rows[0]?.n ?? 0;
}

/** Drifted resources per definition in one query (the same filter as countDrifted); definitions without drift are absent. */
export async function countDriftedByDefinition(definitionIds: string[]): Promise<Map<string, number>> {
  if (definitionIds.length === 0) return new Map();
  const rows = await (
    await getRawSql()
  ).query<{ d: string; n: number }>(
    `SELECT "definitionId" AS "d", count(*)::int AS "n" FROM "Resource"
     WHERE "definitionId" = ANY($1::text[]) AND "appliedSpecHash" IS NOT NULL AND "appliedSpecHash" <> "liveSpecHash"
     GROUP BY "definitionId"`,
    [definitionIds],
  );
  return new Map(rows.map((r) => [r.d, r.n]));
}

export async function countByStatus(definitionIds: string[]): Promise<Map<string, Record<string, number>>> {
  const rows = await (
    await getDb()
  ).resource.groupBy({
    by: ["definitionId", "syncStatus"],
    where: { definitionId: { in: definitionIds } },
    _count: { _all: true },
  });
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const m = out.get(r.definitionId) ?? {};
    m[r.syncStatus] = r._count._all;
    out.set(r.definitionId, m);
  }
  return out;
}
