/**
 * Where the definition's Git branch is now: one remote head lookup (ls-remote), no fetch, no
 * plan. The diff page asks it before "Sync this revision" to say whether the branch moved.
 */
import "server-only";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { AppError, notFound } from "@/lib/server/errors";
import { GitError } from "@/lib/server/git/git-client";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { scrubMessage } from "@/lib/server/services/sync/plan-definition";

export async function getBranchHead(name: string): Promise<{ branch: string; head: string }> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const def = rowToDefinition(row);
  const gitops = def.spec.gitops;
  if (!gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  try {
    return { branch: gitops.branch, head: await getGitClient().resolveBranchHead(await repoSourceFor(gitops), gitops.branch) };
  } catch (err) {
    if (err instanceof GitError) throw new AppError("SOURCE_ERROR", await scrubMessage(def, err.message), { gitError: err.code });
    throw err;
  }
}
