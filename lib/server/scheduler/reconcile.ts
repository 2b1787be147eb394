/**
 * One reconcile of one definition (the caller holds its lease): refresh, then decide
 * whether automation syncs.
 *   - manual, pinned or suspended definitions: refresh only;
 *   - automated: a new commit (or a changed definition) syncs; a commit whose auto-sync
 *     failed waits out its backoff (a new commit does not);
 *   - selfHeal: drift (live changed outside Git) is reverted by a sync;
 *   - syncPolicy.requireHealthy (issue 14): a new commit waits while resources are Degraded.
 * Prune follows the policy; the engine withholds unsafe prunes on its own.
 */
import "server-only";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { clearAutoBackoff, setAutoBackoff } from "@/lib/server/data/definition-automation";
import { countDegradedResources } from "@/lib/server/data/resource-health";
import { findActiveRun } from "@/lib/server/data/runs";
import { AppError } from "@/lib/server/errors";
import { refreshDefinition, type RefreshOutcome } from "@/lib/server/services/refresh";
import { requestSync } from "@/lib/server/services/sync";
import { isSuspended } from "@/lib/server/services/suspend";
import { notify } from "@/lib/server/notifications/notify";
import { logger } from "@/lib/server/logger";
import { backoffDelayMs } from "@/lib/server/scheduler/timing";
import type { SchedulerConfig } from "@/lib/server/scheduler/config";
import type { RefreshReason } from "@/lib/server/runtime/refresh-queue";

export type ReconcileReason = RefreshReason;

export interface ReconcileResult {
  definition: string;
  refresh: RefreshOutcome | null;
  /** why no sync ran, or the run that did */
  sync: { runId: string; phase: string } | { skipped: string; /** a sync window holds the sync back until then (issue 15) */ windowOpensAt?: string | null };
}

/** `headMaxAgeMs`: a branch head shared with other definitions on the repository may be this old (the scheduler's sweep; default 0, ask the remote) */
export async function reconcile(
  row: DefinitionRow,
  reason: ReconcileReason,
  cfg: SchedulerConfig,
  opts: { headMaxAgeMs?: number } = {},
): Promise<ReconcileResult> {
  const def = rowToDefinition(row);
  const policy = def.spec.syncPolicy;
  if (await findActiveRun(row.id)) return { definition: row.name, refresh: null, sync: { skipped: "a run is in progress" } };
  const blockedBy = !policy.automated ? "manual sync policy" : row.pinnedRevision ? `pinned to ${row.pinnedRevision}` : isSuspended(row) ? "suspended" : null;

  const refresh = await refreshDefinition(row, { skipPlanOnNewCommit: blockedBy === null, headMaxAgeMs: opts.headMaxAgeMs ?? 0 });
  if (refresh.newlyDrifted) {
    void notify({
      event: "drift.detected",
      definition: row.name,
      drifted: refresh.drifted,
      commit: refresh.head,
      summary: `${refresh.drifted} resource(s) changed outside Git`,
    });
  }
  if (refresh.kind === "error" || !refresh.head) return { definition: row.name, refresh, sync: { skipped: `refresh failed: ${refresh.error}` } };
  if (blockedBy) return { definition: row.name, refresh, sync: { skipped: blockedBy } };

  const head = refresh.head;
  const newCommit = head !== row.syncedCommit || row.syncedGeneration !== row.generation;
  const heal = !newCommit && policy.selfHeal && refresh.drifted > 0;
  if (!newCommit && !heal) return { definition: row.name, refresh, sync: { skipped: "in sync" } };
  const backingOff = row.autoFailedCommit === head && row.autoRetryAt !== null && Date.now() < row.autoRetryAt.getTime();
  if (backingOff) return { definition: row.name, refresh, sync: { skipped: `backing off until ${row.autoRetryAt!.toISOString()}` } };
  if (newCommit && policy.requireHealthy) {
    const held = await healthHold(row);
    if (held) return { definition: row.name, refresh, sync: { skipped: held } };
  }

  let started;
  try {
    // through the gate (issue 15): sync windows, and spec.approval turns the sync into an approval request
    const requested = await requestSync({
      definition: row.name,
      trigger: reason === "webhook" ? "webhook" : "auto",
      who: "system",
      prune: policy.prune,
      // the head this refresh resolved: the run plans it from the store when the shared fetch brought it
      ...(refresh.kind === "new-commit" || refresh.kind === "full" ? { knownHead: head } : {}),
    });
    if (requested.kind === "approval")
      return { definition: row.name, refresh, sync: { skipped: `waiting for approval request ${requested.approvalRequest.id}` } };
    started = requested;
  } catch (err) {
    if (err instanceof AppError && err.code === "SYNC_IN_PROGRESS") return { definition: row.name, refresh, sync: { skipped: "a run is in progress" } };
    if (err instanceof AppError && err.code === "SYNC_WINDOW_CLOSED") {
      const { nextOpening } = err.details as { nextOpening: string | null };
      return { definition: row.name, refresh, sync: { skipped: err.message, windowOpensAt: nextOpening } };
    }
    throw err;
  }
  const run = await started.done;
  if (run.phase === "Failed") {
    const commit = run.resolvedCommit ?? head;
    const failures = row.autoFailedCommit === commit ? row.autoFailures + 1 : 1;
    const delay = backoffDelayMs(failures, cfg.backoffBaseMs, cfg.backoffMaxMs);
    await setAutoBackoff(row.id, { commit, failures, retryAt: new Date(Date.now() + delay) });
    logger.warn({ definition: row.name, commit, failures, retryInMs: delay }, "auto-sync failed; backing off");
  } else if (run.phase === "Succeeded") {
    await clearAutoBackoff(row.id);
  }
  return { definition: row.name, refresh, sync: { runId: run.id, phase: run.phase } };
}

/** syncPolicy.requireHealthy: no auto-sync of a new commit on top of a Degraded rollout (the reason, or null). */
async function healthHold(row: DefinitionRow): Promise<string | null> {
  if (row.health === null) return null; // no rules: health is not assessed
  const degraded = await countDegradedResources(row.id);
  if (degraded === 0) return null;
  const why = `waiting for health: ${degraded} resource(s) Degraded (syncPolicy.requireHealthy)`;
  logger.info({ definition: row.name, degraded }, "auto-sync held back: the definition is Degraded");
  return why;
}
