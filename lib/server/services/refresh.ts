/**
 * Refresh: ask Git for the branch head and re-compute per-resource status and drift, without
 * applying anything. Cheap when nothing changed (same commit, same definition generation,
 * no drift, same live count): one remote head check, two counts, one timestamp write.
 * Otherwise the full plan runs (parse results are cached by blob) and statuses are stored.
 */
import { decryptionKeysChangedSince } from "@/lib/server/services/secrets";
import "server-only";
import { redactText, redactUrl } from "@/lib/engine/redact";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { countLiveResources, getDefinitionsByIds, recordRefreshFailure, setRefreshedGeneration, touchRefresh } from "@/lib/server/data/definition-automation";
import { findActiveRun } from "@/lib/server/data/runs";
import { countDrifted, type StatusSummary } from "@/lib/server/data/sync-status";
import { AppError } from "@/lib/server/errors";
import { isGitError } from "@/lib/server/git/git-client";
import { repoSourceFor } from "@/lib/server/services/git-source";
import { pathUnchanged, sharedBranchHead } from "@/lib/server/services/shared-git";
import { knownSecretValues } from "@/lib/server/services/secrets";
import { recordSyncStatus } from "@/lib/server/services/sync-status";
import { recordHeadDistance } from "@/lib/server/services/head-check";
import { computePlan, type PlanResult } from "@/lib/server/services/sync/plan-definition";
import { publish } from "@/lib/server/runtime/events";
import { logger } from "@/lib/server/logger";

export interface RefreshOutcome {
  definition: string;
  /** cheap: nothing changed; full: re-planned; new-commit: planning left to the sync that follows; error: Git or plan failed */
  kind: "cheap" | "full" | "new-commit" | "error";
  head: string | null;
  /** resources whose live spec changed outside Git since their last apply */
  drifted: number;
  /** drift that this refresh found where the previous status had none (for notifications) */
  newlyDrifted: boolean;
  summary: StatusSummary | null;
  error?: string;
  /** full, when asked (`withPlan`): the plan whose statuses were stored, so a caller that shows it need not plan again */
  planned?: Pick<PlanResult, "plan" | "state">;
}

function storedCount(s: StatusSummary): number {
  return s.Synced + s.OutOfSync + s.Orphaned + s.Error;
}

/**
 * `headMaxAgeMs`: a branch head another definition on the same repository asked for this recently
 * is reused (services/shared-git.ts; 0, the default, asks the remote). A new head that leaves
 * the definition's path unchanged counts as the commit it last planned: nothing new is recorded.
 * `skipPlanOnNewCommit`: an automated definition syncs a new commit anyway, and the sync
 * records the statuses, so planning twice would only add latency. `withPlan`: return the plan
 * (the Refresh button shows it); off by default so the scheduler never holds a plan through a sync.
 */
export async function refreshDefinition(
  row: DefinitionRow,
  opts: { full?: boolean; skipPlanOnNewCommit?: boolean; withPlan?: boolean; headMaxAgeMs?: number } = {},
): Promise<RefreshOutcome> {
  const def = rowToDefinition(row);
  const gitops = def.spec.gitops;
  const counted = (result: RefreshOutcome["kind"]) => publish("refresh-finished", { definition: row.name, result });
  const base = { definition: row.name, drifted: 0, newlyDrifted: false, summary: row.statusSummary as StatusSummary | null };
  if (!gitops) return { ...base, kind: "error", head: null, error: "no gitops section" };
  const prev = row.statusSummary as StatusSummary | null;
  let head: string;
  try {
    const src = await repoSourceFor(gitops);
    head = await sharedBranchHead(src, gitops.branch, opts.full ? 0 : (opts.headMaxAgeMs ?? 0));
    const drifted = await countDrifted(row.id);
    const generationCurrent = row.refreshedGeneration === row.generation || (prev?.commit === row.syncedCommit && row.syncedGeneration === row.generation);
    // a commit that leaves the definition's path (and the .sourceignore files above it) alone is no change for it
    if (!opts.full && prev?.commit && head !== prev.commit && generationCurrent && (await pathUnchanged(src, gitops.branch, gitops.path, prev.commit, head))) {
      head = prev.commit;
    }
    const keysChanged = await decryptionKeysChangedSince(gitops.decryption, row.lastRefreshAt);
    if (!opts.full && !keysChanged && prev && prev.commit === head && row.headCommit === head && drifted === 0 && prev.drifted === 0 && generationCurrent) {
      if ((await countLiveResources(row.id)) === storedCount(prev)) {
        await touchRefresh(row.id, head);
        counted("cheap");
        return { ...base, kind: "cheap", head };
      }
    }
    if (opts.skipPlanOnNewCommit && (head !== row.syncedCommit || row.syncedGeneration !== row.generation)) {
      await touchRefresh(row.id, head);
      counted("new-commit");
      return { ...base, kind: "new-commit", head, drifted };
    }
    const { plan, state } = await computePlan(row, def, {}, (msg) => logger.debug({ definition: row.name }, msg));
    // A run that started or ended while this refresh planned has recorded (or will record) the
    // status itself: this plan was made against the rows before it and must not overwrite it.
    if (await overtakenByRun(row)) {
      logger.debug({ definition: row.name }, "refresh overtaken by a run: its plan is not recorded");
      counted("cheap");
      return { ...base, kind: "cheap", head: state.commit };
    }
    const summary = await recordSyncStatus(row.id, plan, state.commit, { applied: false });
    await recordHeadDistance(row, await repoSourceFor(gitops), state.commit, row.pinnedRevision ?? row.syncedCommit);
    await setRefreshedGeneration(row.id, row.generation);
    counted("full");
    return {
      ...base,
      kind: "full",
      head: state.commit,
      drifted: summary.drifted,
      newlyDrifted: summary.drifted > 0 && (prev?.drifted ?? 0) === 0,
      summary,
      ...(opts.withPlan ? { planned: { plan, state } } : {}),
    };
  } catch (err) {
    const raw = err instanceof AppError || isGitError(err) ? err.message : `unexpected error: ${(err as Error).message}`;
    const message = redactText(redactUrl(raw), await knownSecretValues(gitops.secretName ? [gitops.secretName] : []).catch(() => []));
    if (!(err instanceof AppError || isGitError(err))) logger.error({ definition: row.name, err: message }, "refresh crashed");
    await recordRefreshFailure(row.id, message, isGitError(err) ? err.code : null).catch(() => undefined);
    counted("error");
    return { ...base, kind: "error", head: null, error: message };
  }
}

/** a run is active for the definition, or one finished since `row` was read */
async function overtakenByRun(row: DefinitionRow): Promise<boolean> {
  if (await findActiveRun(row.id)) return true;
  const [now] = await getDefinitionsByIds([row.id]);
  return !now || (now.lastSyncTime?.getTime() ?? 0) !== (row.lastSyncTime?.getTime() ?? 0);
}
