/**
 * Sync status in one place, so the plan, the stored statuses, the run history and the UI
 * badges cannot disagree:
 * - a resource's status is what its planned action says about it before applying;
 * - a resource is drifted when its live content moved away from what the last sync applied;
 * - a definition is Synced only when no resource is anything but Synced (Unknown rows, not yet
 *   planned, do not count), none has drifted and Git's branch has not moved past the synced
 *   commit; Unknown before any plan.
 */
import type { ChangeAction, DefinitionSyncStatus, LiveResource, PlannedChange, ResourceSyncStatus, StoredSyncStatus } from "./types";

const STATUS_BY_ACTION: Record<ChangeAction, ResourceSyncStatus> = {
  create: "Missing",
  update: "OutOfSync",
  unchanged: "Synced",
  invalid: "Error",
  delete: "Orphaned",
  skipped: "Orphaned",
};

export function resourceStatus(change: Pick<PlannedChange, "action">): ResourceSyncStatus {
  return STATUS_BY_ACTION[change.action];
}

/** The drift rule: the store's content hash is no longer the one the last sync applied. */
export function isDrifted(live: Pick<LiveResource, "appliedSpecHash" | "liveSpecHash">): boolean {
  return live.appliedSpecHash !== null && live.liveSpecHash !== live.appliedSpecHash;
}

/** What a definition's status is decided from: a plan's changes, or the statuses stored from the last one. */
export interface DefinitionState {
  /** resources per status as last planned; null before any plan */
  counts: Partial<Record<ResourceSyncStatus | StoredSyncStatus, number>> | null;
  drifted: number;
  /** Git's branch is at another commit than the synced one (and the definition is not pinned to it) */
  headMoved: boolean;
}

export function definitionStatusOf(s: DefinitionState): DefinitionSyncStatus {
  if (!s.counts) return "Unknown";
  const c = s.counts;
  const notSynced = (c.OutOfSync ?? 0) + (c.Missing ?? 0) + (c.Error ?? 0) + (c.Orphaned ?? 0);
  return notSynced + s.drifted > 0 || s.headMoved ? "OutOfSync" : "Synced";
}

/** A plan's changes → the definition's status (the same rule as for stored statuses). */
export function definitionStatus(
  changes: readonly (Pick<PlannedChange, "action"> & Partial<Pick<PlannedChange, "drifted">>)[] | null | undefined,
): DefinitionSyncStatus {
  if (!changes) return "Unknown";
  const counts: Partial<Record<ResourceSyncStatus, number>> = {};
  let drifted = 0;
  for (const c of changes) {
    const status = resourceStatus(c);
    counts[status] = (counts[status] ?? 0) + 1;
    if (c.drifted) drifted++;
  }
  return definitionStatusOf({ counts, drifted, headMoved: false });
}

/**
 * What the page and the API say when the applied commit is not on the definition's branch (an
 * admin's or an opted-in sync of another revision, issue 19 M1): one wording for both.
 */
export function appliedOffBranchNotice(row: { syncedCommit: string | null; syncedOffBranch: boolean }, branch: string | undefined): string | null {
  return row.syncedCommit && row.syncedOffBranch && branch ? `applied commit is not on ${branch}` : null;
}
