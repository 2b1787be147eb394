/**
 * The cheap refresh (services/refresh.ts) of many definitions at once, for the scheduler's
 * sweep: definitions are grouped by repository and branch, each group asks for its head once
 * (services/shared-git.ts), each definition compares its path's fingerprint at that head with
 * the commit it last planned, and those with nothing changed (same path, no drift, same live
 * count, same generation, nothing to auto-sync) get one timestamp write together. Anything else
 * is left to the per-definition reconcile, which decides exactly as before.
 *
 * Two steps, so the caller can start the reconciles of what changed before the writes for
 * what did not: `findUnchangedInBulk` (head check, fingerprints; no writes) and
 * `settleUnchanged` (one count query, one update).
 */
import "server-only";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { countLiveAndDrifted, touchRefreshMany } from "@/lib/server/data/definition-automation";
import type { StatusSummary } from "@/lib/server/data/sync-status";
import { repoSourceFor } from "@/lib/server/services/git-source";
import { pathsUnchanged, sharedBranchHead } from "@/lib/server/services/shared-git";
import { isSuspended } from "@/lib/server/services/suspend";
import { publish } from "@/lib/server/runtime/events";

export interface BulkRefreshItem {
  row: DefinitionRow;
  /** how old a shared branch head may be (0: ask the remote, unless another definition of this sweep just did) */
  headMaxAgeMs: number;
  /** the branch just moved (a webhook): fetch it while asking for its head */
  fetch?: boolean;
}

/** Definitions whose path did not change, by id, waiting for `settleUnchanged`. */
export type UnchangedCandidates = Map<string, { row: DefinitionRow; prev: StatusSummary }>;

/** Settles the unchanged definitions among `items`; returns their ids (the rest need a reconcile). */
export async function refreshUnchangedInBulk(items: BulkRefreshItem[]): Promise<Set<string>> {
  return settleUnchanged(await findUnchangedInBulk(items));
}

/** The definitions among `items` whose path is unchanged at the branch head: candidates for `settleUnchanged` (nothing written). */
export async function findUnchangedInBulk(items: BulkRefreshItem[]): Promise<UnchangedCandidates> {
  const groups = new Map<
    string,
    { items: { row: DefinitionRow; prev: StatusSummary }[]; repoURL: string; branch: string; secretName?: string; maxAge: number; fetch: boolean }
  >();
  for (const { row, headMaxAgeMs, fetch } of items) {
    const def = rowToDefinition(row);
    const gitops = def.spec.gitops;
    const prev = row.statusSummary as StatusSummary | null;
    if (!gitops || gitops.decryption || !prev?.commit || prev.drifted !== 0 || row.headCommit !== prev.commit) continue;
    const generationCurrent = row.refreshedGeneration === row.generation || (prev.commit === row.syncedCommit && row.syncedGeneration === row.generation);
    if (!generationCurrent) continue;
    const autoSyncs = def.spec.syncPolicy.automated && !row.pinnedRevision && !isSuspended(row);
    if (autoSyncs && (row.syncedCommit !== prev.commit || row.syncedGeneration !== row.generation)) continue;
    const key = `${gitops.repoURL}\u0000${gitops.branch}\u0000${gitops.secretName ?? ""}`;
    let g = groups.get(key);
    if (!g)
      groups.set(key, (g = { items: [], repoURL: gitops.repoURL, branch: gitops.branch, secretName: gitops.secretName, maxAge: headMaxAgeMs, fetch: false }));
    g.items.push({ row, prev });
    g.maxAge = Math.min(g.maxAge, headMaxAgeMs);
    g.fetch ||= fetch === true;
  }

  const unchanged: UnchangedCandidates = new Map();
  for (const g of groups.values()) {
    try {
      const first = rowToDefinition(g.items[0]!.row).spec.gitops!;
      const src = await repoSourceFor(first);
      const head = await sharedBranchHead(src, g.branch, g.maxAge, { fetch: g.fetch });
      const same = await pathsUnchanged(
        src,
        g.branch,
        g.items.map((it) => ({ path: rowToDefinition(it.row).spec.gitops!.path, from: it.prev.commit! })),
        head,
      );
      g.items.forEach((it, i) => {
        if (same[i]) unchanged.set(it.row.id, it);
      });
    } catch {
      // the per-definition reconcile records the failure on each definition
    }
  }
  return unchanged;
}

/** One count query and one timestamp update for the candidates that still have nothing to do; returns their ids (the rest need a reconcile). */
export async function settleUnchanged(candidates: UnchangedCandidates): Promise<Set<string>> {
  const unchanged = [...candidates.values()];
  const counts = await countLiveAndDrifted(unchanged.map((u) => u.row.id));
  const done = unchanged.filter(({ row, prev }) => {
    const c = counts.get(row.id);
    return !!c && c.drifted === 0 && c.live === prev.Synced + prev.OutOfSync + prev.Orphaned + prev.Error;
  });
  await touchRefreshMany(done.map((d) => d.row.id));
  for (const { row } of done) publish("refresh-finished", { definition: row.name, result: "cheap" });
  return new Set(done.map((d) => d.row.id));
}
