/**
 * Per-resource sync status and the definition's status summary, written after a sync or a
 * refresh so lists and the overview read them without re-planning.
 */
import "server-only";
import { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";
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

export async function writeSyncStatus(
  definitionId: string,
  byStatus: Map<ResourceSyncStatus, { namespace: string; name: string }[]>,
  summary: StatusSummary,
  headCommit: string | null,
): Promise<void> {
  const db = await getDb();
  const ops: Prisma.PrismaPromise<unknown>[] = [];
  for (const [status, keys] of byStatus) {
    for (let i = 0; i < keys.length; i += 2_000) {
      const part = keys.slice(i, i + 2_000);
      ops.push(
        db.resource.updateMany({
          where: { definitionId, OR: part.map((k) => ({ namespace: k.namespace, name: k.name })) },
          data: { syncStatus: status },
        }),
      );
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

export async function countDrifted(definitionId: string): Promise<number> {
  const rows = await (await getDb()).$queryRaw<{ n: bigint | number }[]>`
    SELECT count(*) AS n FROM "Resource"
    WHERE "definitionId" = ${definitionId} AND "appliedSpecHash" IS NOT NULL AND "appliedSpecHash" <> "liveSpecHash"`;
  return Number(rows[0]?.n ?? 0);
}

export async function countByStatus(definitionIds: string[]): Promise<Map<string, Record<string, number>>> {
  const rows = await (await getDb()).resource.groupBy({
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
