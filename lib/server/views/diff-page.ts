/** The diff page in one call: the plan against a revision, trimmed for review, and the active run. */
import "server-only";
import { findDefinition } from "@/lib/server/data/definitions";
import { findActiveRun } from "@/lib/server/data/runs";
import { AppError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { computeDiff } from "@/lib/server/services/sync";
import type { DiffReviewData } from "@/lib/api/views";

const PROBLEM_LIMIT = 200;
const CHANGED_LIMIT = 300;
const UNCHANGED_LIMIT = 500;

export type DiffPageView =
  | { kind: "review"; data: DiffReviewData; production: boolean; activeRunId: string | null }
  /** Git or the plan failed: the message says why, in place */
  | { kind: "error"; message: string };

/** null when there is no such definition. */
/** `fetchMissing`: the caller may fetch history for a revision not yet in the store (operators). */
export async function diffPageView(name: string, revision: string | undefined, fetchMissing = false): Promise<DiffPageView | null> {
  const row = await findDefinition(name);
  if (!row) return null;
  let data: DiffReviewData;
  try {
    const d = await computeDiff(name, { revision, fetchMissing });
    const changed = d.changes.filter((c) => c.action !== "unchanged");
    const unchanged = d.changes.filter((c) => c.action === "unchanged");
    data = {
      definition: name,
      requestedRevision: revision ?? null,
      pinnedRevision: row.pinnedRevision,
      commit: d.commit,
      commitMessage: d.commitMessage,
      branch: d.branch,
      branchHead: d.branchHead,
      counts: d.counts,
      pruneWithheld: d.pruneWithheld,
      fileProblems: d.fileProblems.slice(0, PROBLEM_LIMIT),
      changes: changed.slice(0, CHANGED_LIMIT).map((c) => ({
        kind: c.kind,
        namespace: c.namespace,
        name: c.name,
        action: c.action,
        liveYaml: c.liveYaml,
        desiredYaml: c.desiredYaml,
        error: c.error,
        drifted: c.drifted,
        sourcePath: c.sourcePath,
        sourceLine: c.sourceLine,
      })),
      changedTotal: changed.length,
      unchanged: unchanged.slice(0, UNCHANGED_LIMIT).map((c) => `${c.namespace ? `${c.namespace}/` : ""}${c.name}`),
      unchangedTotal: unchanged.length,
    };
  } catch (err) {
    if (err instanceof AppError) return { kind: "error", message: err.message };
    // never a full-page 500 (issue 21): the error is shown in place, the details go to the log
    logger.error({ definition: name, err: (err as Error).message }, "diff page failed");
    return { kind: "error", message: "the diff could not be computed (an unexpected error; the server log has the details). Refresh to try again." };
  }
  const active = await findActiveRun(row.id);
  return { kind: "review", data, production: row.production, activeRunId: active?.id ?? null };
}
