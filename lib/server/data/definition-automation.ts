/** Query functions for the automation columns of ResourceDefinition: refresh marks, auto-sync backoff, suspension. */
import "server-only";
import { getDb } from "@/lib/server/db";
import type { DefinitionRow } from "@/lib/server/data/definitions";
import type { GitOpsSpec } from "@/lib/engine/types";
import { markDefinitionHealthDue } from "@/lib/server/data/resource-health";

/** Name and gitops section of every definition that has one (webhooks: which definitions a push concerns, and their secrets), without the heavy columns. */
export async function getGitopsSources(): Promise<{ id: string; name: string; gitops: GitOpsSpec }[]> {
  const rows = await (await getDb()).resourceDefinition.findMany({ select: { id: true, name: true, gitops: true }, orderBy: { name: "asc" } });
  return rows.filter((r) => r.gitops !== null).map((r) => ({ id: r.id, name: r.name, gitops: r.gitops as unknown as GitOpsSpec }));
}

/** The cheap refresh: nothing changed, only the timestamp moves. */
export async function touchRefresh(id: string, headCommit: string): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.update({
    where: { id },
    data: { lastRefreshAt: new Date(), headCheckedAt: new Date(), refreshError: null, refreshErrorCode: null, headCommit },
  });
}

export async function setRefreshedGeneration(id: string, generation: number): Promise<void> {
  await (await getDb()).resourceDefinition.update({ where: { id }, data: { refreshedGeneration: generation } });
}

export async function recordRefreshFailure(id: string, message: string, code: string | null = null): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.update({ where: { id }, data: { lastRefreshAt: new Date(), refreshError: message.slice(0, 2000), refreshErrorCode: code } });
}

export async function setAutoBackoff(id: string, b: { commit: string; failures: number; retryAt: Date }): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.update({
    where: { id },
    data: { autoFailedCommit: b.commit, autoFailures: b.failures, autoRetryAt: b.retryAt },
  });
}

export async function clearAutoBackoff(id: string): Promise<void> {
  await (
    await getDb()
  ).resourceDefinition.updateMany({
    where: { id, OR: [{ autoFailedCommit: { not: null } }, { autoFailures: { gt: 0 } }] },
    data: { autoFailedCommit: null, autoFailures: 0, autoRetryAt: null },
  });
}

export async function setSuspension(id: string, s: { reason: string; until: Date | null; by: string } | null): Promise<DefinitionRow> {
  const row = await (
    await getDb()
  ).resourceDefinition.update({
    where: { id },
    data: s ? { suspendedReason: s.reason, suspendedUntil: s.until, suspendedBy: s.by } : { suspendedReason: null, suspendedUntil: null, suspendedBy: null },
  });
  // its resources' health turns Suspended (or back) at the next health sweep (issue 14)
  if (row.health !== null) await markDefinitionHealthDue(id);
  return row;
}

/** Clears suspensions whose expiry passed; returns the names resumed. */
export async function clearExpiredSuspensions(now = new Date()): Promise<string[]> {
  const db = await getDb();
  const rows = await db.resourceDefinition.findMany({
    where: { suspendedUntil: { lte: now }, suspendedReason: { not: null } },
    select: { id: true, name: true },
  });
  const out: string[] = [];
  for (const r of rows) {
    const { count } = await db.resourceDefinition.updateMany({
      where: { id: r.id, suspendedUntil: { lte: now } },
      data: { suspendedReason: null, suspendedUntil: null, suspendedBy: null },
    });
    if (count === 1) {
      out.push(r.name);
      await markDefinitionHealthDue(r.id);
    }
  }
  return out;
}

export async function countLiveResources(definitionId: string): Promise<number> {
  return (await getDb()).resource.count({ where: { definitionId } });
}

/** definitionId → finishedAt of the last real, successful sync */
export async function getLastSuccessfulSyncTimes(): Promise<Map<string, Date>> {
  const rows = await (
    await getDb()
  ).syncRun.groupBy({
    by: ["definitionId"],
    where: { phase: "Succeeded", dryRun: false },
    _max: { finishedAt: true },
  });
  const out = new Map<string, Date>();
  for (const r of rows) if (r._max.finishedAt) out.set(r.definitionId, r._max.finishedAt);
  return out;
}

/** id → name for every definition (metrics labels). */
export async function getDefinitionNames(): Promise<Map<string, { name: string; statusSummary: unknown }>> {
  const rows = await (await getDb()).resourceDefinition.findMany({ select: { id: true, name: true, statusSummary: true } });
  return new Map(rows.map((r) => [r.id, { name: r.name, statusSummary: r.statusSummary }]));
}

/** definitionId → live resources and drifted ones (drift as resources.ts resourceWhere defines it), for many definitions in one query */
export async function countLiveAndDrifted(definitionIds: string[]): Promise<Map<string, { live: number; drifted: number }>> {
  const out = new Map<string, { live: number; drifted: number }>();
  if (definitionIds.length === 0) return out;
  const db = await getDb();
  const [live, drifted] = await Promise.all([
    db.resource.groupBy({ by: ["definitionId"], where: { definitionId: { in: definitionIds } }, _count: { _all: true } }),
    db.resource.groupBy({
      by: ["definitionId"],
      where: { definitionId: { in: definitionIds }, appliedSpecHash: { not: null }, NOT: { appliedSpecHash: { equals: db.resource.fields.liveSpecHash } } },
      _count: { _all: true },
    }),
  ]);
  for (const id of definitionIds) out.set(id, { live: 0, drifted: 0 });
  for (const r of live) out.get(r.definitionId)!.live = r._count._all;
  for (const r of drifted) out.get(r.definitionId)!.drifted = r._count._all;
  return out;
}

/** The cheap refresh of many definitions at once: only the timestamp moves (the head they are at stays). */
export async function touchRefreshMany(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await (await getDb()).resourceDefinition.updateMany({ where: { id: { in: ids } }, data: { lastRefreshAt: new Date(), refreshError: null } });
}

/**
 * What the scheduler's every tick needs to tell which definitions are due (not their schemas):
 * light rows of the gitops definitions that may be due at `nowMs`, those whose interval (floored
 * at `minIntervalS`, default 300 s) passed since their last refresh, or whose auto-sync retry is
 * due. The per-definition jitter only ever delays, so the caller's exact rule (scheduler/timing.ts
 * `isDue`) picks from these; a definition refreshed within its interval is not read at all, so an
 * idle tick reads no rows, however many definitions there are.
 */
export async function getSchedulerHeads(
  nowMs: number,
  minIntervalS: number,
): Promise<{ id: string; gitops: unknown; lastRefreshAt: Date | null; autoRetryAt: Date | null; autoFailedCommit: string | null }[]> {
  return (await getDb()).$queryRaw<{ id: string; gitops: unknown; lastRefreshAt: Date | null; autoRetryAt: Date | null; autoFailedCommit: string | null }[]>`
    SELECT "id", "gitops", "lastRefreshAt", "autoRetryAt", "autoFailedCommit" FROM "ResourceDefinition"
    WHERE "gitops" IS NOT NULL AND (
      "lastRefreshAt" IS NULL
      OR EXTRACT(EPOCH FROM "lastRefreshAt") * 1000
         + 1000 * GREATEST(CASE WHEN jsonb_typeof("gitops"->'interval') = 'number' THEN ("gitops"->>'interval')::float8 ELSE 300 END, ${minIntervalS}::float8)
         <= ${nowMs}::float8
      OR ("autoFailedCommit" IS NOT NULL AND EXTRACT(EPOCH FROM "autoRetryAt") * 1000 <= ${nowMs}::float8)
    )`;
}

/** Full rows of the given definitions, in name order. */
export async function getDefinitionsByIds(ids: string[]): Promise<DefinitionRow[]> {
  if (ids.length === 0) return [];
  return (await getDb()).resourceDefinition.findMany({ where: { id: { in: ids } }, orderBy: { name: "asc" } });
}
