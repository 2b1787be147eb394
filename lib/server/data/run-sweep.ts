/**
 * Marks runs Interrupted whose process is gone: its heartbeat is stale, or its replica's
 * process lease expired. Each row is ended with a conditional update, so two replicas
 * sweeping at once end a run once.
 */
import "server-only";
import type { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";

export interface InterruptedRun {
  id: string;
  definitionId: string;
  trigger: string;
  durationMs: number | null;
  owner: string | null;
}

export async function interruptDeadRuns(where: { heartbeatBefore: Date; deadOwners: string[]; excludeOwner?: string }): Promise<InterruptedRun[]> {
  const db = await getDb();
  const or: Prisma.SyncRunWhereInput[] = [{ heartbeatAt: { lt: where.heartbeatBefore } }];
  if (where.deadOwners.length > 0) or.push({ owner: { in: where.deadOwners } });
  const stale = await db.syncRun.findMany({
    where: { activeKey: { not: null }, OR: or, ...(where.excludeOwner ? { NOT: { owner: where.excludeOwner } } : {}) },
    select: { id: true, startedAt: true, definitionId: true, trigger: true, owner: true },
  });
  const out: InterruptedRun[] = [];
  for (const r of stale) {
    const finishedAt = new Date();
    const durationMs = r.startedAt ? finishedAt.getTime() - r.startedAt.getTime() : null;
    const { count } = await db.syncRun.updateMany({
      where: { id: r.id, activeKey: { not: null } },
      data: {
        phase: "Interrupted",
        activeKey: null,
        finishedAt,
        durationMs,
        error: "the server running this sync stopped before it finished; nothing from it was applied",
      },
    });
    if (count === 1) out.push({ id: r.id, definitionId: r.definitionId, trigger: r.trigger, durationMs, owner: r.owner });
  }
  return out;
}
