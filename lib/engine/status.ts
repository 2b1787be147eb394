/**
 * Sync status derived from a planned action, in one place so the plan, the run
 * history and the UI badges cannot disagree. A resource's status is what the
 * action says about it before applying; a definition is Synced only when every
 * resource is unchanged and none is invalid.
 */
import type { ChangeAction, DefinitionSyncStatus, PlannedChange, ResourceSyncStatus } from "./types";

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

/** Unknown when there is no plan yet (never synced, or the last run could not plan). */
export function definitionStatus(
  changes: readonly Pick<PlannedChange, "action">[] | null | undefined,
): DefinitionSyncStatus {
  if (!changes) return "Unknown";
  return changes.every((c) => c.action === "unchanged") ? "Synced" : "OutOfSync";
}
