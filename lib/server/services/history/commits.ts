/**
 * The path-filtered history of a definition (issue 16): the commits of its branch that changed
 * anything under its gitops path, newest first, paged, each joined with the runs that synced it.
 * A commit changed the path when the object id at the path differs from its first parent's
 * (git/path-tree-oid.ts), so only the trees along the path are read per commit. The branch is
 * walked first-parent (what a sync of the branch head sees), deepening a shallow store as needed.
 */
import "server-only";
import type { DefinitionCommitView, DefinitionCommitsView } from "@/lib/api/history";
import { normalizeGitopsPath } from "@/lib/engine/gitops-path";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { getRunsForCommits } from "@/lib/server/data/history";
import { AppError, notFound } from "@/lib/server/errors";
import { isGitError, type CommitInfo } from "@/lib/server/git/git-client";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { scrubMessage } from "@/lib/server/services/sync/plan-definition";

export const DEFAULT_COMMITS_LIMIT = 20;
export const MAX_COMMITS_LIMIT = 200;
/** commits walked for one page at most: a path untouched for longer ends the page early (with a cursor) */
export const MAX_COMMITS_SCANNED = 5_000;

export async function listDefinitionCommits(name: string, q: { limit?: number; cursor?: string } = {}): Promise<DefinitionCommitsView> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const def = rowToDefinition(row);
  const gitops = def.spec.gitops;
  if (!gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  const checked = normalizeGitopsPath(gitops.path);
  if (!checked.ok) throw new AppError("SOURCE_ERROR", `gitops.path refused: ${checked.reason}`);
  const limit = Math.max(1, Math.min(q.limit ?? DEFAULT_COMMITS_LIMIT, MAX_COMMITS_LIMIT));
  const git = getGitClient();
  try {
    const src = await repoSourceFor(gitops);
    await git.fetchRevision(src, { branch: gitops.branch });
    const oids = new Map<string, string | null>();
    let depth = Math.min(Math.max(limit * 4, 64), MAX_COMMITS_SCANNED);
    for (;;) {
      // one more than asked: the oldest commit listed needs its parent to compare with
      const log = await git.log(src, gitops.branch, depth + 1);
      const complete = log.length <= depth; // the whole (first-parent) history is in the store
      let start = 0;
      if (q.cursor) {
        const at = log.findIndex((c) => c.sha === q.cursor || c.sha.startsWith(q.cursor!.toLowerCase()));
        if (at < 0) {
          if (complete || depth >= MAX_COMMITS_SCANNED) throw notFound(`commit ${q.cursor} on branch ${gitops.branch} (cursor)`);
          depth = Math.min(depth * 2, MAX_COMMITS_SCANNED);
          continue;
        }
        start = at + 1;
      }
      const missing = log.map((c) => c.sha).filter((sha) => !oids.has(sha));
      for (const [sha, oid] of await git.pathTreeOids(src, missing, checked.path)) oids.set(sha, oid);
      const found: CommitInfo[] = [];
      let i = start;
      for (; i < log.length && found.length < limit; i++) {
        const c = log[i]!;
        const parent = log[i + 1];
        if (!parent && !complete) break; // its parent is past this window
        if (oids.get(c.sha) !== (parent ? oids.get(parent.sha) : null)) found.push(c);
      }
      const exhausted = complete && i >= log.length;
      if (found.length < limit && !exhausted && depth < MAX_COMMITS_SCANNED) {
        depth = Math.min(depth * 2, MAX_COMMITS_SCANNED);
        continue;
      }
      const last = found.at(-1)?.sha ?? log[i - 1]?.sha ?? null;
      return {
        definition: name,
        branch: gitops.branch,
        path: checked.path,
        items: await withRuns(row.id, row.syncedCommit, found),
        nextCursor: exhausted ? null : last,
        scanned: i - start,
      };
    }
  } catch (err) {
    if (isGitError(err)) throw new AppError("SOURCE_ERROR", await scrubMessage(def, err.message), { gitError: err.code });
    throw err;
  }
}

async function withRuns(definitionId: string, syncedCommit: string | null, commits: CommitInfo[]): Promise<DefinitionCommitView[]> {
  const runs = await getRunsForCommits(
    definitionId,
    commits.map((c) => c.sha),
  );
  return commits.map((c) => {
    const of = runs.filter((r) => r.resolvedCommit === c.sha);
    const ref = (r: (typeof of)[number] | undefined) => (r ? { runId: r.id, at: (r.finishedAt ?? r.createdAt).toISOString() } : null);
    return {
      sha: c.sha,
      author: c.author,
      time: c.time,
      message: c.message,
      applied: ref(of.find((r) => !r.dryRun && r.phase === "Succeeded" && r.trigger !== "rollback")),
      dryRun: ref(of.find((r) => r.dryRun)),
      rolledBackTo: ref(of.find((r) => !r.dryRun && r.phase === "Succeeded" && r.trigger === "rollback")),
      current: syncedCommit === c.sha,
    };
  });
}
