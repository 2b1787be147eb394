/** The Git line of a card and a definition header (lib/api/git-head.ts GitHeadView), from the stored row. */
import "server-only";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { gitErrorView, type GitHeadView } from "@/lib/api/git-head";

export function gitHeadView(row: DefinitionRow): GitHeadView | null {
  const gitops = rowToDefinition(row).spec.gitops;
  if (!gitops) return null;
  const base = row.pinnedRevision ?? row.syncedCommit;
  const headMoved = row.headCommit !== null && base !== null && row.headCommit !== base;
  return {
    branch: gitops.branch,
    head: row.headCommit,
    headMessage: row.headCommit && !headMoved && row.headMessage === null ? null : row.headMessage,
    checkedAt: (row.headCheckedAt ?? row.lastRefreshAt)?.toISOString() ?? null,
    applied: row.syncedCommit,
    behind: !headMoved && row.headCommit !== null && base !== null ? 0 : headMoved ? row.headBehind : null,
    headMoved,
    pinned: row.pinnedRevision,
    error: row.refreshError ? gitErrorView(row.refreshError, row.refreshErrorCode, gitops.secretName ?? null) : null,
  };
}
