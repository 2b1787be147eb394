/**
 * Read models for the overview and the definition page: one summary per definition with
 * counts by status, drift, last and active run, and its status by the engine's rule
 * (definitionStatusOf). Reads only (data query functions).
 */
import "server-only";
import { overviewPage, parseOverviewQuery, type OverviewPage } from "@/lib/api/overview";
import { getDefinitions, rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { countByStatus, countDriftedByDefinition, type StatusSummary } from "@/lib/server/data/sync-status";
import { findActiveRuns, getLastRuns } from "@/lib/server/data/runs";
import { toRunView } from "@/lib/server/services/runs";
import { definitionHealthSummary } from "@/lib/server/services/resource-health";
import { redactUrl } from "@/lib/engine/redact";
import { appliedOffBranchNotice, definitionStatusOf } from "@/lib/engine/status";
import type { DefinitionSummary } from "@/lib/api/views";
import { checkHeadsIfStale, checkHeadsInBackground } from "@/lib/server/services/head-check";
import { gitHeadView } from "@/lib/server/views/git-head";
import type { GitOpsSpec } from "@/lib/engine/types";
import { gatesOf } from "@/lib/server/views/gates";

/** A constant number of queries for any number of rows (grouped counts, one query per kind of fact). */
export async function summarizeDefinitions(rows: DefinitionRow[]): Promise<DefinitionSummary[]> {
  const ids = rows.map((r) => r.id);
  const [counts, lastRuns, drifted, active, health, gates] = await Promise.all([
    countByStatus(ids),
    getLastRuns(ids),
    countDriftedByDefinition(ids),
    findActiveRuns(ids),
    // a page of one definition (the definition page, a live event) counts only its own resources
    definitionHealthSummary(rows.length === 1 ? ids : undefined),
    gatesOf(rows),
  ]);
  return rows.map((row, i) => {
    const def = rowToDefinition(row);
    const c = counts.get(row.id) ?? {};
    const summary = (row.statusSummary ?? null) as StatusSummary | null;
    const byStatus = {
      Synced: c.Synced ?? 0,
      OutOfSync: c.OutOfSync ?? 0,
      // Missing resources are in Git but not in the store: only the last plan knows them.
      Missing: summary?.Missing ?? 0,
      Orphaned: c.Orphaned ?? 0,
      Error: c.Error ?? 0,
      Unknown: c.Unknown ?? 0,
    };
    const driftedCount = drifted.get(row.id) ?? 0;
    const total = Object.entries(c).reduce((a, [, n]) => a + n, 0);
    const last = lastRuns.get(row.id);
    const activeRun = active.get(row.id);
    // Missing, drift and a moved branch all say a sync would change something (lib/engine/status.ts)
    const status = definitionStatusOf({
      counts: row.syncedCommit !== null || summary !== null ? byStatus : null,
      drifted: driftedCount,
      headMoved: row.headCommit !== null && row.syncedCommit !== null && row.headCommit !== row.syncedCommit && !row.pinnedRevision,
    });
    return {
      name: row.name,
      kind: def.spec.names.kind,
      gitops: def.spec.gitops ? gitopsSummary(def.spec.gitops) : null,
      automated: def.spec.syncPolicy.automated,
      production: def.spec.production ?? false,
      pinnedRevision: row.pinnedRevision,
      pinnedBy: row.pinnedBy,
      suspendedReason: row.suspendedReason,
      headCommit: row.headCommit,
      syncedCommit: row.syncedCommit,
      appliedOffBranch: appliedOffBranchNotice(row, def.spec.gitops?.branch),
      lastRefreshAt: row.lastRefreshAt?.toISOString() ?? null,
      status,
      counts: { ...byStatus, drifted: driftedCount },
      total,
      lastRun: last ? toRunView(last, row.name) : null,
      activeRun: activeRun ? toRunView(activeRun, row.name) : null,
      health: { status: health.get(row.name)?.health ?? null, counts: health.get(row.name)?.counts ?? {} },
      ...gates[i],
      git: gitHeadView(row),
    };
  });
}

/** The API's list: waits (briefly) for the head checks of stale definitions. */
export async function listDefinitionSummaries(): Promise<DefinitionSummary[]> {
  return summarizeDefinitions(await checkHeadsIfStale(await getDefinitions()));
}

/**
 * The overview page: search, filters, sort and page from the URL (lib/api/overview.ts). It renders
 * what the store has; stale heads are checked in the background and the live events refresh the page.
 */
export async function overviewPageView(searchParams: Record<string, string | string[] | undefined>): Promise<OverviewPage> {
  const rows = await getDefinitions();
  checkHeadsInBackground(rows);
  return overviewPage(await summarizeDefinitions(rows), parseOverviewQuery(searchParams));
}

/** what the pages show of the gitops section: the URL without credentials, the namespace and file selection fields */
function gitopsSummary(g: GitOpsSpec): NonNullable<DefinitionSummary["gitops"]> {
  return {
    repoURL: redactUrl(g.repoURL),
    branch: g.branch,
    path: g.path,
    ...(g.targetNamespace ? { targetNamespace: g.targetNamespace } : {}),
    ...(g.forceNamespace ? { forceNamespace: true } : {}),
    ...(g.include?.length ? { include: g.include } : {}),
    ...(g.exclude?.length ? { exclude: g.exclude } : {}),
  };
}
