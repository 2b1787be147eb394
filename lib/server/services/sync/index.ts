/**
 * Sync, dry-run, diff and rollback: one pipeline, read top-down in this folder:
 *   read-source.ts     files at a commit, parse results cached by blob SHA
 *   plan-definition.ts fetch → read → engine planFromSource (masked, heads first)
 *   record-change.ts   what a run records of its plan
 *   run-sync.ts        a run: plan → record → apply (dry-run: writes off) → publish run-finished
 *   compute-diff.ts    the plan without a run
 *   rollback.ts        a sync to an applied commit that pins; resume
 *   sync-resource.ts   one resource: Git's version, or revert its drift (a run with one change)
 */
export { computePlan, MANAGED_BY, type PlanResult } from "@/lib/server/services/sync/plan-definition";
export { startSync, waitForRun, type SyncRequest } from "@/lib/server/services/sync/run-sync";
export { computeDiff, type DiffChange, type DiffResult } from "@/lib/server/services/sync/compute-diff";
export { resumeDefinition, startRollback } from "@/lib/server/services/sync/rollback";
export { requestSync, type SyncRequested } from "@/lib/server/services/sync/request-sync";
export { startResourceSync, type ResourceSyncMode, type ResourceSyncRequest } from "@/lib/server/services/sync/sync-resource";
