/**
 * Which revision a real sync may apply (issue 19 M1). A revision can be any SHA the Git server
 * hands out, an unmerged pull-request commit fetched by SHA included, so by default a sync
 * applies only commits on `gitops.branch` (the head or an ancestor) or a commit this
 * definition applied before (a rollback). Anything else needs an admin, or the definition's
 * opt-in `spec.gitops.allowAnyRevision: true`; then the commit is applied but recorded as off
 * the branch: never stored as the branch head, and shown as "applied commit is not on <branch>".
 * API, server actions and the CLI share this through startSync.
 */
import "server-only";
import { roleAtLeast } from "@/lib/server/auth/roles";
import type { Principal } from "@/lib/server/auth/principal";
import type { Definition } from "@/lib/engine/types";
import type { DefinitionRow } from "@/lib/server/data/definitions";
import { wasCommitApplied } from "@/lib/server/data/runs";
import { AppError } from "@/lib/server/errors";
import { isGitError } from "@/lib/server/git/git-client";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";

export interface GatedRevision {
  commit: string;
  /** the branch head seen while checking; what may be stored as the definition's head */
  branchHead: string | undefined;
  /** false also when it could not be told (history beyond the walk's bound) */
  onBranch: boolean;
}

/** Resolves `revision`, and refuses it (403, naming why) when this caller may not apply it. */
export async function gateRevision(row: DefinitionRow, def: Definition, revision: string, who: Principal | "system"): Promise<GatedRevision> {
  const gitops = def.spec.gitops!;
  const git = getGitClient();
  const src = await repoSourceFor(gitops);
  const { commit, branchHead } = await git.fetchRevision(src, { branch: gitops.branch, revision });
  let onBranch = commit === branchHead;
  let undecided: string | undefined;
  if (!onBranch && branchHead) {
    try {
      onBranch = (await git.fetchRevision(src, { branch: gitops.branch, revision: commit, checkOnBranch: true })).onBranch === true;
    } catch (err) {
      if (!isGitError(err, "LIMIT_EXCEEDED")) throw err;
      undecided = err.message;
    }
  }
  if (onBranch) return { commit, branchHead, onBranch };
  const privileged = who === "system" || roleAtLeast(who.role, "admin") || gitops.allowAnyRevision === true;
  if (privileged || (await wasCommitApplied(row.id, commit))) return { commit, branchHead, onBranch: false };
  const why =
    undecided ??
    `commit ${commit.slice(0, 12)} is not on branch ${gitops.branch}${branchHead ? ` (not reachable from its head ${branchHead.slice(0, 12)})` : ""}`;
  throw new AppError(
    "FORBIDDEN",
    `revision ${revision} refused: ${why} and was never applied to ${def.metadata.name}. Only an admin can sync a revision that is not on ${gitops.branch}, ` +
      `or a definition with spec.gitops.allowAnyRevision: true`,
    { reason: undecided ? "branch-unverified" : "not-on-branch", commit },
  );
}
