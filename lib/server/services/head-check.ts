/**
 * The pages' cheap head check (issue 21): one ls-remote per definition, at most every
 * HEAD_CHECK_MAX_AGE_MS, so a new commit shows as "behind" (OutOfSync) without waiting for a
 * Refresh or the interval. It stores only the head, when it was checked and a Git failure with
 * its cause; statuses and plans stay the refresh's (services/refresh.ts), which also counts how
 * far behind the applied commit is once the head's objects are fetched (recordHeadDistance).
 */
import "server-only";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { recordGitFailure, recordHeadChecked, recordHeadDetails } from "@/lib/server/data/git-head";
import { AppError } from "@/lib/server/errors";
import { isGitError, type GitClient, type RepoSource } from "@/lib/server/git/git-client";
import { logger } from "@/lib/server/logger";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { scrubMessage } from "@/lib/server/services/sync/plan-definition";
import type { GitOpsSpec } from "@/lib/engine/types";

export const HEAD_CHECK_MAX_AGE_MS = 10_000;
/** how many commits back from the head the distance is counted (past it: "behind", no number) */
const DISTANCE_LIMIT = 50;

/** a page waits this long for a head check; a slower one finishes in the background for the next view */
const PAGE_WAIT_MS = 1_500;
/** checks in flight per definition, so concurrent page views share one ls-remote */
const inFlight = new Map<string, Promise<DefinitionRow>>();

/** Checks the heads of rows not checked for `maxAgeMs`; answers the rows with what the checks found in time. */
export async function checkHeadsIfStale(rows: DefinitionRow[], maxAgeMs = HEAD_CHECK_MAX_AGE_MS, waitMs = PAGE_WAIT_MS): Promise<DefinitionRow[]> {
  const now = Date.now();
  // one ls-remote per repository, branch and secret for this view, however many definitions use them (a monorepo)
  const heads = new Map<string, Promise<string>>();
  const headOf = async (gitops: GitOpsSpec): Promise<string> => {
    const key = `${gitops.repoURL}\u0000${gitops.branch}\u0000${gitops.secretName ?? ""}`;
    let head = heads.get(key);
    if (!head) {
      head = repoSourceFor(gitops).then((src) => getGitClient().resolveBranchHead(src, gitops.branch));
      head.catch(() => undefined);
      heads.set(key, head);
    }
    return head;
  };
  return Promise.all(
    rows.map(async (row) => {
      if (!row.gitops) return row;
      if (row.headCheckedAt && now - row.headCheckedAt.getTime() < maxAgeMs) return row;
      let check = inFlight.get(row.id);
      if (!check) {
        check = checkHead(row, headOf).finally(() => inFlight.delete(row.id));
        inFlight.set(row.id, check);
      }
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<DefinitionRow>((resolve) => {
        timer = setTimeout(() => resolve(row), waitMs);
        timer.unref();
      });
      try {
        return await Promise.race([check, late]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** One head check; never throws (a failure becomes the row's Git error). */
export async function checkHead(
  row: DefinitionRow,
  headOf: (gitops: GitOpsSpec) => Promise<string> = async (g) => getGitClient().resolveBranchHead(await repoSourceFor(g), g.branch),
): Promise<DefinitionRow> {
  const def = rowToDefinition(row);
  const gitops = def.spec.gitops;
  if (!gitops) return row;
  try {
    const head = await headOf(gitops);
    const moved = head !== row.headCommit;
    const clear = row.refreshErrorCode !== null || (row.refreshError !== null && /^secret /.test(row.refreshError));
    await recordHeadChecked(row.id, head, moved, clear);
    return {
      ...row,
      headCommit: head,
      headCheckedAt: new Date(),
      ...(moved ? { headMessage: null, headBehind: null } : {}),
      ...(clear ? { refreshError: null, refreshErrorCode: null } : {}),
    };
  } catch (err) {
    if (!(err instanceof AppError) && !isGitError(err)) {
      logger.error({ definition: row.name, err: (err as Error).message }, "head check crashed");
      return row;
    }
    const message = await scrubMessage(def, err.message);
    const code = isGitError(err) ? err.code : null;
    await recordGitFailure(row.id, message, code).catch(() => undefined);
    return { ...row, headCheckedAt: new Date(), refreshError: message, refreshErrorCode: code };
  }
}

/**
 * After a refresh or a sync fetched the head: its message and how many commits `base` (the
 * applied commit, or the pin) is behind it. Best effort: a failure leaves the distance unknown.
 */
export async function recordHeadDistance(
  row: Pick<DefinitionRow, "id">,
  src: RepoSource,
  head: string,
  base: string | null,
  git: GitClient = getGitClient(),
): Promise<void> {
  try {
    const log = await git.log(src, head, DISTANCE_LIMIT);
    const at = base ? log.findIndex((c) => c.sha === base) : -1;
    await recordHeadDetails(row.id, { head, message: log[0]?.message ?? null, behind: at >= 0 ? at : null });
  } catch (err) {
    logger.debug({ err: (err as Error).message }, "could not count commits behind the head");
  }
}
