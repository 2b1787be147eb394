/**
 * Per-resource sync status and the definition's status summary, written after a sync or a
 * refresh so lists and the overview read them without re-planning.
 */
import "server-only";
import { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";
import { resourceWhere } from "@/lib/server/data/resources";
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

/** Drifted resources of a definition, by the same filter the resources table uses (resourceWhere). */
export async function countDrifted(definitionId: string): Promise<number> {
  const db = await getDb();
  return db.resource.count({ where: resourceWhere({ definitionId, drifted: true }, db) });
}

/** Drifted resources per definition in one query (the same filter as countDrifted); definitions without drift are absent. */
export async function countDriftedByDefinition(definitionIds: string[]): Promise<Map<string, number>> {
  if (definitionIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.resource.groupBy({
    by: ["definitionId"],
    where: { AND: [{ definitionId: { in: definitionIds } }, resourceWhere({ drifted: true }, db)] },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.definitionId, r._count._all]));
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
