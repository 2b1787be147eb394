/**
 * "Why is my file not synced": the files under a definition's path at its branch head (or pin)
 * whose path contains a search text, each with whether it is read and, when it is not, which
 * gitops.include / exclude glob or which .sourceignore file and line left it out. Lists trees
 * only; no file content is read.
 */
import "server-only";
import type { SourceFileMatch, SourceFilesView } from "@/lib/api/contract";
import { describeExclusion } from "@/lib/engine/source-filter";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { AppError, notFound } from "@/lib/server/errors";
import { DEFAULT_READ_LIMITS, isGitError } from "@/lib/server/git/git-client";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { scrubMessage } from "@/lib/server/services/sync/plan-definition";
import { sourceFilterFor } from "@/lib/server/services/sync/read-source";

export const MAX_SOURCE_FILE_MATCHES = 50;

export async function explainSourceFiles(name: string, query: string): Promise<SourceFilesView> {
  const q = query.trim().replace(/^\/+/, "");
  if (q === "") throw new AppError("BAD_REQUEST", "q (a file path or part of one) is required", { field: "q" });
  if (q.length > 512) throw new AppError("BAD_REQUEST", "q is longer than 512 characters", { field: "q" });
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const def = rowToDefinition(row);
  const gitops = def.spec.gitops;
  if (!gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  const git = getGitClient();
  try {
    const src = await repoSourceFor(gitops);
    const target = await git.fetchRevision(src, { branch: gitops.branch, revision: row.pinnedRevision ?? undefined });
    const listing = await git.listFiles(src, target.commit, gitops.path, DEFAULT_READ_LIMITS, sourceFilterFor(def));
    const all: SourceFileMatch[] = [
      ...listing.files.map((f) => ({ path: f.path, status: "read" as const })),
      ...(listing.excluded ?? []).map((e) => ({ path: e.path, status: "excluded" as const, reason: e.reason, because: describeExclusion(e.reason) })),
    ]
      .filter((m) => m.path.includes(q))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      definition: name,
      commit: target.commit,
      path: gitops.path,
      query: q,
      matches: all.slice(0, MAX_SOURCE_FILE_MATCHES),
      truncated: all.length > MAX_SOURCE_FILE_MATCHES,
    };
  } catch (err) {
    if (isGitError(err)) throw new AppError("SOURCE_ERROR", await scrubMessage(def, err.message), { gitError: err.code });
    throw err;
  }
}
