/** Turns a plan into stored statuses: after a real sync (what the store now is) or a refresh (what it would change). */
import "server-only";
import type { Plan, ResourceSyncStatus } from "@/lib/engine/types";
import { writeSyncStatus, type StatusSummary } from "@/lib/server/data/sync-status";
import { publish } from "@/lib/server/runtime/events";

/** most resources one "resources-changed" event lists; over it the live stream says "refetch" */
const CHANGED_CAP = 500;

/**
 * `headCommit`: the branch head to store (default `commit`, which a refresh plans); a sync of
 * another revision passes the branch head it saw, or undefined to keep the stored one, so a
 * commit off the branch is never stored as its head (issue 19 M1).
 */
export async function recordSyncStatus(
  definitionId: string,
  plan: Plan,
  commit: string,
  opts: { applied: boolean; headCommit?: string | undefined } = { applied: true },
): Promise<StatusSummary> {
  const byStatus = new Map<ResourceSyncStatus, { namespace: string; name: string }[]>();
  const summary: StatusSummary = { Synced: 0, OutOfSync: 0, Missing: 0, Orphaned: 0, Error: 0, drifted: 0, commit, at: new Date().toISOString() };
  for (const c of plan.changes) {
    let status: ResourceSyncStatus = c.status;
    if (opts.applied) {
      if (c.action === "delete") continue;
      status = c.action === "invalid" ? "Error" : c.action === "skipped" ? "Orphaned" : "Synced";
    } else if (c.drifted) summary.drifted++;
    summary[status]++;
    if (status === "Missing") continue; // not in the store
    const list = byStatus.get(status) ?? [];
    list.push({ namespace: c.key.namespace, name: c.key.name });
    byStatus.set(status, list);
  }
  // A real sync wrote each resource's status in its own transaction; a refresh writes them here.
  // what changed, for the live stream: a sync's created/updated/deleted/invalid resources, or
  // the resources a refresh moved to another status
  const changed: { list: { namespace: string; name: string; status: string }[] | null; cap: number } = { list: [], cap: CHANGED_CAP };
  if (opts.applied) {
    for (const c of plan.changes) {
      if (c.action === "unchanged" || !changed.list) continue;
      if (changed.list.length >= CHANGED_CAP) changed.list = null;
      else
        changed.list.push({
          namespace: c.key.namespace,
          name: c.key.name,
          status: c.action === "delete" ? "Deleted" : c.action === "invalid" ? "Error" : c.action === "skipped" ? "Orphaned" : "Synced",
        });
    }
  }
  await writeSyncStatus(
    definitionId,
    opts.applied ? null : byStatus,
    summary,
    "headCommit" in opts ? opts.headCommit : commit,
    opts.applied ? undefined : changed,
  );
  if (changed.list === null || changed.list.length > 0) publish("resources-changed", { definitionId, changes: changed.list });
  return summary;
}
